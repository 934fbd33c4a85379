// Visual debugging over the protocol (in-memory transport, real engine, real Fashion-MNIST): subscriptions,
// snapshots and health events for a paused LeNet run driven by train/step, the coded refusals, and evaluate's
// confusion matrix against predict/run's outputs for the same samples.
import { describe, expect, it } from 'vitest';
import { until as untilCond } from '../protocol/testing/until';
import { DEBUG_LIMITS } from '../protocol';
import { loadTemplate } from '../../templates';
import { connectEngine } from './testing/connect';
import { lenetRun } from './testing/lenet-run';

const until = (cond: () => unknown, what: string) => untilCond(cond, { ms: 120_000, what });

const lenet = lenetRun({ epochs: 1, startPaused: true });

describe('debug api', () => {
  it('watches conv1 and dense1 of a paused run: snapshots, health, refusals, evaluate', async () => {
    const { host, client, problems, on } = connectEngine();
    const snaps = on('debug/activations'),
      health = on('debug/health');
    try {
      const { runId } = await client.call('train/start', lenet);
      await expect(client.call('debug/subscribe', { blocks: ['conv1', 'nope/conv9'] })).rejects.toMatchObject({
        code: 'E_UNKNOWN_BLOCK',
        data: { path: 'nope/conv9' },
      });
      const sub = await client.call('debug/subscribe', {
        blocks: ['conv1', 'dense1'],
        kinds: ['activation', 'weight', 'gradient', 'health'],
      });
      expect(sub.blocks).toEqual([
        { path: 'conv1', shape: [20, 24, 24] },
        { path: 'dense1', shape: [128] },
      ]);
      await client.call('train/step', { runId, batches: 1 });
      await until(() => snaps().length && health().length, 'the first snapshot and health event');
      const s = snaps()[0];
      expect(s.step).toBe(1);
      expect(s.probe.indices).toEqual(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
      const conv = s.blocks.find((x) => x.path === 'conv1')!;
      expect(conv.shape).toEqual([8, 20, 24, 24]);
      expect(conv.data).toBeInstanceOf(Float32Array);
      expect(conv.data.length).toBeLessThanOrEqual(4096);
      expect(conv.channels.mean).toHaveLength(20);
      expect(s.params.map((p) => p.block)).toEqual(['conv1', 'conv1', 'dense1', 'dense1']);
      for (const p of s.params) {
        expect(p.grad!.histogram.counts.reduce((x, y) => x + y, 0)).toBe(p.shape.reduce((x, y) => x * y, 1));
        // biases start at zero, so their ratio ‖Δw‖/‖w before‖ is reported as 0
        if (p.name.endsWith('weight')) expect(p.updateRatio).toBeGreaterThan(0);
        else expect(p.updateRatio).toBe(0);
      }
      const h = health()[0];
      expect(h.names).toHaveLength(8); // every trainable parameter of LeNet
      expect(h.gradNorm).toBeInstanceOf(Float32Array);
      expect(Array.from(h.gradNorm).every((g) => g > 0)).toBe(true);

      // on demand while paused: the same probe pass on the same weights
      const now = await client.call('debug/snapshot', { subscriptionId: sub.subscriptionId });
      expect(now.step).toBe(1);
      expect(now.blocks[0].data).toEqual(conv.data);

      const more = [];
      for (let i = 1; i < DEBUG_LIMITS.subscriptions; i++)
        more.push(await client.call('debug/subscribe', { blocks: ['pool1'] }));
      await expect(client.call('debug/subscribe', { blocks: ['pool1'] })).rejects.toMatchObject({
        code: 'E_DEBUG_LIMIT',
        data: { limit: DEBUG_LIMITS.subscriptions },
      });
      await client.call('debug/unsubscribe', { subscriptionId: more[0].subscriptionId });
      await expect(client.call('debug/unsubscribe', { subscriptionId: more[0].subscriptionId })).rejects.toMatchObject({
        code: 'E_BAD_PARAMS',
      });

      const trace = await client.call('debug/trace', {});
      expect(trace.blocks.map((r) => r.path)).toEqual([
        'conv1',
        'pool1',
        'conv2',
        'pool2',
        'flatten',
        'dense1',
        'dense2',
      ]);
      expect(trace.blocks[0].shape).toEqual([20, 24, 24]);

      // evaluate: its confusion matrix is what predict/run says about the same samples
      const ev = await client.call('evaluate/run', { split: 'test', limit: 100 });
      const indices = Array.from({ length: 100 }, (_, i) => i);
      const pr = await client.call('predict/run', { input: { dataset: lenet.data, split: 'test', indices } });
      const want = new Int32Array(100);
      indices.forEach((i) => want[pr.labels![i] * 10 + pr.predicted[i]]++);
      expect(ev.samples).toBe(100);
      expect(ev.confusion).toEqual(want);
      const correct = indices.filter((i) => pr.labels![i] === pr.predicted[i]).length;
      expect(ev.accuracy).toBeCloseTo(correct / 100, 10);
      expect(ev.misclassified.total).toBe(100 - correct);
      for (let k = 0; k < ev.misclassified.indices.length; k++) {
        const i = ev.misclassified.indices[k];
        expect(ev.misclassified.top[k * 3]).toBe(pr.predicted[i]);
        expect(ev.misclassified.probs[k * 3]).toBeCloseTo(pr.probs[i * 10 + pr.predicted[i]], 5);
      }
      await client.call('train/stop', { runId });
    } finally {
      await host.close();
    }
    expect(problems).toEqual([]);
  }, 300_000);
  it('a subscription whose block is gone from the next run ends with debug/error naming the path', async () => {
    const { host, client, on } = connectEngine();
    const ended = on('debug/error');
    try {
      const first = await client.call('train/start', lenet);
      const sub = await client.call('debug/subscribe', { blocks: ['conv1'] });
      await client.call('train/stop', { runId: first.runId });
      // the MLP template has no conv1: the subscription cannot follow it
      await client.call('train/start', { ...lenet, doc: loadTemplate('mlp') as object });
      await until(() => ended().length, 'the debug/error event');
      expect(ended()[0]).toMatchObject({ subscriptionId: sub.subscriptionId, code: 'E_UNKNOWN_BLOCK', path: 'conv1' });
      await expect(client.call('debug/snapshot', { subscriptionId: sub.subscriptionId })).rejects.toMatchObject({
        code: 'E_BAD_PARAMS',
      });
      await expect(client.call('debug/subscribe', { blocks: ['conv1'] })).rejects.toMatchObject({
        code: 'E_UNKNOWN_BLOCK',
      });
    } finally {
      await host.close();
    }
  }, 300_000);
});
