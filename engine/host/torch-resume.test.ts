// The torch backend's state is the engine's: BatchNorm's running statistics agree with wasm's after several steps
// (the biased batch variance on both sides), and a run saved as a project (weights, optimizer.safetensors, position)
// and resumed on torch continues as if never interrupted: 2 + 2 steps equal 4 steps, across an epoch boundary, for
// SGD's momentum and Adam's moments and step. Skipped, saying why, where no Python has torch.
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { encodeProject, type Tensor } from '../export';
import type { OptimizerConfig } from '../runtime';
import { probeTorch } from '../runtime/backends/torch';
import { openSession, Trainer, type TrainConfig } from '../train';
import { projectOf, resumeInto } from './project-api';
import { TorchTrainer } from './torch-run';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the torch state tests: ${probe.reason}`);

const open = (id: string) =>
  openSession({ doc: loadTemplate(id), limit: 96, validationSplit: 0, seed: 3, backend: 'wasm' });

/** The largest difference between two sets of tensors, relative to each value's size past 1. */
function worst(a: Record<string, Tensor>, b: Record<string, Tensor>, pick: (name: string) => boolean) {
  let w = { name: '', by: 0 };
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const [name, t] of Object.entries(a)) {
    if (!pick(name)) continue;
    expect(b[name].shape, name).toEqual(t.shape);
    for (let i = 0; i < t.data.length; i++) {
      const by = Math.abs(t.data[i] - b[name].data[i]) / Math.max(1, Math.abs(t.data[i]));
      if (by > w.by) w = { name, by };
    }
  }
  return w;
}

/** A torch run held after `steps` batches: its checkpoint, then stopped. */
async function torchSteps(id: string, cfg: TrainConfig, steps: number, from?: Uint8Array) {
  const s = await open(id);
  const t = new TorchTrainer(s, { ...cfg, pauseAtStep: steps }, probe);
  try {
    if (from) await resumeInto(t, s.doc, from);
    const finished = t.run();
    await t.whenHeld();
    expect([t.state, t.position.step]).toEqual(['paused', steps]);
    const c = await t.checkpoint();
    t.stop();
    await finished;
    return { c, doc: s.doc };
  } finally {
    t.dispose();
    s.model.dispose();
  }
}

const config = (optimizer: OptimizerConfig): TrainConfig => ({ epochs: 2, batchSize: 32, seed: 4, optimizer });
const SGD = config({ type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3 });
const ADAM = config({ type: 'adam', lr: 0.01 });

describe.skipIf(!probe.ok)('the torch backend keeps the engine’s training state', { timeout: 400_000 }, () => {
  it('BatchNorm: after 3 steps from the same weights and batches, the running statistics agree with wasm (1e-5)', async () => {
    const cfg = { ...SGD, epochs: 1 }; // 96 samples: 3 batches
    const [wasm, torch] = [await open('lenet-bn'), await open('lenet-bn')];
    const wt = new Trainer(wasm.model, wasm.data, cfg, wasm.backend);
    const tt = new TorchTrainer(torch, cfg, probe);
    try {
      await wt.run();
      expect(await tt.run()).toMatchObject({ steps: 3 });
      const [w, t] = [await wasm.model.params.toGluon(), await torch.model.params.toGluon()];
      const stats = worst(w, t, (n) => /running_(mean|var)$/.test(n));
      expect(stats.name, 'the running statistics were compared').toMatch(/running_(mean|var)$/);
      expect(stats.by, `${stats.name} differs by ${stats.by}`).toBeLessThan(1e-5);
      const rest = worst(w, t, (n) => !/running_/.test(n));
      expect(rest.by, `${rest.name} differs by ${rest.by}`).toBeLessThan(1e-4);
    } finally {
      wt.dispose();
      tt.dispose();
      wasm.model.dispose();
      torch.model.dispose();
    }
  });

  it.each([
    ['SGD with momentum', 'lenet-bn', SGD],
    ['Adam', 'mlp', ADAM],
  ])(
    '%s (%s): 2 steps, saved as a project, resumed on torch for 2 more = 4 steps uninterrupted (1e-5)',
    async (_, id, cfg) => {
      const whole = await torchSteps(id, cfg, 4);
      const half = await torchSteps(id, cfg, 2);
      expect(half.c.position).toEqual({ epoch: 0, batch: 2, step: 2 });
      expect(half.c.optimizer.step).toBe(2);
      expect(Object.keys(half.c.optimizer.slots).length).toBeGreaterThan(0);
      const bytes = encodeProject(projectOf(half.doc, half.c, []));
      const resumed = await torchSteps(id, cfg, 4, bytes);
      expect(resumed.c.position).toEqual(whole.c.position); // epoch 1, batch 1: across the epoch boundary
      expect(resumed.c.optimizer.step).toBe(4);
      const w = worst(whole.c.weights, resumed.c.weights, () => true);
      expect(w.by, `${w.name} differs by ${w.by}`).toBeLessThan(1e-5);
      const o = worst(whole.c.optimizer.slots, resumed.c.optimizer.slots, () => true);
      expect(o.by, `${o.name} differs by ${o.by}`).toBeLessThan(1e-5);
    },
  );
});
