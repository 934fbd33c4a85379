// Data-parallel steps on real tfjs-wasm workers and real Fashion-MNIST images: one step over W=2 ranks equals one
// step on one (to 1e-5, networks without BatchNorm and dropout), the replicas stay bit-identical to the engine's
// model (BatchNorm's running statistics included), a worker that throws fails the step with its message instead of
// hanging, and the engine then starts new workers as if nothing happened.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../../core';
import { loadTemplate } from '../../../templates';
import { initEngineBackend } from '../backends/registry';
import { Model } from '../model';
import { Optimizer, type OptimizerConfig } from '../optim';
import { evalBatch, predictBatch, trainStep } from '../step';
import { DataParallel, resolveWorkers, type DataParallelOptions } from './data-parallel';
import { rawWeights } from './replica';

const DIR = '/usr/share/datasets/fashion-mnist';
let images: Float32Array, labels: Int32Array;
beforeAll(async () => {
  await initEngineBackend('wasm', { threads: 1 });
  const img = zlib.gunzipSync(fs.readFileSync(`${DIR}/t10k-images-idx3-ubyte.gz`)).subarray(16, 16 + 256 * 784);
  images = Float32Array.from(img, (v) => v / 255);
  labels = Int32Array.from(zlib.gunzipSync(fs.readFileSync(`${DIR}/t10k-labels-idx1-ubyte.gz`)).subarray(8, 8 + 256));
});
const open: DataParallel[] = [];
afterAll(() => Promise.all(open.map((d) => d.close())));

const batch = (i: number, n: number) => ({
  x: images.subarray(i * n * 784, (i + 1) * n * 784),
  y: labels.subarray(i * n, (i + 1) * n),
});
const setup = (id: string, cfg: OptimizerConfig) => {
  const model = new Model(inferNetwork(loadTemplate(id)), 3);
  return { model, opt: new Optimizer(cfg) };
};
const start = async (id: string, cfg: OptimizerConfig, extra: Partial<DataParallelOptions> = {}) => {
  const r = setup(id, cfg);
  const dp = await DataParallel.start(r.model, r.opt, { workers: 2, ...extra });
  open.push(dp);
  return { ...r, dp };
};
const sameBits = (a: Record<string, Float32Array>, b: Record<string, Float32Array>) => {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) expect(Buffer.from(a[k].buffer).equals(Buffer.from(b[k].buffer)), k).toBe(true);
};

