// The protocol suite again, over a real WebSocket (the `ws` package on both ends, the same
// `websocketTransport` the browser uses on the client side), once as is and once with every message over
// 64 bytes cut into chunks.
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chunkMessage, createClient, serve, websocketTransport } from '../protocol';
import type { WebSocketLike, WebSocketTransport, WebSocketTransportOptions } from '../protocol';
import { fakeApi } from '../protocol/testing/fake-api';
import { rpcSuite } from '../protocol/testing/rpc-suite';
import { until } from '../protocol/testing/until';

async function wsPair(transfer?: WebSocketTransportOptions) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const api = fakeApi();
  const served: { close(): void }[] = [];
  const transports: WebSocketTransport[] = [];
  wss.on('connection', (ws) => {
    const t = websocketTransport(ws as unknown as WebSocketLike, transfer);
    transports.push(t);
    served.push(serve(api, t));
  });
  const raw = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const client = websocketTransport(raw as unknown as WebSocketLike, transfer);
  await new Promise((r) => raw.once('open', r));
  return {
    client,
    raw,
    wss,
    sendRaw: (m: unknown) => raw.send(typeof m === 'string' ? m : JSON.stringify(m)),
    state: api.state,
    /** The server side's transports, one per connection. */
    transports,
    dispose: async () => {
      served.forEach((s) => s.close());
      raw.terminate();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

rpcSuite('a real WebSocket', () => wsPair());
rpcSuite('a real WebSocket in 64-byte chunks', () => wsPair({ chunkBytes: 64 }));

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

  it('a connection closed mid-transfer frees the partial message; a broken sequence closes with the reason', async () => {
    const p = await wsPair();
    const client = createClient(p.client);
    expect((await client.call('engine/info')).backend).toBe('fake');
    const server = p.transports[0];
    const header = { id: 1, index: 0, count: 4, total: 4 << 20, text: false };
    p.raw.send(chunkMessage(header, new Uint8Array(1 << 20)));
    await until(() => server.inFlight()?.received === 1 << 20, { what: 'the first chunk to arrive' });
    expect(server.inFlight()).toEqual({ id: 1, received: 1 << 20, total: 4 << 20 });
    p.raw.close();
    await until(() => server.inFlight() === null, { what: 'the partial message to be freed' });

    // The other way round: the server sends the client a chunk out of order; the client closes with the reason.
    const q = await wsPair({ chunkBytes: 64 });
    const c2 = createClient(q.client);
    const pending = c2.call('engine/info').catch((e: unknown) => e);
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      q.raw.once('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    for (const ws of q.wss.clients) ws.send(chunkMessage({ ...header, index: 1 }, new Uint8Array(8)));
    expect(await closed).toEqual({ code: 4008, reason: expect.stringMatching(/^E_BAD_CHUNK: chunk 1 of transfer 1/) });
    expect(await pending).toMatchObject({
      code: 'E_DISCONNECTED',
      message: expect.stringContaining('E_BAD_CHUNK'),
    });
    client.close();
    await p.dispose();
    await q.dispose();
  });
});
