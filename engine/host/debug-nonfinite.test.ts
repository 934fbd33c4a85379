// A diverging run stays visible: LeNet stepped once with an absurd learning rate has NaN/±Inf activations in
// its later blocks, and the snapshots that show them still arrive, over the bytes a WebSocket carries (the
// codec's JSON header has no NaN: a non-finite figure would arrive as null and fail the event schema).
import { describe, expect, it } from 'vitest';
import { until as untilCond } from '../protocol/testing/until';
import {
  createClient,
  decodeFrame,
  encodeFrame,
  memoryPair,
  type EventPayload,
  type Frame,
  type TrainConfig,
  type Transport,
} from '../protocol';
import { loadTemplate } from '../../templates';
import { createEngineHost } from './engine-host';
import { createEngineApi } from './engine-api';

const until = (cond: () => unknown, what: string) => untilCond(cond, { ms: 120_000, what });

/** The in-memory pair, every frame encoded and decoded as a WebSocket message is. */
function codecPair(): [Transport, Transport] {
  return memoryPair().map((end) => ({
    send: (f: Frame) => end.sendRaw(encodeFrame(f)),
    onMessage: (cb: (m: unknown) => void) => end.onMessage((m) => cb(decodeFrame(m as string | ArrayBuffer))),
    onClose: end.onClose,
    close: end.close,
  })) as [Transport, Transport];
}

describe('non-finite activations', () => {
  it('weights of 1e30: the output overflows to ∞, and its snapshot arrives with finite stats and the ∞ counted', async () => {
    const host = createEngineHost(createEngineApi());
    const [a, b] = codecPair();
    host.connect(a);
    const client = createClient(b);
    const problems: string[] = [];
    client.onProblem((p) => problems.push(`${p.code}: ${p.message}`));
    const anomalies: EventPayload<'train/anomaly'>[] = [];
    client.on('train/anomaly', (e) => anomalies.push(e));
    // The MLP with every parameter 1e30: hidden ≈ Σ x·1e30 (finite), output ≈ 256 · 1e32 · 1e30 = ∞.
    const doc = {
      ...(loadTemplate('custom-init') as object),
      initializers: [{ pattern: '.*', init: { type: 'constant', value: 1e30 } }],
    };
    const config: TrainConfig = {
      doc,
      data: { source: 'fashion-mnist', limit: 256 },
      epochs: 1,
      batchSize: 64,
      lr: 0.1,
      optimizer: 'sgd',
      seed: 3,
      startPaused: true,
    };
    try {
      const { runId } = await client.call('train/start', config);
      const sub = await client.call('debug/subscribe', {
        blocks: ['hidden', 'output'],
        kinds: ['activation', 'weight', 'gradient'],
      });
      await client.call('train/step', { runId, batches: 1 });
      await until(() => anomalies.length, 'the non-finite loss anomaly');
      const s = await client.call('debug/snapshot', { subscriptionId: sub.subscriptionId });
      const hidden = s.blocks.find((x) => x.path === 'hidden')!;
      const out = s.blocks.find((x) => x.path === 'output')!;
      expect(Array.from(hidden.data).every(Number.isFinite)).toBe(true);
      expect(hidden.stats.nonFinite).toBe(0);
      expect(hidden.stats.max).toBeGreaterThan(1e30);
      // every logit of the 8 probe samples is ∞: counted, and the figures are finite (0: no finite value)
      expect(out.shape).toEqual([8, 10]);
      expect(Array.from(out.data).every((v) => v === Infinity)).toBe(true);
      expect(out.stats).toMatchObject({ nonFinite: 80, mean: 0, std: 0, min: 0, max: 0, norm: 0 });
      expect(Array.from(out.channels.nonFinite!)).toEqual(new Array(10).fill(8));
      expect(Object.values(out.channels).every((c) => c!.every(Number.isFinite))).toBe(true);
      for (const p of s.params) expect(Object.values(p.weight.stats).every(Number.isFinite)).toBe(true);
    } finally {
      await host.close();
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
