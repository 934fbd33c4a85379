// The trainer on real tfjs and real Fashion-MNIST, held where each test wants it by the deterministic controls
// (startPaused, pauseAtStep, step(n), whenHeld) — never by a timer, so it holds on a machine of any speed:
// pause → resume and checkpoint → restore give exactly the weights of an uninterrupted run; step(n) takes
// exactly n batches; validation comes from the held-out part and the test set is reported once, as test;
// early stopping ends a run with a reason; NaN detection names the first non-finite block.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { loadTemplate } from '../../templates';
import { loadDataset, type Dataset } from '../data';
import { Model, initEngineBackend, type GluonTensor } from '../runtime';
import { Trainer, type TrainConfig } from './trainer';
import type { TrainEvent } from './events';

let data: Dataset;
beforeAll(async () => {
  await initEngineBackend(); // whichever backend is best here: nothing below depends on which
  data = await loadDataset({ source: 'fashion-mnist', limit: 160 });
});

const config: TrainConfig = {
  epochs: 2,
  batchSize: 32, // 160 samples: 5 batches per epoch
  seed: 7,
  optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
  progressEveryMs: 0,
};
const trainer = (id = 'lenet-bn', extra: Partial<TrainConfig> = {}, ds = data) =>
  new Trainer(new Model(inferNetwork(loadTemplate(id)), 7), ds, { ...config, ...extra });
const weights = (t: Trainer) => t.model.params.toGluon();
const same = (a: Record<string, GluonTensor>, b: Record<string, GluonTensor>) => {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a))
    expect(Buffer.from(a[k].data.buffer).equals(Buffer.from(b[k].data.buffer)), k).toBe(true);
};
const record = (t: Trainer) => {
  const events: TrainEvent[] = [];
  t.on((e) => events.push(e));
  return events;
};
const lastProgress = (events: TrainEvent[]) => events.filter((e) => e.event === 'progress').at(-1);

