// Property tests of `netloom serve` (its own process, the fake training api): random calls, random JSON,
// random binary messages, random chunk sequences and random raw TCP bytes never crash it, and every call is
// answered. Bounded for a
// 2-core machine: a fixed seed (fast-check prints it on failure) and modest run counts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE_BAD_CHUNK, CLOSE_TOO_BIG, calls, chunkMessage } from '../protocol';
import { Reassembler } from '../protocol/chunks';
import type { ChunkError } from '../protocol/chunks';
import { until } from '../protocol/testing/until';
import { rawSocket, spawnServe } from './websocket-testing';
import type { ServeProcess } from './websocket-testing';

const SEED = 20261130;
// Left out on purpose: the fake api's `data/download` hangs until cancelled (it exists to hold a call in
// flight), and its `train/step` runs `batches` fake steps synchronously (a random 2^31 would hold the engine).
const METHODS = Object.keys(calls).filter((m) => m !== 'data/download' && m !== 'train/step');

/** A bare WebSocket that sends anything and collects the answers by call id. */
async function bareClient(s: ServeProcess) {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/engine?token=${s.token}`);
  ws.binaryType = 'arraybuffer';
  const answers = new Map<number, { t: string; error?: { code: string } }>();
  ws.on('message', (data, binary) => {
    if (binary) return; // events with typed arrays; answers to these calls are JSON text
    const f = JSON.parse(String(data)) as { t: string; id?: number | null };
    if ((f.t === 'result' || f.t === 'error') && typeof f.id === 'number') answers.set(f.id, f as never);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  return {
    ws,
    answers,
    nextId: () => next++,
    /** Resolves with the answer to call `id` (a generous bound: this is about "never", not speed). */
    answer: async (id: number) => {
      await until(() => answers.has(id), { ms: 30_000, what: `an answer to call ${id}` });
      return answers.get(id)!;
    },
    /** The server still serves this connection: a fresh call is answered. */
    alive: async () => {
      const id = next++;
      ws.send(JSON.stringify({ t: 'call', id, method: 'engine/info', params: {} }));
      await until(() => answers.has(id), { ms: 30_000, what: 'engine/info after the random message' });
      return answers.get(id)!.t;
    },
  };
}

describe('netloom serve under random messages', () => {
  let s: ServeProcess;
  let c: Awaited<ReturnType<typeof bareClient>>;
  beforeAll(async () => {
    s = await spawnServe();
    c = await bareClient(s);
  });
  afterAll(async () => {
    c?.ws.close();
    expect(await s?.stop()).toBe(0); // a server that crashed would not exit cleanly
  });

  it('random calls (any method, random JSON params) are each answered', async () => {
    const call = fc.record({
      method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: fc.string() }),
      params: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constant(undefined)),
    });
    await fc.assert(
      fc.asyncProperty(call, async ({ method, params }) => {
        const id = c.nextId();
        c.ws.send(JSON.stringify({ t: 'call', id, method, params }));
        const a = await c.answer(id);
        expect(['result', 'error']).toContain(a.t);
        // A run started by a random train/start is stopped, so the next train/start is judged on its params.
        if (method === 'train/start' && a.t === 'result')
          c.ws.send(JSON.stringify({ t: 'call', id: c.nextId(), method: 'train/stop', params: {} }));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('random JSON and random bytes as messages: no crash; the connection keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (v) => {
        c.ws.send(JSON.stringify(v));
        expect(await c.alive()).toBe('result');
      }),
      { seed: SEED, numRuns: 100 },
    );
    const magic = new Uint8Array([0x4e, 0x4c, 0x46, 0x31]); // the codec's binary prefix, to get past it
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([...magic.slice().reverse(), ...b])),
      fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([...magic, ...b])),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (b) => {
        c.ws.send(b);
        expect(await c.alive()).toBe('result');
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('random chunk sequences: each is put together or closes only its own connection (4008/4009)', async () => {
    const chunk = fc.record({
      id: fc.integer({ min: 0, max: 3 }),
      index: fc.integer({ min: 0, max: 3 }),
      count: fc.integer({ min: 0, max: 4 }),
      total: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.constantFrom(2 ** 31 + 1, 1.5, -1, NaN, 2 ** 53)),
      text: fc.boolean(),
      payload: fc.uint8Array({ maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { minLength: 1, maxLength: 5 }), async (seq) => {
        const b = await bareClient(s);
        let code: number | null = null;
        b.ws.on('close', (c) => (code = c));
        for (const { payload, ...h } of seq) b.ws.send(chunkMessage(h, payload));
        // What the sequence deserves (the unit-tested reassembler as the oracle): closed with its code when it
        // breaks the rules, else still serving (a sequence that is only unfinished, or was put together).
        let expected: number | null = null;
        try {
          const r = new Reassembler();
          for (const { payload, ...h } of seq) r.push(chunkMessage(h, payload));
        } catch (err) {
          expected = (err as ChunkError).closeCode;
        }
        const id = b.nextId();
        b.ws.send(JSON.stringify({ t: 'call', id, method: 'engine/info', params: {} }));
        await until(() => code !== null || b.answers.get(id)?.t === 'result', { ms: 30_000, what: 'an outcome' });
        expect(code).toBe(expected);
        if (expected !== null) expect([CLOSE_BAD_CHUNK, CLOSE_TOO_BIG]).toContain(code);
        b.ws.close();
        expect(await c.alive()).toBe('result');
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('random bytes straight onto the TCP stream after the handshake: only that connection suffers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (b) => {
        const raw = await rawSocket(s);
        raw.socket.write(b);
        expect(await c.alive()).toBe('result');
        raw.socket.destroy();
      }),
      { seed: SEED, numRuns: 30 },
    );
    expect(s.proc.exitCode).toBeNull();
  });
});
