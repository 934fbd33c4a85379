// The trainer with data-parallel workers (config.workers = 2) on real tfjs-wasm and real Fashion-MNIST: the
// deterministic controls hold the run exactly as with one worker, its weights follow a one-worker run's, stop ends
// it (workers closed), and a worker that dies fails the run with its message. The step-level guarantees (1e-5,
// no drift, BatchNorm) are in runtime/parallel.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { loadTemplate } from '../../templates';
import { loadDataset, type Dataset } from '../data';
import { Model, initEngineBackend } from '../runtime';
import { Trainer, type TrainConfig } from './trainer';
import { autoWorkers } from './workers-choice';

let data: Dataset;
beforeAll(async () => {
  await initEngineBackend('wasm', { threads: 1 }); // workers need the wasm backend
  data = await loadDataset({ source: 'fashion-mnist', limit: 160 });
});

const config: TrainConfig = {
  epochs: 2,
  batchSize: 32,
  seed: 7,
  optimizer: { type: 'sgd', lr: 0.05 },
  progressEveryMs: 0,
};
const trainer = (extra: Partial<TrainConfig>, id = 'lenet') =>
  new Trainer(new Model(inferNetwork(loadTemplate(id)), 7), data, { ...config, ...extra });
const largestDifference = async (p: Trainer, q: Trainer) => {
  const a = await p.model.params.toGluon(),
    b = await q.model.params.toGluon();
  let worst = 0;
  for (const k of Object.keys(a))
    for (let i = 0; i < a[k].data.length; i++) worst = Math.max(worst, Math.abs(a[k].data[i] - b[k].data[i]));
  return worst;
};

// Starting workers transpiles the engine in each (tsx): minutes on a loaded machine, hence the longer timeout.
describe('Trainer with workers', { timeout: 300_000 }, () => {
  it('pauseAtStep, step(n) and stop hold a 2-worker run exactly; its weights follow a 1-worker run', async () => {
    const one = trainer({ pauseAtStep: 3 });
    const oneRun = one.run();
    await one.whenHeld();
    const two = trainer({ pauseAtStep: 2, workers: 2 });
    const twoRun = two.run();
    await two.whenHeld();
    expect(two.state).toBe('paused');
    expect(two.position).toEqual({ epoch: 0, batch: 2, step: 2 });
    two.step(1);
    await two.whenHeld();
    expect(two.position).toEqual({ epoch: 0, batch: 3, step: 3 });
    const a = await one.model.params.toGluon(),
      b = await two.model.params.toGluon();
    let worst = 0;
    for (const k of Object.keys(a))
      for (let i = 0; i < a[k].data.length; i++) worst = Math.max(worst, Math.abs(a[k].data[i] - b[k].data[i]));
    expect(worst).toBeLessThan(1e-5);
    two.stop();
    const done = await twoRun;
    expect(done).toMatchObject({ stopped: true, steps: 3 });
    expect(two.state).toBe('stopped');
    one.stop();
    await oneRun;
  });

  it('workers that cannot start: asked for by number the run fails; the default trains on one and says why', async () => {
    process.env.NETLOOM_TEST_WORKER_FAULT = 'start';
    const pinned = process.env.NETLOOM_WORKERS;
    try {
      const asked = trainer({ workers: 2 });
      await expect(asked.run()).rejects.toThrow('worker 1: injected fault in worker 1 while starting');
      expect(asked.state).toBe('failed');
      delete process.env.NETLOOM_WORKERS; // the default: 'auto'
      const model = new Model(inferNetwork(loadTemplate('lenet')), 7);
      const auto = new Trainer(model, data, { ...config, epochs: 1 }, { name: 'wasm', reason: 'test' });
      let reason = '';
      auto.on((e) => void (e.event === 'start' && (reason = e.backendReason)));
      const done = await auto.run();
      expect(done).toMatchObject({ stopped: false });
      expect(done.steps).toBeGreaterThan(0);
      if (autoWorkers() > 1)
        expect(reason).toMatch(
          new RegExp(`; 1 worker \\(${autoWorkers()} data-parallel workers did not start: worker 1: injected fault`),
        );
    } finally {
      delete process.env.NETLOOM_TEST_WORKER_FAULT;
      process.env.NETLOOM_WORKERS = pinned;
    }
  });

  it('a worker that dies fails the run with its message (state failed, no hang); the next run trains', async () => {
    process.env.NETLOOM_TEST_WORKER_FAULT = '2';
    const t = trainer({ workers: 2 });
    try {
      await expect(t.run()).rejects.toThrow('worker 1 died: injected fault in worker 1 at step 2');
    } finally {
      delete process.env.NETLOOM_TEST_WORKER_FAULT;
    }
    expect(t.state).toBe('failed');
    expect(t.position.step).toBe(1);
    await t.whenHeld(); // resolves at once: a failed run is held
    const next = trainer({ workers: 2, pauseAtStep: 1 });
    const running = next.run();
    await next.whenHeld();
    expect(next.position.step).toBe(1);
    next.stop();
    await expect(running).resolves.toMatchObject({ stopped: true, steps: 1 });
  });

  it('checkpoint → restore on 2 workers continues exactly as an uninterrupted 2-worker run (dropout included)', async () => {
    const whole = trainer({ workers: 2 }, 'dropout-mlp');
    await whole.run();
    const first = trainer({ workers: 2, pauseAtStep: 6 }, 'dropout-mlp');
    const running = first.run();
    await first.whenHeld();
    const checkpoint = await first.checkpoint();
    first.stop();
    await running;
    const resumed = trainer({ workers: 2 }, 'dropout-mlp');
    resumed.restore(checkpoint);
    await expect(resumed.run()).resolves.toMatchObject({ stopped: false, steps: 10 });
    expect(await largestDifference(whole, resumed)).toBe(0);
  });

  it('set-lr while paused reaches the workers: the next step follows a 1-worker run given the same lr', async () => {
    // Compared one step after the change (as the first test, to 1e-5): over many steps float32 rounding of the
    // reduction grows with the learning rate, which says nothing about set-lr.
    const run = async (extra: Partial<TrainConfig>, lr?: number) => {
      const t = trainer({ pauseAtStep: 2, ...extra });
      const running = t.run();
      await t.whenHeld();
      if (lr) t.setLr(lr);
      t.step(1);
      await t.whenHeld();
      expect(t.position.step).toBe(3);
      t.stop();
      await running;
      return t;
    };
    const one = await run({}, 0.2),
      two = await run({ workers: 2 }, 0.2),
      unchanged = await run({ workers: 2 });
    expect(await largestDifference(one, two)).toBeLessThan(1e-5);
    expect(await largestDifference(two, unchanged)).toBeGreaterThan(1e-4);
  });
});
