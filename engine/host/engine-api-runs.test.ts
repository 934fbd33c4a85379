// Whole runs through the real engine over the protocol: learning-rate schedules and early stopping reached
// from `train/start`, anomalies with their real kind (nan vs inf), and memory that stays flat over 20
// consecutive runs (each run's model and optimizer freed when the next starts; the backend selected once).
import { afterEach, describe, expect, it } from 'vitest';
import { until as untilCond } from '../protocol/testing/until';
import type { TrainConfig } from '../protocol';
import { loadTemplate } from '../../templates';
import { loadDataset } from '../data';
import { backendStarts, engineMemory } from '../runtime';
import { withWeights } from '../train';
import { createEngineHost, type EngineHost } from './engine-host';
import { recordingClient } from './testing/recorder';
import { createEngineApi } from './engine-api';
import type { NetworkDoc } from '../core';

const until = (cond: () => unknown, what: string) => untilCond(cond, { ms: 120_000, what });

const problems: string[] = [];
afterEach(() => expect(problems.splice(0)).toEqual([]));

const connect = (host: EngineHost) => recordingClient(host, problems);

// 100 samples, 90 to train (10 % held out): two batches (50 + 40) per epoch.
const mlp = (extra: Partial<TrainConfig> = {}): TrainConfig => ({
  doc: loadTemplate('mlp') as object,
  data: { source: 'fashion-mnist', limit: 100 },
  epochs: 3,
  batchSize: 50,
  lr: 0.1,
  optimizer: 'sgd',
  seed: 1,
  ...extra,
});

describe('engine api: whole runs', () => {
  it('learning-rate schedules from train/start drive the lr that progress events report', async () => {
    const host = createEngineHost(createEngineApi());
    const { events, finish } = connect(host);
    await finish(mlp({ schedule: { type: 'step', every: 1, gamma: 0.5 } }));
    const stepLrs = events('train/progress').map((p) => [p.epoch, p.lr]);
    expect(new Set(stepLrs.map(([e]) => e))).toEqual(new Set([0, 1, 2]));
    for (const [epoch, lr] of stepLrs) expect(lr).toBeCloseTo(0.1 * 0.5 ** epoch, 12);

    const progressed = events('train/progress').length;
    await finish(mlp({ schedule: { type: 'cosine', minLr: 0.01 } }));
    const cosine = events('train/progress').slice(progressed);
    for (const p of cosine) {
      // step counts batches before this one: 6 batches in all.
      const expected = 0.01 + (0.1 - 0.01) * 0.5 * (1 + Math.cos((Math.PI * (p.step - 1)) / 6));
      expect(p.lr).toBeCloseTo(expected, 6);
    }
    expect(cosine.at(-1)!.lr).toBeLessThan(cosine[0].lr);
    await host.close();
  });

  it('early stopping ends the run: state stopped with the reason, after `patience` epochs without improvement', async () => {
    const host = createEngineHost(createEngineApi());
    const { events, finish } = connect(host);
    // minDelta larger than any loss: epoch 2 cannot improve on epoch 1, so the run ends there.
    const done = await finish(mlp({ epochs: 6, earlyStop: { patience: 1, minDelta: 100 } }));
    expect(done).toMatchObject({ state: 'stopped', epochs: 2 });
    expect(events('train/progress').at(-1)!.step).toBe(4);
    const last = events('train/state').at(-1)!;
    expect(last).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/^early stopping: validation loss/) });
    await host.close();
  });

  it('anomalies carry the real kind: a NaN loss is nan, an infinite one inf; the run pauses on either', async () => {
    const host = createEngineHost(createEngineApi());
    const { client, events } = connect(host);
    const diverging = loadTemplate('mlp') as NetworkDoc;
    diverging.initializers = [{ pattern: '.*dense0_weight', init: { type: 'constant', value: 1e38 } }];

    // One sample, a linear model whose output bias puts that sample's class 2e38 below every other: its
    // log-probability is -Infinity, every other term finite, so the loss is +Infinity (not NaN) on any backend.
    const one = await loadDataset({ source: 'fashion-mnist', limit: 1 });
    const label = one.train.y[0];
    const linear = {
      format: 'netloom/network',
      version: 1,
      name: 'linear',
      input: { shape: [1, 28, 28] },
      root: {
        kind: 'sequential',
        id: 'net',
        children: [{ kind: 'layer', id: 'out', type: 'Dense', params: { units: 10 } }],
      },
    } as unknown as NetworkDoc;
    const bias = new Float32Array(10).fill(2e38);
    bias[label] = -2e38;
    const infinite = withWeights(linear, {
      sequential0_dense0_weight: { shape: [10, 784], data: new Float32Array(7840) },
      sequential0_dense0_bias: { shape: [10], data: bias },
    });

    for (const [doc, kind, limit] of [
      [diverging, 'nan', 100],
      [infinite, 'inf', 1],
    ] as const) {
      const { runId } = await client.call(
        'train/start',
        mlp({ doc, data: { source: 'fashion-mnist', limit, validationSplit: 0 } }),
      );
      await until(() => events('train/anomaly').some((a) => a.runId === runId), `the ${kind} anomaly`);
      await until(() => events('train/state').at(-1)!.state === 'paused', 'the pause');
      expect(events('train/anomaly').find((a) => a.runId === runId)).toMatchObject({ kind, step: 1, paused: true });
      await client.call('train/stop', { runId });
    }
    expect(events('train/anomaly')[0].block).toBe('hidden');
    await host.close();
  });

  it('memory stays flat over 20 consecutive runs; the backend is selected once', async () => {
    const host = createEngineHost(createEngineApi());
    const { finish } = connect(host);
    const config = mlp({ epochs: 1, data: { source: 'fashion-mnist', limit: 64 }, batchSize: 32 });
    const after: ReturnType<typeof engineMemory>[] = [];
    let starts = 0;
    for (let i = 0; i < 20; i++) {
      expect((await finish({ ...config, seed: i })).state).toBe('done');
      after.push(engineMemory()); // the finished run's model and optimizer are still held (for predictions)
      if (i === 0) starts = backendStarts();
    }
    expect(backendStarts()).toBe(starts);
    // From the second run on, each run frees the previous one: the same tensors, the same bytes.
    for (const m of after.slice(2)) {
      expect(m.numTensors).toBe(after[1].numTensors);
      expect(m.numBytes).toBe(after[1].numBytes);
    }
    // The wasm heap only grows; past the first few runs it must not (a leak would grow it run after run).
    if (after[0].wasmHeapBytes !== undefined) expect(after[19].wasmHeapBytes).toBe(after[4].wasmHeapBytes);
    await host.close();
  });
});
