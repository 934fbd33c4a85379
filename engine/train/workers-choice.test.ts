// workers: 'auto' (issue 14), the default, on real tfjs-wasm workers and real Fashion-MNIST: a run that names no
// workers measures its first steps both ways, which changes no result (the run's weights follow a one-worker run's),
// the verdict comes once, as an event with its reason, and the rule itself is a pure function of step times. Which
// way wins depends on the machine: only that a verdict with a matching reason comes is checked, never which.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { loadTemplate } from '../../templates';
import { loadDataset, type Dataset } from '../data';
import { Model, initEngineBackend } from '../runtime';
import type { TrainEvent } from './events';
import { Trainer, type TrainConfig } from './trainer';
import { autoWorkers, decideWorkers, defaultWorkers, MEASURED, startingWorkers } from './workers-choice';
import { availableCores, physicalCores } from '../runtime';

describe('the workers verdict (pure)', () => {
  it('keeps W workers only when their median step is faster, and says by how much', () => {
    expect(decideWorkers([10, 11, 30], [16, 17, 16], 2)).toEqual({
      count: 2,
      reason: '2 workers: 1.5× one worker in the first steps',
    });
    expect(decideWorkers([20, 21, 22], [16, 17, 16], 4)).toEqual({
      count: 1,
      reason: '1 worker: 4 workers were slower for this network/batch (0.76× in the first steps)',
    });
    // A tie is no gain: one worker (fewer threads, less memory).
    expect(decideWorkers([10], [10], 2).count).toBe(1);
  });

  it("'auto' starts with the physical cores (at most 8) on wasm only", () => {
    expect(autoWorkers(2)).toBe(2);
    expect(autoWorkers(32)).toBe(8);
    expect(autoWorkers()).toBe(Math.min(8, physicalCores()));
    expect(physicalCores()).toBeGreaterThanOrEqual(1);
    expect(physicalCores()).toBeLessThanOrEqual(availableCores());
    expect(startingWorkers('auto', 'wasm')).toBe(autoWorkers());
    expect(startingWorkers('auto', 'tensorflow')).toBe(1);
    expect(startingWorkers(3, 'wasm')).toBe(3);
    // No workers named: NETLOOM_WORKERS (the suites pin 1), else 'auto'.
    expect(process.env.NETLOOM_WORKERS).toBe('1');
    expect(startingWorkers(undefined, 'wasm')).toBe(1);
  });

  it("defaults to 'auto'; NETLOOM_WORKERS sets another default, and a bad one is refused in words", () => {
    expect(defaultWorkers({})).toBe('auto');
    expect(defaultWorkers({ NETLOOM_WORKERS: '' })).toBe('auto');
    expect(defaultWorkers({ NETLOOM_WORKERS: 'auto' })).toBe('auto');
    expect(defaultWorkers({ NETLOOM_WORKERS: '3' })).toBe(3);
    for (const bad of ['0', '9', '1.5', 'two'])
      expect(() => defaultWorkers({ NETLOOM_WORKERS: bad })).toThrow(
        `NETLOOM_WORKERS must be 'auto' or a whole number from 1 to 8, got "${bad}"`,
      );
  });
});

let data: Dataset;
beforeAll(async () => {
  await initEngineBackend('wasm', { threads: 1 });
  data = await loadDataset({ source: 'fashion-mnist', limit: 480 });
});

const config: TrainConfig = {
  epochs: 1,
  batchSize: 32,
  seed: 5,
  optimizer: { type: 'sgd', lr: 0.05 },
  progressEveryMs: 0,
};
const trainer = (extra: Partial<TrainConfig>) =>
  new Trainer(
    new Model(inferNetwork(loadTemplate('lenet')), 5),
    data,
    { ...config, ...extra },
    {
      name: 'wasm',
      reason: 'test',
    },
  );

describe("Trainer with no workers named: 'auto'", () => {
  it(
    'measures, gives one verdict with its reason, and trains as one worker would',
    { timeout: 240_000 },
    async (ctx) => {
      if (autoWorkers() < 2) {
        const why = 'one core here: auto has nothing to compare';
        console.warn(`skipped: ${why}`);
        return ctx.skip(why);
      }
      const steps = 2 * (MEASURED + 1) + 2; // past the verdict, a few steps the chosen way
      const one = trainer({ pauseAtStep: steps, workers: 1 });
      const oneRun = one.run();
      await one.whenHeld();
      const auto = trainer({ pauseAtStep: steps }); // the default, as a user gets it (the suite pins 1: unset here)
      const seen: TrainEvent[] = [];
      auto.on((e) => seen.push(e));
      const pinned = process.env.NETLOOM_WORKERS;
      delete process.env.NETLOOM_WORKERS;
      const autoRun = auto.run().finally(() => (process.env.NETLOOM_WORKERS = pinned));
      await auto.whenHeld();
      expect(auto.position.step).toBe(steps);
      const start = seen.find((e) => e.event === 'start') as Extract<TrainEvent, { event: 'start' }>;
      expect(start.backendReason).toMatch(new RegExp(`measuring 1 vs ${autoWorkers()} data-parallel workers`));
      const verdicts = seen.filter((e) => e.event === 'workers');
      expect(verdicts).toEqual([
        {
          event: 'workers',
          count: expect.any(Number),
          reason: expect.stringMatching(/^(\d+ workers: \d+\.\d× one worker|1 worker: \d+ workers were slower)/),
        },
      ]);
      const a = await one.model.params.toGluon(),
        b = await auto.model.params.toGluon();
      let worst = 0;
      for (const k of Object.keys(a))
        for (let i = 0; i < a[k].data.length; i++) worst = Math.max(worst, Math.abs(a[k].data[i] - b[k].data[i]));
      expect(worst).toBeLessThan(1e-4);
      // After the verdict the run goes on, either way, to the end.
      auto.resume();
      one.resume();
      const [x, y] = await Promise.all([autoRun, oneRun]);
      expect(x).toMatchObject({ stopped: false, steps: y.steps });
      expect(x.steps).toBeGreaterThan(steps);
      one.dispose();
      auto.dispose();
    },
  );
});
