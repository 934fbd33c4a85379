// The protocol suite again, over a real WebSocket (the `ws` package on both ends, the same
// `websocketTransport` the browser uses on the client side).
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createClient, serve, websocketTransport } from '../protocol';
import type { WebSocketLike } from '../protocol';
import { fakeApi } from '../protocol/testing/fake-api';
import { rpcSuite } from '../protocol/testing/rpc-suite';
import { until } from '../protocol/testing/until';

async function wsPair() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const api = fakeApi();
  const served: { close(): void }[] = [];
  wss.on('connection', (ws) => served.push(serve(api, websocketTransport(ws as unknown as WebSocketLike))));
  const raw = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const client = websocketTransport(raw as unknown as WebSocketLike);
  await new Promise((r) => raw.once('open', r));
  return {
    client,
    raw,
    sendRaw: (m: unknown) => raw.send(typeof m === 'string' ? m : JSON.stringify(m)),
    state: api.state,
    dispose: async () => {
      served.forEach((s) => s.close());
      raw.terminate();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

rpcSuite('a real WebSocket', wsPair);

describe('WebSocket framing', () => {
  it('answers undecodable binary with E_BAD_FRAME and keeps the socket open', async () => {
    const p = await wsPair();
    const client = createClient(p.client);
    const problems: string[] = [];
    client.onProblem((e) => problems.push(e.code));
    p.raw.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    await until(() => problems.length > 0, { what: 'the bad frame to be reported' });
    expect(problems).toEqual(['E_BAD_FRAME']);
    expect((await client.call('engine/info')).backend).toBe('fake');
    client.close();
    await p.dispose();
  });

  it('sends typed arrays as one binary message, not JSON numbers', async () => {
    const p = await wsPair();
    const seen: { binary: boolean; size: number }[] = [];
    p.raw.on('message', (data, isBinary) => seen.push({ binary: isBinary, size: (data as ArrayBuffer).byteLength }));
    const client = createClient(p.client);
    const images = new Float32Array(100_000).fill(0.1);
    await client.call('predict/run', { input: { images, shape: [1000, 100] } });
    const reply = seen.find((s) => s.binary)!;
    // 400 KB of floats + a small header: a JSON array of 0.1s would be ~2.4 MB.
    expect(reply.size).toBeLessThan(400_000 + 4000 + 4096);
    client.close();
    await p.dispose();
  });
});
