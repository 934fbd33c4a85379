// `netloom serve` against malformed WebSocket frames and broken chunk sequences, sent from raw TCP sockets after
// a real handshake: each broken client loses its own connection (with the RFC 6455 close code, or 4008/4009 and
// the reason for chunks), nothing else — the server, the engine process, a running training run and other
// clients' calls carry on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TrainConfig } from '../protocol';
import { until } from '../protocol/testing/until';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from './server';
import { chunkMessage } from '../protocol';
import { connectClient, rawSocket, spawnServe, wsFrame } from './websocket-testing';
import type { ServeProcess } from './websocket-testing';

const config: TrainConfig = {
  doc: { any: 1 },
  data: { source: 'fashion-mnist' },
  epochs: 10_000,
  batchSize: 8,
  lr: 0.1,
  optimizer: 'sgd',
};
const closeFrame = (code: number) => wsFrame(8, new Uint8Array([code >> 8, code & 0xff]));

// [name, bytes, the close code the server answers with]
const BAD: [string, Buffer, number][] = [
  ['a text frame that is not UTF-8', wsFrame(1, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 1007],
  ['an unmasked client frame', wsFrame(1, new TextEncoder().encode('{}'), { mask: false }), 1002],
  ['a reserved opcode', wsFrame(3, new Uint8Array([1, 2])), 1002],
  ['RSV1 without an extension', wsFrame(1, new TextEncoder().encode('{}'), { rsv1: true }), 1002],
  ['an invalid close code', closeFrame(999), 1002],
  ['a fragmented control frame', wsFrame(9, new Uint8Array([1]), { fin: false }), 1002],
  ['a header announcing more than the size limit', wsFrame(2, new Uint8Array(0), { len: MAX_FRAME_BYTES + 1 }), 1009],
  ['a header announcing 2^53 bytes', wsFrame(2, new Uint8Array(0), { len: 2 ** 53 - 1 }), 1009],
];

// Chunk sequences a sender that follows chunks.ts never produces. [name, chunks, close code, reason]
const call = new TextEncoder().encode('{"t":"call","id":1,"method":"engine/info","params":{}}');
const chunk = (o: { id?: number; index?: number; count?: number; total?: number }, payload = call.subarray(0, 10)) =>
  wsFrame(
    2,
    new Uint8Array(chunkMessage({ id: 1, index: 0, count: 3, total: call.length, text: true, ...o }, payload)),
  );
const BAD_CHUNKS: [string, Buffer[], number, RegExp][] = [
  ['chunks in the wrong order', [chunk({}), chunk({ index: 2 })], 4008, /E_BAD_CHUNK: chunk 2 of transfer 1 arrived/],
  [
    'a chunk of an unknown transfer',
    [chunk({ id: 9, index: 1 })],
    4008,
    /E_BAD_CHUNK: .*transfer 9, which never began/,
  ],
  ['a total over the 2 GiB limit', [chunk({ total: MAX_MESSAGE_BYTES + 1 })], 4009, /E_MESSAGE_TOO_BIG: .*over the/],
  [
    'a count that does not add up',
    [chunk({ count: 2 }), chunk({ index: 1, count: 2 })],
    4008,
    /E_BAD_CHUNK: .*ended after 2 chunks/,
  ],
  [
    'a chunk for a finished transfer',
    [chunk({ count: 1 }, call), chunk({ index: 1, count: 1 }, call)],
    4008,
    /E_BAD_CHUNK: .*which already finished/,
  ],
];

describe('malformed WebSocket frames', () => {
  let s: ServeProcess;
  let trainer: Client;
  let step = 0;
  let pid: number;
  const alive = () => s.proc.exitCode === null && s.proc.signalCode === null;
  beforeAll(async () => {
    s = await spawnServe();
    trainer = await connectClient(s);
    pid = (await trainer.call('engine/info')).pid;
    trainer.on('train/progress', (p) => (step = p.step));
    await trainer.call('train/start', config);
    await until(() => step > 0, { ms: 30_000, what: 'the run to start' });
  });
  afterAll(async () => {
    trainer?.close();
    // A clean exit: SIGTERM is answered with exit code 0 only by a server that never crashed.
    expect(await s?.stop()).toBe(0);
  });

  it.each(BAD)('%s: that client is closed, the server, the engine and the run carry on', async (_name, bytes, code) => {
    // A call in flight on another connection while the bad frame arrives (it hangs until cancelled).
    const other = await connectClient(s);
    const ac = new AbortController();
    const waiting = other.call('data/download', { id: 'mnist' }, { signal: ac.signal }).catch((e) => e.code);

    const raw = await rawSocket(s);
    raw.socket.write(bytes);
    await until(() => raw.closed(), { ms: 30_000, what: 'the server to close the broken connection' });
    expect(raw.closeCode()).toBe(code);
    expect(alive(), `netloom serve died:\n${s.stderr()}`).toBe(true);

    const before = step;
    await until(() => step > before, { ms: 30_000, what: 'the run to keep stepping' });
    const fresh = await connectClient(s);
    expect((await fresh.call('engine/info')).pid).toBe(pid);
    expect((await other.call('engine/info')).backend).toBe('fake-cpu');
    ac.abort();
    expect(await waiting).toBe('E_CANCELLED');
    expect((await trainer.call('train/attach')).run?.state).toBe('running');
    fresh.close();
    other.close();
  });

  it.each(BAD_CHUNKS)(
    '%s: that client is closed with the reason, everything else carries on',
    async (_n, frames, code, reason) => {
      const other = await connectClient(s);
      const ac = new AbortController();
      const waiting = other.call('data/download', { id: 'mnist' }, { signal: ac.signal }).catch((e) => e.code);
      const raw = await rawSocket(s);
      for (const f of frames) raw.socket.write(f);
      await until(() => raw.closeCode() !== null, { ms: 30_000, what: 'the server to close the connection' });
      expect([raw.closeCode(), raw.closeReason()]).toEqual([code, expect.stringMatching(reason)]);
      expect(alive(), `netloom serve died:\n${s.stderr()}`).toBe(true);
      raw.socket.destroy();
      const before = step;
      await until(() => step > before, { ms: 30_000, what: 'the run to keep stepping' });
      expect((await other.call('engine/info')).pid).toBe(pid);
      ac.abort();
      expect(await waiting).toBe('E_CANCELLED');
      other.close();
    },
  );

  it('a raw chunked call is answered; a client gone mid-transfer (1 GiB announced) costs nothing else', async () => {
    const raw = await rawSocket(s);
    const parts = [call.subarray(0, 20), call.subarray(20, 40), call.subarray(40)];
    parts.forEach((p, index) => raw.socket.write(chunk({ index }, p)));
    await until(() => raw.texts().some((f) => (f as { id?: number }).id === 1), { ms: 30_000, what: 'the answer' });
    expect(raw.texts().find((f) => (f as { id?: number }).id === 1)).toMatchObject({ t: 'result', result: { pid } });
    raw.socket.write(chunk({ id: 2, total: 2 ** 30, count: 64 }, new Uint8Array(1 << 20)));
    raw.socket.destroy();
    await until(() => raw.closed(), { ms: 30_000, what: 'the socket to close' });
    const fresh = await connectClient(s);
    expect((await fresh.call('engine/info')).pid).toBe(pid);
    expect(alive()).toBe(true);
    fresh.close();
  });

  it('a frame nested 100,000 levels deep gets E_BAD_FRAME for its call id; the connection stays usable', async () => {
    const n = 100_000;
    const text = `{"t":"call","id":7,"method":"graph/infer","params":{"doc":${'['.repeat(n)}${']'.repeat(n)}}}`;
    const raw = await rawSocket(s);
    raw.socket.write(wsFrame(1, new TextEncoder().encode(text)));
    const answer = () => raw.texts().find((f) => (f as { id?: number }).id === 7);
    await until(answer, { ms: 30_000, what: 'the answer' });
    expect(answer()).toMatchObject({ t: 'error', id: 7, error: { code: 'E_BAD_FRAME' } });
    raw.socket.write(wsFrame(1, new TextEncoder().encode('{"t":"call","id":8,"method":"engine/info","params":{}}')));
    await until(() => raw.received().includes('"id":8'), { ms: 30_000, what: 'the next answer' });
    raw.socket.write(closeFrame(1000));
    expect((await trainer.call('engine/info')).pid).toBe(pid);
  });
});