describe('Trainer', () => {
  it('pauseAtStep holds after exactly that batch; resuming gives the weights of an uninterrupted run', async () => {
    for (const id of ['lenet-bn', 'dropout-mlp']) {
      const a = trainer(id);
      await a.run();
      const b = trainer(id, { pauseAtStep: 3 });
      const events = record(b);
      const running = b.run();
      await b.whenHeld();
      expect(b.state).toBe('paused');
      expect(b.position).toEqual({ epoch: 0, batch: 3, step: 3 });
      // The paused state comes right after that batch's progress event.
      const i = events.findIndex((e) => e.event === 'state' && e.state === 'paused');
      expect(events[i - 1]).toMatchObject({ event: 'progress', step: 3 });
      b.resume();
      expect(b.state).toBe('running'); // reported at once, not after the next batch
      await running;
      same(await weights(a), await weights(b));
    }
  });

  it('checkpoint → restore in a fresh trainer continues exactly where it paused', async () => {
    const a = trainer('dropout-mlp');
    await a.run();
    const b = trainer('dropout-mlp', { pauseAtStep: 6 });
    const running = b.run();
    await b.whenHeld();
    const checkpoint = await b.checkpoint();
    expect(checkpoint.position).toEqual({ epoch: 1, batch: 1, step: 6 });
    b.stop();
    expect(await running).toMatchObject({ stopped: true, steps: 6 });
    const c = trainer('dropout-mlp');
    c.restore(checkpoint);
    await c.run();
    same(await weights(a), await weights(c));
  });

  it('from a paused start, step(n) takes exactly n batches and holds; a paused run stops cleanly', async () => {
    const t = trainer('mlp', { startPaused: true });
    const events = record(t);
    const running = t.run();
    await t.whenHeld();
    expect(t.state).toBe('paused');
    expect(t.position.step).toBe(0);
    let at = 0;
    for (const n of [1, 3, 2]) {
      t.step(n);
      await t.whenHeld();
      at += n;
      expect(t.state).toBe('paused');
      expect(t.position.step).toBe(at);
      expect(lastProgress(events)).toMatchObject({ step: at }); // crossing an epoch boundary too (5 batches)
    }
    expect(() => t.step(0)).toThrow(/positive whole number/);
    t.stop();
    const done = await running;
    expect(done).toMatchObject({ event: 'done', stopped: true, steps: 6 });
    expect(events.filter((e) => e.event === 'progress')).toHaveLength(6);
    expect(events.filter((e) => e.event === 'state').at(-1)).toEqual({ event: 'state', state: 'stopped' });
  });

  it('a run stopped before its first epoch ends reports the accuracy of the batches it trained, not 0', async () => {
    const t = trainer('mlp', { pauseAtStep: 3 });
    const events = record(t);
    const running = t.run();
    await t.whenHeld();
    t.stop();
    const done = await running;
    const seen = events.filter((e) => e.event === 'progress').map((e) => e.accuracy);
    expect(seen).toHaveLength(3);
    expect(done.trainAccuracy).toBeCloseTo(seen.reduce((a, b) => a + b, 0) / 3, 6); // 3 full batches of 32
    expect(done.trainAccuracy).toBeGreaterThan(0);
  });

  it('pauseAtStep 0 holds before the first batch; a pause point at the last batch lets the run finish', async () => {
    const t = trainer('mlp', { pauseAtStep: 0, epochs: 1 });
    const running = t.run();
    await t.whenHeld();
    expect([t.state, t.position.step]).toEqual(['paused', 0]);
    t.resume();
    expect(await running).toMatchObject({ stopped: false, steps: 5 });

    const last = trainer('mlp', { pauseAtStep: 5, epochs: 1 });
    expect(await last.run()).toMatchObject({ stopped: false, steps: 5 });
    expect(last.state).toBe('done');
  });

  it('pause() holds after the batch in flight, and the last progress event is that batch even when throttled', async () => {
    const t = trainer('mlp', { progressEveryMs: 1e9 });
    const events = record(t);
    const running = t.run(); // runs synchronously up to its first batch, which is now in flight
    t.pause();
    await t.whenHeld();
    expect(t.position.step).toBe(1);
    expect(lastProgress(events)).toMatchObject({ step: 1 });
    t.stop();
    await running;
  });

  it('validation comes from the held-out part; the test set is evaluated once, at the end, as test', async () => {
    const split = await loadDataset({ source: 'fashion-mnist', limit: 160, split: 0.25, seed: 7 });
    expect(split.validation!.n).toBe(40);
    const t = trainer('mlp', {}, split);
    const events = record(t);
    const done = await t.run();
    const epochs = events.filter((e) => e.event === 'epoch');
    expect(epochs.map((e) => e.valSource)).toEqual(['validation', 'validation']);
    // The figures are those of the validation part for the final weights, and of the test part at the end.
    const val = await t.evaluate('validation');
    const test = await t.evaluate('test');
    expect(epochs[1]).toMatchObject({ valLoss: val.loss, valAccuracy: val.accuracy });
    expect(done).toMatchObject({ valSource: 'validation', valLoss: val.loss, testLoss: test.loss });
    expect(done.testAccuracy).toBe(test.accuracy);
    expect(test.loss).not.toBe(val.loss);

    // Without a validation part the test set stands in, and says so.
    const plain = trainer('mlp', { epochs: 1 });
    const plainEvents = record(plain);
    const plainDone = await plain.run();
    expect(plainEvents.find((e) => e.event === 'epoch')).toMatchObject({ valSource: 'test' });
    expect(plainDone.valSource).toBe('test');
  });

  it('early stopping ends the run with a stopped state, a reason and earlyStopped', async () => {
    // minDelta larger than any loss: the second epoch can never improve on the first.
    const t = trainer('mlp', { epochs: 5, earlyStopping: { patience: 1, minDelta: 100 } });
    const events = record(t);
    const done = await t.run();
    expect(done).toMatchObject({ earlyStopped: true, stopped: false, epochs: 2, steps: 10 });
    const last = events.filter((e) => e.event === 'state').at(-1);
    expect(last).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/^early stopping: test loss/) });
  });

  it('a diverging run reports the first block whose output went non-finite (kind nan), and pauses', async () => {
    const doc = loadTemplate('mlp') as { initializers?: unknown[] };
    doc.initializers = [{ pattern: '.*dense0_weight', init: { type: 'constant', value: 1e38 } }];
    const t = new Trainer(new Model(inferNetwork(doc), 1), data, config);
    const events = record(t);
    const running = t.run();
    await t.whenHeld();
    expect(t.state).toBe('paused');
    expect(t.position).toEqual({ epoch: 0, batch: 1, step: 1 }); // held right after the bad batch, none skipped
    const anomalies = events.filter((e) => e.event === 'anomaly');
    expect(anomalies[0], JSON.stringify(anomalies)).toMatchObject({
      event: 'anomaly',
      kind: 'nan',
      block: 'hidden',
      step: 1,
    });
    t.stop();
    await running;
  });
});
