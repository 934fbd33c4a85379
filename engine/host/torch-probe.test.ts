// The torch runner's probe outputs are the blocks the document names: for every block of networks with nested
// Sequentials, definition instances (b2/r1/conv1), graph blocks (Inception) and a layer applied twice (FancyMLP's
// `again`, the second call of `dense`'s module), the runner's output on the probe batch equals tfjs's forward pass
// from the same weights, and its parameter values are the session model's. This checks the export generator's
// path → module map (export/pytorch/model.ts blockModules) and the runner's hooks. Skipped, saying why, without torch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import type { NetworkDocInput } from '../core';
import { TfjsAccess } from '../debug';
import { probeTorch } from '../runtime/backends/torch';
import { openSession } from '../train';
import { probeBatch } from './debug-data';
import { TorchAccess } from './torch-debug';
import { TorchTrainer } from './torch-run';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the torch runner's probe outputs: ${probe.reason}`);
const suite = probe.ok ? describe : describe.skip;

/** Largest |a − b| over the largest |b| (1 when b is all zeros). */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0,
    m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / (m || 1);
}

// FancyMLP takes 20 features: a small table of them (the others read Fashion-MNIST).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-torch-probe-'));
const table = path.join(tmp, 'twenty.csv');
fs.writeFileSync(
  table,
  [
    [...Array.from({ length: 20 }, (_, j) => `f${j}`), 'label'].join(','),
    ...Array.from({ length: 16 }, (_, i) =>
      [...Array.from({ length: 20 }, (_, j) => Math.sin(i * 20 + j).toFixed(4)), i % 2 ? 'a' : 'b'].join(','),
    ),
  ].join('\n') + '\n',
);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

suite("the torch runner's probe outputs", () => {
  it.each(['fancy-mlp', 'shared-mlp', 'resnet18-small', 'googlenet-small'])(
    '%s: every block and parameter as tfjs computes it from the same weights',
    async (id) => {
      const d = loadTemplate(id) as NetworkDocInput & { root: { children: unknown[] } };
      // FancyMLP has no classifier head (templates-train.test.ts): one for the table's two classes
      if (id === 'fancy-mlp') d.root.children.push({ kind: 'layer', id: 'head', type: 'Dense', params: { units: 2 } });
      const session = await openSession({
        doc: d,
        ...(id === 'fancy-mlp' ? { data: table, labelColumn: 'label' } : { limit: 16 }),
        validationSplit: 0,
        seed: 1,
        backend: 'wasm',
      });
      const trainer = new TorchTrainer(
        session,
        { epochs: 1, batchSize: 16, optimizer: { type: 'sgd', lr: 0.01 }, startPaused: true },
        probe,
      );
      const finished = trainer.run();
      const torch = new TorchAccess(trainer, session),
        tfjs = new TfjsAccess(session.model);
      try {
        const batch = probeBatch(session.data);
        const paths = session.net.blocks.map((b) => b.path).filter(Boolean);
        const names = session.net.parameters.map((p) => p.name);
        const req = { input: batch.input, shape: batch.shape, paths, values: names, grads: [] };
        const [got, want] = [await torch.inspect(req), await tfjs.inspect(req)];
        expect(got.step).toBe(0); // answered by the runner, not by the tfjs model it falls back to
        expect([...got.outputs.keys()].sort()).toEqual([...want.outputs.keys()].sort());
        for (const [path, w] of want.outputs) {
          const g = got.outputs.get(path)!;
          expect(g.shape, path).toEqual(w.shape);
          expect(relErr(g.data, w.data), path).toBeLessThan(1e-4);
        }
        for (const [name, w] of want.values) {
          const g = got.values.get(name)!;
          expect(g.length, name).toBe(w.length);
          // storage orders may differ (tfjs keeps conv kernels HWIO): the same values, as a multiset
          expect(relErr(g.slice().sort(), w.slice().sort()), name).toBeLessThan(1e-6);
        }
      } finally {
        trainer.stop();
        await finished.catch(() => {});
        torch.dispose();
        tfjs.dispose();
        trainer.dispose();
        session.model.dispose();
      }
    },
    240_000,
  );
});
