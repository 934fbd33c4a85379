// The trainer on real tfjs and real Fashion-MNIST: pause → resume and checkpoint → restore give exactly the
// weights of an uninterrupted run; single steps; NaN detection names the first non-finite block.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { loadTemplate } from '../../templates';
import { loadDataset, type Dataset } from '../data';
import { Model, selectBackend, type GluonTensor } from '../runtime';
import { Trainer, type TrainConfig } from './trainer';
import type { TrainEvent } from './events';

let data: Dataset;
beforeAll(async () => {
  await selectBackend('wasm');
  data = await loadDataset({ source: 'fashion-mnist', limit: 160 });
});

const config: TrainConfig = {
  epochs: 2,
  batchSize: 32,
  seed: 7,
  optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
  progressEveryMs: 0,
};
const trainer = (id = 'lenet-bn') => new Trainer(new Model(inferNetwork(loadTemplate(id)), 7), data, config);
const weights = (t: Trainer) => t.model.params.toGluon();
const same = (a: Record<string, GluonTensor>, b: Record<string, GluonTensor>) => {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a))
    expect(Buffer.from(a[k].data.buffer).equals(Buffer.from(b[k].data.buffer)), k).toBe(true);
};
const nextTurn = () => new Promise((r) => setTimeout(r, 30));

describe('Trainer', () => {
  it('pause → resume gives the same weights as an uninterrupted run (BatchNorm and dropout included)', async () => {
    for (const id of ['lenet-bn', 'dropout-mlp']) {
      const a = trainer(id);
      await a.run();
      const b = trainer(id);
      let paused = false;
      b.on((e) => {
        if (e.event === 'progress' && e.step === 3 && !paused) {
          paused = true;
          b.pause();
        }
      });
      const running = b.run();
      while (b.state !== 'paused') await nextTurn();
      const at = b.position.step;
      await nextTurn();
      expect(b.position.step).toBe(at);
      b.resume();
      await running;
      same(await weights(a), await weights(b));
    }
  });

  it('checkpoint → restore in a fresh trainer continues exactly where it paused', async () => {
    const a = trainer('dropout-mlp');
    await a.run();
    const b = trainer('dropout-mlp');
    b.on((e) => {
      if (e.event === 'progress' && e.step === 6) b.pause();
    });
    const running = b.run();
    while (b.state !== 'paused') await nextTurn();
    const checkpoint = await b.checkpoint();
    expect(checkpoint.position).toMatchObject({ epoch: 1, batch: 1, step: 6 });
    b.stop();
    await running;
    const c = trainer('dropout-mlp');
    c.restore(checkpoint);
    await c.run();
    same(await weights(a), await weights(c));
  });

  it('steps one batch at a time from a paused start, and stops cleanly', async () => {
    const t = new Trainer(new Model(inferNetwork(loadTemplate('mlp')), 1), data, { ...config, startPaused: true });
    const events: TrainEvent[] = [];
    t.on((e) => events.push(e));
    const running = t.run();
    while (t.state !== 'paused') await nextTurn();
    expect(t.position.step).toBe(0);
    for (let i = 1; i <= 2; i++) {
      t.step();
      while (t.position.step < i || t.state !== 'paused') await nextTurn();
      expect(t.position.step).toBe(i);
    }
    t.stop();
    const done = await running;
    expect(done).toMatchObject({ event: 'done', stopped: true, steps: 2 });
    expect(events.filter((e) => e.event === 'progress')).toHaveLength(2);
  });

  it('when paused, the last progress event is the batch it paused after, even with throttled progress', async () => {
    const t = new Trainer(new Model(inferNetwork(loadTemplate('mlp')), 1), data, { ...config, progressEveryMs: 1e9 });
    let last = -1;
    t.on((e) => {
      if (e.event === 'progress') last = e.step;
    });
    const running = t.run();
    await new Promise((r) => setTimeout(r, 40));
    t.pause();
    while (t.state !== 'paused') await nextTurn();
    expect(t.position.step).toBeGreaterThan(0);
    expect(last).toBe(t.position.step);
    t.stop();
    await running;
  });

  it('a diverging run reports the first block whose output went non-finite, and pauses', async () => {
    const doc = loadTemplate('mlp') as { initializers?: unknown[] };
    doc.initializers = [{ pattern: '.*dense0_weight', init: { type: 'constant', value: 1e38 } }];
    const t = new Trainer(new Model(inferNetwork(doc), 1), data, config);
    const anomalies: TrainEvent[] = [];
    t.on((e) => {
      if (e.event === 'anomaly') anomalies.push(e);
    });
    const running = t.run();
    while (t.state !== 'paused') await nextTurn();
    expect(anomalies[0], JSON.stringify(anomalies)).toMatchObject({
      event: 'anomaly',
      kind: 'non-finite-loss',
      block: 'hidden',
      step: 1,
    });
    t.stop();
    await running;
  });
});