// Starting workers transpiles the engine in each (tsx): minutes on a loaded machine, hence the longer timeout.
describe('DataParallel', { timeout: 300_000 }, () => {
  it('one step on 2 workers equals one step on one worker (1e-5), and the replica does not drift', async () => {
    // Adam's first step is lr·g/(|g|+ε): a gradient near ε turns float32 rounding of the sum (≈1e-9) into a
    // visible weight change, so the 1e-5 bar holds for SGD; Adam is held to 1% of its step size instead.
    const cases: [string, OptimizerConfig, number, number][] = [
      ['lenet', { type: 'sgd', lr: 0.1, momentum: 0.9 }, 64, 1e-5],
      ['mlp', { type: 'sgd', lr: 0.1 }, 45, 1e-5], // an odd batch: shares of 23 and 22
      ['mlp', { type: 'adam', lr: 0.01 }, 64, 1e-4],
    ];
    for (const [id, cfg, n, tol] of cases) {
      const one = setup(id, cfg);
      const par = await start(id, cfg);
      const { x, y } = batch(0, n);
      const init = await rawWeights(one.model);
      const a = await trainStep(one.model, one.opt, x, y, n);
      const b = await par.dp.trainStep(par.model, par.opt, x, y, n);
      expect(b.n).toBe(n);
      expect(b.correct).toBe(a.correct);
      expect(b.loss).toBeCloseTo(a.loss, 5);
      const wa = await rawWeights(one.model),
        wb = await rawWeights(par.model);
      const largest = (p: typeof wa, q: typeof wa) => {
        let m = 0;
        for (const k of Object.keys(p))
          for (let i = 0; i < p[k].length; i++) m = Math.max(m, Math.abs(p[k][i] - q[k][i]));
        return m;
      };
      expect(largest(wa, wb), `${id}: largest weight difference after one step`).toBeLessThan(tol);
      expect(largest(wa, init), `${id}: the step moved the weights`).toBeGreaterThan(1e-4);
      for (let s = 1; s < 3; s++) await par.dp.trainStep(par.model, par.opt, batch(s, n).x, batch(s, n).y, n);
      sameBits(await rawWeights(par.model), await par.dp.replicaWeights(1));
      await par.dp.close();
    }
  });

  it('BatchNorm: per-worker batch statistics, running statistics identical on every replica', async () => {
    const par = await start('lenet-bn', { type: 'sgd', lr: 0.05, momentum: 0.9 });
    const before = await rawWeights(par.model);
    for (let s = 0; s < 3; s++) await par.dp.trainStep(par.model, par.opt, batch(s, 32).x, batch(s, 32).y, 32);
    const after = await rawWeights(par.model);
    const stats = Object.keys(after).filter((k) => /running_(mean|var)/.test(k));
    expect(stats.length).toBeGreaterThan(0);
    for (const k of stats) expect(Buffer.from(after[k].buffer).equals(Buffer.from(before[k].buffer)), k).toBe(false);
    sameBits(after, await par.dp.replicaWeights(1));
    await par.dp.close();
  });

  it('a worker that throws fails the step with its message, not a hang; new workers start afterwards', async () => {
    const par = await start('mlp', { type: 'sgd', lr: 0.1 }, { faultAtStep: 2 });
    await par.dp.trainStep(par.model, par.opt, batch(0, 32).x, batch(0, 32).y, 32);
    await expect(par.dp.trainStep(par.model, par.opt, batch(1, 32).x, batch(1, 32).y, 32)).rejects.toThrow(
      'worker 1 died: injected fault in worker 1 at step 2',
    );
    await expect(par.dp.trainStep(par.model, par.opt, batch(2, 32).x, batch(2, 32).y, 32)).rejects.toThrow(
      'injected fault',
    );
    const again = await start('mlp', { type: 'sgd', lr: 0.1 });
    const r = await again.dp.trainStep(again.model, again.opt, batch(0, 32).x, batch(0, 32).y, 32);
    expect(Number.isFinite(r.loss)).toBe(true);
    await again.dp.close();
  });

  it('a worker that hangs fails the step after a timeout scaled to the step time, not a hang; new workers start', async () => {
    // Worker 1 spins forever at step 3 (a kernel that never returns): the step fails once max(minMs, factor × the
    // slowest step so far) has passed (factor 3 here, 20 in a run), the spinning thread is terminated, and the engine goes on.
    const par = await start(
      'mlp',
      { type: 'sgd', lr: 0.1 },
      { fault: { kind: 'hang', atStep: 3 }, hangTimeout: { minMs: 500, factor: 3 } },
    );
    for (let s = 0; s < 2; s++) await par.dp.trainStep(par.model, par.opt, batch(s, 32).x, batch(s, 32).y, 32);
    await expect(par.dp.trainStep(par.model, par.opt, batch(2, 32).x, batch(2, 32).y, 32)).rejects.toThrow(
      /^worker 1 stopped responding: step 3 had no answer after \d+ s; the slowest step so far took \d+ ms$/,
    );
    await par.dp.close(); // returns: terminate() ends the spinning thread
    const again = await start('mlp', { type: 'sgd', lr: 0.1 });
    const r = await again.dp.trainStep(again.model, again.opt, batch(0, 32).x, batch(0, 32).y, 32);
    expect(Number.isFinite(r.loss)).toBe(true);
    await again.dp.close();
  });

  it('evaluation and prediction over the workers equal the engine model; after an outside update, the engine evaluates', async () => {
    const par = await start('lenet-bn', { type: 'sgd', lr: 0.05, momentum: 0.9 });
    for (let s = 0; s < 2; s++) await par.dp.trainStep(par.model, par.opt, batch(s, 32).x, batch(s, 32).y, 32);
    const { x, y } = batch(1, 45);
    const a = await evalBatch(par.model, x, y, 45),
      b = await par.dp.evalBatch(par.model, x, y, 45);
    expect(b.n).toBe(45);
    expect(b.correct).toBe(a.correct);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    const p = await predictBatch(par.model, x, 45),
      q = await par.dp.predictBatch(par.model, x, 45);
    expect(q.classes).toBe(p.classes);
    let worst = 0;
    for (let i = 0; i < p.logits.length; i++) worst = Math.max(worst, Math.abs(p.logits[i] - q.logits[i]));
    expect(worst).toBeLessThan(1e-5);
    // A step outside the workers (as workers 'auto' measures one worker) leaves the replicas behind: evaluation then
    // runs on the engine's model, exactly evalBatch's answer.
    await trainStep(par.model, par.opt, batch(3, 32).x, batch(3, 32).y, 32);
    expect(await par.dp.evalBatch(par.model, x, y, 45)).toEqual(await evalBatch(par.model, x, y, 45));
    await par.dp.close();
  });

  it('workers: 1…8, clamped to the cores with a note', () => {
    for (const bad of [0, 9, 1.5, -1]) expect(() => resolveWorkers(bad, 2)).toThrow('from 1 to 8');
    expect(resolveWorkers(2, 2)).toEqual({ workers: 2 });
    expect(resolveWorkers(4, 2)).toEqual({ workers: 2, note: '4 workers requested, 2 cores here: using 2' });
  });
});
