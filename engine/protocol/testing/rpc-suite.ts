// The protocol's behaviour, written once and run over every transport (in-memory here, a real WebSocket
// in engine/host). `makePair` returns a served fake api and a client transport, plus a raw sender for
// messages no typed client would produce.
import { until as untilCond } from './until';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../rpc';
import type { Client } from '../rpc';
import type { Transport } from '../transport';
import { RpcError } from '../errors';
import type { FakeApiState } from './fake-api';

export interface Pair {
  client: Transport;
  /** Send anything down the client's channel (objects may be stringified by byte transports). */
  sendRaw(msg: unknown): void;
  state: FakeApiState;
  dispose(): Promise<void> | void;
}

const until = (cond: () => unknown, ms = 3000) => untilCond(cond, { ms });

/** Bits of a float array, so NaN payloads and -0 are compared exactly. */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

export async function expectCode(p: Promise<unknown>, code: string): Promise<RpcError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcError);
  expect((err as RpcError).code).toBe(code);
  return err as RpcError;
}

export function rpcSuite(name: string, makePair: () => Promise<Pair>) {
  describe(`protocol over ${name}`, () => {
    let pair: Pair;
    let client: Client;
    const open = async () => {
      pair = await makePair();
      client = createClient(pair.client);
      return client;
    };
    afterEach(async () => {
      client?.close();
      await pair?.dispose();
    });

    it('answers a call with a typed, validated result', async () => {
      await open();
      const info = await client.call('engine/info');
      expect(info.backend).toBe('fake');
      const inferred = await client.call('graph/infer', { doc: { any: 'doc' } });
      expect(inferred.params.trainable).toBe(7850);
    });

    it('carries errors as {code, message}', async () => {
      await open();
      const e = await expectCode(client.call('graph/infer', { doc: 'boom' }), 'E_SHAPE_MISMATCH');
      expect(e.message).toContain('784');
      expect(e.data).toEqual({ path: 'net/dense1' });
      expect((await expectCode(client.call('graph/infer', { doc: 'crash' }), 'E_INTERNAL')).message).toBe('kaboom');
      await expectCode(client.call('train/stop', {}), 'E_NOT_IMPLEMENTED');
      const bad = await expectCode(client.call('train/setLr', { lr: -1 } as never), 'E_BAD_PARAMS');
      expect(bad.message).toContain('lr');
      await expectCode(client.call('data/list'), 'E_BAD_RESULT');
      await expectCode(client.call('no/such' as never, {} as never), 'E_UNKNOWN_METHOD');
    });

    it('answers malformed frames with E_BAD_FRAME and keeps serving', async () => {
      await open();
      const replies: unknown[] = [];
      client.onProblem(() => {}); // the id-less error replies land here; the test reads them raw
      pair.client.onMessage((m) => replies.push(m));
      pair.sendRaw('not json at all {');
      pair.sendRaw({ t: 'call', id: 77, method: 42 });
      pair.sendRaw({ t: 'call', method: 'engine/info' });
      pair.sendRaw({ t: 'result', id: 1, result: {} });
      pair.sendRaw(null);
      await until(() => replies.length >= 4);
      const errors = replies as { t: string; id: number | null; error: { code: string } }[];
      expect(errors.every((r) => r.t === 'error' && r.error.code === 'E_BAD_FRAME')).toBe(true);
      expect(errors.map((r) => r.id)).toContain(77);
      expect((await client.call('engine/info')).backend).toBe('fake');
    });

    it('survives an invalid event payload (reported, not delivered)', async () => {
      await open();
      const problems: RpcError[] = [];
      const delivered: unknown[] = [];
      client.onProblem((e) => problems.push(e));
      client.on('train/progress', (p) => delivered.push(p));
      await client.call('debug/unsubscribe', { subscriptionId: 's' });
      await until(() => problems.length > 0);
      expect(problems[0].code).toBe('E_BAD_FRAME');
      expect(delivered).toEqual([]);
    });

    it('streams events and cancels a long call on both sides', async () => {
      await open();
      const ac = new AbortController();
      const seen: number[] = [];
      client.on('data/progress', (p) => {
        seen.push(p.received);
        if (p.received === 3) ac.abort();
      });
      await expectCode(client.call('data/download', { id: 'mnist' }, { signal: ac.signal }), 'E_CANCELLED');
      await until(() => pair.state.aborted.includes('data/download'));
      expect(seen.slice(0, 4)).toEqual([0, 1, 2, 3]);
    });

    it('times out a call and cancels it on the server', async () => {
      await open();
      await expectCode(client.call('data/download', { id: 'x' }, { timeoutMs: 50 }), 'E_TIMEOUT');
      await until(() => pair.state.aborted.includes('data/download'));
    });

    it('round-trips typed arrays bit-exactly', async () => {
      await open();
      const specials = [NaN, -0, 0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, -1.5, Math.PI];
      const images = new Float32Array(10_000).map((_, i) => (i < specials.length ? specials[i] : Math.sin(i) * 1e3));
      new Uint32Array(images.buffer)[9] = 0x7fc00abc; // a NaN with a payload
      const r = await client.call('predict/run', { input: { images, shape: [100, 100] } });
      expect(r.probs).toBeInstanceOf(Float32Array);
      expect(bits(r.probs)).toEqual(bits(images));
      expect(r.predicted).toBeInstanceOf(Int32Array);
      expect(Array.from(r.predicted.slice(0, 3))).toEqual([0, 2 ** 31 - 2, -2]);
      const loaded = await client.call('checkpoint/load', { bytes: new Uint8Array([200, 1, 2]) });
      expect(loaded).toMatchObject({ doc: { length: 3 }, epoch: 200 });
      const saved = await client.call('checkpoint/save', {});
      expect(Array.from(saved.bytes!)).toEqual([0, 1, 2, 253, 254, 255]);
    });

    it('fails pending calls when the client disconnects, and aborts them on the server', async () => {
      await open();
      const p = client.call('data/download', { id: 'slow' });
      await until(() => pair.state.entered.includes('data/download'));
      client.close();
      await expectCode(p, 'E_DISCONNECTED');
      await until(() => pair.state.aborted.includes('data/download'));
      await expectCode(client.call('engine/info'), 'E_DISCONNECTED');
    });
  });
}
