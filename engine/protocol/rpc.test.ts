import { describe, expect, it } from 'vitest';
import { until } from './testing/until';
import { serve } from './rpc';
import { memoryPair } from './transports/memory';
import { fakeApi } from './testing/fake-api';
import { rpcSuite } from './testing/rpc-suite';
import { createClient } from './rpc';
import { crashTracker } from './relay';
import { messagePortTransport } from './transports/message-port';

rpcSuite('an in-memory pair', async () => {
  const [server, client] = memoryPair();
  const api = fakeApi();
  const served = serve(api, server);
  return { client, sendRaw: (m) => client.sendRaw(m), state: api.state, dispose: () => served.close() };
});

// Node's own MessageChannel has the DOM port shape and clones structurally, like Electron's ports.
rpcSuite('a MessageChannel', async () => {
  const { port1, port2 } = new MessageChannel();
  const api = fakeApi();
  const served = serve(api, messagePortTransport(port1 as never));
  const client = messagePortTransport(port2 as never);
  return {
    client,
    sendRaw: (m) => port2.postMessage(m),
    state: api.state,
    dispose: () => {
      served.close();
      port1.close();
      port2.close();
    },
  };
});

describe('crashTracker', () => {
  it('fails exactly the calls still waiting on a dead engine, then reports the crash', async () => {
    const [a, b] = memoryPair();
    const t = crashTracker();
    t.toEngine({ t: 'call', id: 1, method: 'engine/info', params: {} });
    t.toEngine({ t: 'call', id: 2, method: 'engine/info', params: {} });
    t.fromEngine({ t: 'result', id: 1, result: {} });
    const client = createClient(b);
    const crashed: unknown[] = [];
    client.on('engine/crashed', (e) => crashed.push(e));
    const frames = t.crashed({ exitCode: null, signal: 'SIGKILL' });
    expect(frames.map((f) => f.t)).toEqual(['error', 'event']);
    expect(frames[0]).toMatchObject({ id: 2, error: { code: 'E_ENGINE_CRASHED' } });
    for (const f of frames) a.send(f);
    await until(() => crashed.length > 0, { what: 'the engine/crashed event' });
    expect(crashed).toEqual([expect.objectContaining({ code: 'E_ENGINE_CRASHED', signal: 'SIGKILL', exitCode: null })]);
    expect(t.waiting).toBe(0);
  });
});
