// Every template trains on the torch backend: four steps on the same 16 real Fashion-MNIST images (small inputs,
// as engine/train/templates-train.test.ts) make the loss fall, through the whole path (model.py from the export
// generator, the runner, events back). One Python process per template. Skipped, saying why, without torch.
import { describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDocInput } from '../core';
import { TEMPLATE_IDS, loadTemplate } from '../../templates';
import { probeTorch } from '../runtime/backends/torch';
import { openSession, type TrainEvent } from '../train';
import { TorchTrainer } from './torch-run';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the torch template runs: ${probe.reason}`);
const suite = probe.ok ? describe : describe.skip;

/** The smallest side (from 28 up) at which a template's network is still valid. */
function smallInput(d: NetworkDocInput): number[] {
  const [c, h] = d.input.shape;
  if (d.input.shape.length !== 3 || h <= 32) return d.input.shape;
  for (const side of [32, 48, 64, 80, 96])
    if (inferNetwork({ ...d, input: { shape: [c, side, side] } }).errors.length === 0) return [c, side, side];
  return d.input.shape;
}

suite('every template trains on torch', () => {
  // fancy-mlp has no classifier head (see templates-train.test.ts); a 224-input template with a -small variant is
  // run as that variant (the same blocks and code path; the full ones took ~5 of this file's 7 minutes here).
  const ids = TEMPLATE_IDS.filter((id) => id !== 'fancy-mlp' && !TEMPLATE_IDS.includes(`${id}-small`));
  it.each(ids)(
    '%s: the loss falls over four steps',
    async (id) => {
      const d = loadTemplate(id) as NetworkDocInput;
      const session = await openSession({
        doc: { ...d, input: { shape: smallInput(d) } },
        limit: 16,
        validationSplit: 0,
        seed: 1,
        backend: 'wasm',
      });
      const t = d.training!;
      const trainer = new TorchTrainer(
        session,
        {
          epochs: 4,
          batchSize: 16,
          seed: 1,
          optimizer: { type: t.optimizer ?? 'sgd', lr: t.lr, momentum: t.momentum },
          progressEveryMs: 0,
        },
        probe,
      );
      const losses: number[] = [];
      trainer.on((e: TrainEvent) => e.event === 'progress' && losses.push(e.loss));
      try {
        await trainer.run();
        expect(losses.length, `losses ${losses}`).toBe(4);
        expect(losses.every(Number.isFinite), `losses ${losses}`).toBe(true);
        expect(Math.min(...losses.slice(1)), `losses ${losses}`).toBeLessThan(losses[0]);
      } finally {
        trainer.dispose();
        session.model.dispose();
      }
    },
    240_000,
  );
});
