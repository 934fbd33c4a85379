// The torch backend behind the engine's contract (in-memory transport, the real engine api): train/start with
// backend "torch" streams the same protocol events and takes the same controls (held by pauseAtStep and
// train/step, never a timer), and its trained weights predict on wasm what PyTorch measured. Skipped, saying why,
// where no Python has torch.
import { describe, expect, it } from 'vitest';
import { until as untilCond } from '../protocol/testing/until';
import { probeTorch } from '../runtime/backends/torch';
import { createEngineApi } from './engine-api';
import { createEngineHost } from './engine-host';
import { lenetRun } from './testing/lenet-run';
import { recordingClient } from './testing/recorder';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the engine's torch runs: ${probe.reason}`);
const suite = probe.ok ? describe : describe.skip;
const until = (cond: () => unknown, what: string) => untilCond(cond, { ms: 180_000, what });

suite('train/start with backend torch', { timeout: 300_000 }, () => {
  it('streams the protocol events, holds at pauseAtStep and train/step, stops; wasm predicts what torch measured', async () => {
    const host = createEngineHost(createEngineApi());
    const problems: string[] = [];
    const { client, events } = recordingClient(host, problems);
    const config = lenetRun({
      data: { source: 'fashion-mnist', validationSplit: 0 },
      epochs: 20,
      backend: 'torch',
      pauseAtStep: 2,
    });
    try {
      const { runId } = await client.call('train/start', config);
      await until(() => events('train/state').at(-1)?.state === 'paused', 'the run to pause at step 2');
      expect((await client.call('train/attach')).run).toMatchObject({ state: 'paused', step: 2 });
      expect(events('engine/log').map((l) => l.message)).toContainEqual(
        expect.stringMatching(/ with torch \((requested: )?torch /),
      );
      expect(await client.call('train/step', { runId, batches: 3 })).toMatchObject({ state: 'paused', step: 5 });
      expect(events('train/progress').at(-1)).toMatchObject({ runId, step: 5, stepsPerEpoch: 10 });
      expect(await client.call('train/setLr', { runId, lr: 0.01 })).toMatchObject({ state: 'paused' });
      expect(await client.call('train/step', { runId })).toMatchObject({ state: 'paused', step: 6 });
      expect(events('train/progress').at(-1)).toMatchObject({ step: 6, lr: 0.01 });
      expect(await client.call('train/stop', { runId })).toMatchObject({ state: 'stopped', step: 6 });
      await until(() => events('train/done').length === 1, 'the done event');
      const done = events('train/done')[0];
      expect(done).toMatchObject({ runId, state: 'stopped', final: { testAcc: expect.any(Number) } });

      // The weights came back into the engine: wasm's predictions on the test set score what PyTorch measured.
      const indices = Array.from({ length: 640 }, (_, i) => i);
      const r = await client.call('predict/run', {
        runId,
        input: { dataset: config.data, split: 'test', indices },
      });
      const labels = (r as { labels: Int32Array }).labels;
      const right = indices.filter((i) => r.predicted[i] === labels[i]).length;
      expect(Math.abs(right / 640 - done.final!.testAcc!)).toBeLessThanOrEqual(1 / 640); // a near tie may flip
      expect(problems).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
