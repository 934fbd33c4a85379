// The real engine over the protocol (in-memory transport): real tfjs, a real slice of Fashion-MNIST.
import { until as untilCond } from '../protocol/testing/until';
import { describe, expect, it } from 'vitest';
import { createClient, RpcError, type EventPayload } from '../protocol';
import { memoryPair } from '../protocol/transports/memory';
import { loadTemplate } from '../../templates';
import { createEngineHost } from './engine-host';
import { createEngineApi } from './engine-api';

const until = (cond: () => unknown, ms = 60_000) => untilCond(cond, { ms });

describe('engine api over the protocol', () => {
  it('trains LeNet with live events, pause/step/resume/stop, busy refusal and re-attach', async () => {
    const host = createEngineHost(createEngineApi());
    const [a, b] = memoryPair();
    host.connect(a);
    const client = createClient(b);
    const progress: EventPayload<'train/progress'>[] = [];
    const states: string[] = [];
    client.on('train/progress', (e) => progress.push(e));
    client.on('train/state', (e) => states.push(e.state));
    const info = await client.call('engine/info');
    expect(info.backend).toBe('wasm');

    const config = {
      doc: loadTemplate('lenet'),
      data: { source: 'fashion-mnist', limit: 8192 },
      epochs: 2,
      batchSize: 64,
      lr: 0.05,
      optimizer: 'sgd' as const,
      momentum: 0.9,
      seed: 3,
    };
    const { runId } = await client.call('train/start', config);
    await expect(client.call('train/start', config)).rejects.toMatchObject({ code: 'E_BUSY' });
    await until(() => progress.length >= 2);

    await client.call('train/pause', { runId });
    await until(() => states.at(-1) === 'paused');
    const pausedAt = (await client.call('train/attach')).run!.step;
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.call('train/attach')).run!.step).toBe(pausedAt); // paused means paused

    await client.call('train/step', { runId });
    await until(() => progress.some((p) => p.step === pausedAt + 1));
    expect(states.at(-1)).toBe('paused');

    // A client that disconnects does not stop training; a new one re-attaches.
    client.close();
    const [c, d] = memoryPair();
    host.connect(c);
    const again = createClient(d);
    const snap = (await again.call('train/attach')).run!;
    expect(snap.runId).toBe(runId);
    expect(snap.state).toBe('paused');
    await again.call('train/resume', { runId });
    const stopped = await again.call('train/stop', { runId });
    expect(stopped.state).toBe('stopped');
    const err = await again.call('train/pause', { runId: 'nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe('E_NO_RUN');
    await host.close();
  });

  it('refuses a network with errors, naming the problem', async () => {
    const host = createEngineHost(createEngineApi());
    const [a, b] = memoryPair();
    host.connect(a);
    const client = createClient(b);
    const doc = loadTemplate('lenet') as { root: { children: unknown[] } };
    doc.root.children.splice(
      4,
      0,
      { kind: 'layer', id: 'flat', type: 'Flatten' },
      { kind: 'layer', id: 'bad', type: 'Conv2D' },
    );
    const err = await client
      .call('train/start', {
        doc,
        data: { source: 'fashion-mnist', limit: 64 },
        epochs: 1,
        batchSize: 32,
        lr: 0.1,
        optimizer: 'sgd',
      })
      .catch((e) => e);
    expect(err.code).toBe('E_INVALID_NETWORK');
    expect(err.message).toContain('E_RANK at bad');
    await host.close();
  });
});
