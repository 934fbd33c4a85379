// A torch run asked for the debugging streams (the Inside and Health views) answers a coded error that says why
// and what to do, instead of a subscription that never delivers. Skipped, saying why, where no Python has torch.
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { createClient } from '../protocol';
import { until as untilCond } from '../protocol/testing/until';
import { memoryPair } from '../protocol/transports/memory';
import { probeTorch } from '../runtime/backends/torch';
import { createEngineApi } from './engine-api';
import { createEngineHost } from './engine-host';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the torch run's debug answer: ${probe.reason}`);
const suite = probe.ok ? describe : describe.skip;

suite('debug/subscribe on a torch run', { timeout: 300_000 }, () => {
  it('answers E_NOT_IMPLEMENTED naming the torch backend and the way to watch', async () => {
    const host = createEngineHost(createEngineApi());
    const [a, b] = memoryPair();
    host.connect(a);
    const client = createClient(b);
    let state = '';
    client.on('train/state', (e) => void (state = e.state));
    try {
      const { runId } = await client.call('train/start', {
        doc: loadTemplate('mlp') as object,
        data: { source: 'fashion-mnist', limit: 256, validationSplit: 0 },
        epochs: 5,
        batchSize: 64,
        lr: 0.05,
        optimizer: 'sgd',
        momentum: 0.9,
        seed: 1,
        backend: 'torch',
        startPaused: true,
      });
      await untilCond(() => state === 'paused', { ms: 180_000, what: 'the torch run to hold paused' });
      for (const kinds of [['activation'], ['health']] as const)
        await expect(
          client.call('debug/subscribe', { runId, blocks: kinds[0] === 'health' ? [] : ['dense1'], kinds: [...kinds] }),
        ).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED', message: expect.stringMatching(/torch.*train on wasm/) });
      await client.call('train/stop', { runId });
    } finally {
      client.close();
      await host.close?.();
    }
  });
});
