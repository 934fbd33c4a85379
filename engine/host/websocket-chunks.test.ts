// Messages larger than one WebSocket frame, through a real `startServer` and the real engine (its own child
// process, real tfjs, real Fashion-MNIST): with 1 MiB chunks and a per-frame limit of one chunk, a trained
// project of several MB is saved (engine→page), opened with `project/open` and resumed with `train/start {resume}`
// (page→engine) and predicts identically; a debug snapshot event larger than the server's chunks reaches the
// client. The small sizes keep the data small; the real sizes are exercised by websocket-big.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { encodeFrame } from '../protocol';
import type { Client, EventPayload, Params } from '../protocol';
import { until } from '../protocol/testing/until';
import { loadTemplate } from '../../templates';
import { parseDocument } from '../core';
import type { NetworkDoc } from '../core';
import { startServer } from './server';
import type { RunningServer } from './server';
import { connectSocket } from './websocket-testing';

const MiB = 1024 * 1024;
const CLIENT_CHUNK = MiB;
const SERVER_CHUNK = 4096;
const CHUNK_MAGIC = 0x31434c4e; // 'NLC1' (chunks.ts)

// The MLP with a 1024-unit hidden layer: 814k parameters, a project of several MB with SGD momentum buffers.
const doc = structuredClone(loadTemplate('mlp')) as NetworkDoc & {
  root: { children: { params: { units: number } }[] };
};
doc.root.children[0].params.units = 1024;
const config = (extra: Partial<Params<'train/start'>> = {}): Params<'train/start'> => ({
  doc,
  data: { source: 'fashion-mnist', limit: 100 },
  epochs: 2,
  batchSize: 10,
  lr: 0.05,
  optimizer: 'sgd',
  momentum: 0.9,
  seed: 3,
  // One backend on every machine: what is tested here is the transport, not the automatic choice.
  backend: 'wasm',
  ...extra,
});
const sample = { dataset: { source: 'fashion-mnist', limit: 100 }, split: 'test' as const, indices: [0, 1, 2, 3, 4] };

/** Counts the chunk messages a `ws` socket sends and receives. */
function watch(ws: WebSocket) {
  const seen = { sent: 0, received: 0 };
  const isChunk = (d: ArrayBuffer | Buffer | string) =>
    typeof d !== 'string' &&
    d.byteLength >= 4 &&
    new DataView(d instanceof ArrayBuffer ? d : d.buffer, d instanceof ArrayBuffer ? 0 : d.byteOffset).getUint32(
      0,
      true,
    ) === CHUNK_MAGIC;
  const send = ws.send.bind(ws) as (d: ArrayBuffer | string) => void;
  (ws as unknown as { send: (d: ArrayBuffer | string) => void }).send = (d) => {
    if (isChunk(d)) seen.sent++;
    send(d);
  };
  ws.on('message', (d: ArrayBuffer) => {
    if (isChunk(d)) seen.received++;
  });
  return seen;
}

describe('messages larger than a frame travel in chunks', () => {
  let s: RunningServer;
  let client: Client;
  let seen: { sent: number; received: number };
  beforeAll(async () => {
    s = await startServer({
      engineOnly: true,
      transfer: { chunkBytes: SERVER_CHUNK },
      // One client chunk and its header fit; an unchunked project would be refused (close 1009).
      maxFrameBytes: CLIENT_CHUNK + 64,
      log: () => {},
    });
    const c = await connectSocket({ ...s, origin: '' }, { chunkBytes: CLIENT_CHUNK });
    client = c.client;
    seen = watch(c.ws);
  });
  afterAll(async () => {
    client?.close();
    await s?.close();
  });

  it('a trained project of several chunks saves, opens and resumes with identical predictions', async () => {
    const { runId } = await client.call('train/start', config({ pauseAtStep: 4 }));
    await until(async () => (await client.call('train/attach')).run?.state === 'paused', {
      what: 'the run to pause',
      ms: 180_000,
      everyMs: 50,
    });
    const before = await client.call('predict/run', { runId, input: sample });

    const received = seen.received;
    const saved = await client.call('project/save', { doc, runId });
    expect(saved.bytes.byteLength).toBeGreaterThan(2 * CLIENT_CHUNK);
    expect(seen.received - received).toBeGreaterThanOrEqual(saved.bytes.byteLength / SERVER_CHUNK);
    await client.call('train/stop', { runId });

    const sent = seen.sent;
    const opened = await client.call('project/open', { bytes: saved.bytes });
    expect(seen.sent - sent).toBe(Math.ceil(encodedSize({ bytes: saved.bytes }) / CLIENT_CHUNK));
    expect(opened.doc).toEqual(parseDocument(doc).doc);
    expect(opened.trained).toEqual(saved.trained);
    expect(opened.trained).toMatchObject({ step: 4, resumable: true });

    const resumed = await client.call('train/start', config({ resume: saved.bytes, startPaused: true }));
    expect(await client.call('train/pause', { runId: resumed.runId })).toMatchObject({ step: 4 });
    const after = await client.call('predict/run', { runId: resumed.runId, input: sample });
    expect(after.probs).toEqual(before.probs);
    await client.call('train/stop', { runId: resumed.runId });
  }, 300_000);

  it('an event larger than the server’s chunk size reaches the client (engine→page)', async () => {
    const snaps: EventPayload<'debug/activations'>[] = [];
    const off = client.on('debug/activations', (e) => snaps.push(e));
    const { runId } = await client.call('train/start', config({ startPaused: true }));
    await client.call('debug/subscribe', { blocks: ['hidden'], kinds: ['activation'], maxValues: 1 << 16 });
    const received = seen.received;
    await client.call('train/step', { runId, batches: 1 });
    await until(() => snaps.length > 0, { what: 'the snapshot event', ms: 120_000 });
    const size = (encodeFrame({ t: 'event', event: 'debug/activations', payload: snaps[0] }) as ArrayBuffer).byteLength;
    expect(size).toBeGreaterThan(2 * SERVER_CHUNK);
    expect(seen.received - received).toBeGreaterThanOrEqual(size / SERVER_CHUNK);
    const hidden = snaps[0].blocks.find((b) => b.path === 'hidden')!;
    expect(hidden.shape).toEqual([8, 1024]);
    expect(hidden.data).toBeInstanceOf(Float32Array);
    expect(hidden.data.length).toBe(8 * 1024);
    off();
    await client.call('train/stop', { runId });
  }, 300_000);
});

/** The encoded size of a `project/open` call with these params (what the client cuts into chunks). */
function encodedSize(params: Params<'project/open'>): number {
  return (encodeFrame({ t: 'call', id: 0, method: 'project/open', params }) as ArrayBuffer).byteLength;
}
