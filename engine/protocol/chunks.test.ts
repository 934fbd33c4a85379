// Chunking in isolation: the pieces put back together are the bytes encodeFrame makes (binary and UTF-8 text,
// with characters split across chunks), and every broken sequence is refused with its code, freeing the
// partial message. The same sequences over a real socket: engine/host/websocket-frames.test.ts.
import { describe, expect, it } from 'vitest';
import { CHUNK_HEADER_BYTES, ChunkError, Reassembler, chunkMessage, chunksOf } from './chunks';
import type { ChunkHeader } from './chunks';
import { decodeFrame, encodeFrame, encodeFrameWithin } from './codec';
import type { FrameBytes } from './codec';
import type { Frame } from './frame';

const bytesOf = (f: Frame, limit: number) => {
  const enc = encodeFrameWithin(f, limit);
  if (typeof enc === 'string' || enc instanceof ArrayBuffer) throw new Error('expected FrameBytes');
  return enc as FrameBytes;
};
/** Reassembles `chunks`, returning the whole once the last one arrived. */
const reassemble = (chunks: Iterable<ArrayBuffer>, r = new Reassembler()) => {
  let whole: ReturnType<Reassembler['push']> = null;
  for (const c of chunks) {
    expect(whole).toBeNull(); // nothing completes before the last chunk
    whole = r.push(c);
  }
  return whole!;
};

describe('chunks', () => {
  it('binary frames: the reassembled bytes are encodeFrame’s, attachments decode as views', () => {
    const f32 = Float32Array.from({ length: 1000 }, (_, i) => i / 7);
    const u8 = Uint8Array.from({ length: 333 }, (_, i) => i);
    const f: Frame = { t: 'call', id: 9, method: 'project/open', params: { bytes: u8, w: f32, $nlx: 1 } };
    const whole = encodeFrame(f) as ArrayBuffer;
    for (const size of [1, 7, 64, 1000, whole.byteLength - 1]) {
      const bytes = bytesOf(f, size);
      expect(bytes.size).toBe(whole.byteLength);
      const chunks = [...chunksOf(bytes, 1, size)];
      expect(chunks).toHaveLength(Math.ceil(whole.byteLength / size));
      const got = reassemble(chunks);
      expect(got.text).toBe(false);
      expect(got.bytes).toEqual(new Uint8Array(whole));
      const dec = decodeFrame(got.bytes.buffer as ArrayBuffer) as { params: { w: Float32Array; $nlx: number } };
      expect(dec.params.w).toEqual(f32);
      expect(dec.params.$nlx).toBe(1);
    }
    expect(encodeFrameWithin(f, whole.byteLength)).toBeInstanceOf(ArrayBuffer); // fits: one message, unchanged
  });

  it('text frames: UTF-8 split anywhere, even inside a character, comes back whole', () => {
    const f: Frame = { t: 'event', event: 'engine/log', payload: { message: 'Gewichte ✓ 🧠 '.repeat(50) } };
    const text = encodeFrame(f) as string;
    const utf8 = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 5, 100]) {
      const got = reassemble(chunksOf(bytesOf(f, size), 1, size));
      expect(got.text).toBe(true);
      expect(got.bytes).toEqual(utf8);
    }
    expect(encodeFrameWithin(f, utf8.byteLength)).toBe(text);
  });

  it('keeps transfers apart: ids increase, one at a time, each allocated once', () => {
    const r = new Reassembler();
    const f = (n: number): Frame => ({ t: 'result', id: n, result: new Uint8Array(100).fill(n) });
    for (const id of [1, 2, 5]) {
      const chunks = [...chunksOf(bytesOf(f(id), 40), id, 40)];
      r.push(chunks[0]);
      expect(r.inFlight()).toEqual({ id, received: 40, total: bytesOf(f(id), 40).size });
      const got = reassemble(chunks.slice(1), r);
      expect((decodeFrame(got.bytes.buffer as ArrayBuffer) as { id: number }).id).toBe(id);
      expect(r.inFlight()).toBeNull();
    }
  });

  const h = (o: Partial<ChunkHeader> = {}): ChunkHeader => ({ id: 1, index: 0, count: 2, total: 20, text: true, ...o });
  const ten = new Uint8Array(10);
  // [what, the chunks, the code, the message]
  const BROKEN: [string, ArrayBuffer[], string, RegExp][] = [
    ['a chunk shorter than its header', [new ArrayBuffer(CHUNK_HEADER_BYTES - 1)], 'E_BAD_CHUNK', /shorter/],
    [
      'wrong order',
      [chunkMessage(h({ count: 3, total: 30 }), ten), chunkMessage(h({ index: 2, count: 3, total: 30 }), ten)],
      'E_BAD_CHUNK',
      /chunk 2 of transfer 1 arrived where chunk 1 was due/,
    ],
    [
      'an unknown transfer id',
      [chunkMessage(h({ id: 7, index: 1 }), ten)],
      'E_BAD_CHUNK',
      /transfer 7, which never began/,
    ],
    [
      'another transfer’s chunk mid-transfer',
      [chunkMessage(h(), ten), chunkMessage(h({ id: 2, index: 1 }), ten)],
      'E_BAD_CHUNK',
      /never began/,
    ],
    [
      'a new transfer before the last finished',
      [chunkMessage(h(), ten), chunkMessage(h({ id: 2 }), ten)],
      'E_BAD_CHUNK',
      /transfer 2 began before transfer 1 finished/,
    ],
    [
      'a total over the limit',
      [chunkMessage(h({ total: 2 ** 31 + 1 }), ten)],
      'E_MESSAGE_TOO_BIG',
      /2147483649 bytes, over the 2147483648-byte limit/,
    ],
    ['a total that is not a size', [chunkMessage(h({ total: 1.5 }), ten)], 'E_BAD_CHUNK', /announces 1.5 bytes/],
    ['more chunks than bytes', [chunkMessage(h({ count: 21 }), ten)], 'E_BAD_CHUNK', /21 chunks for 20 bytes/],
    [
      'a count that changes',
      [chunkMessage(h({ count: 3 }), ten), chunkMessage(h({ index: 1 }), ten)],
      'E_BAD_CHUNK',
      /unlike chunk 0/,
    ],
    [
      'all bytes before the last chunk',
      [chunkMessage(h({ count: 3 }), ten), chunkMessage(h({ index: 1, count: 3 }), ten)],
      'E_BAD_CHUNK',
      /complete after 2 of its 3 chunks/,
    ],
    [
      'too few bytes in the last chunk',
      [chunkMessage(h(), ten), chunkMessage(h({ index: 1 }), new Uint8Array(9))],
      'E_BAD_CHUNK',
      /ended after 2 chunks with 19 of its 20 bytes/,
    ],
    ['more bytes than announced', [chunkMessage(h(), new Uint8Array(21))], 'E_BAD_CHUNK', /more than the 20 bytes/],
    [
      'a chunk for a finished transfer',
      [chunkMessage(h(), ten), chunkMessage(h({ index: 1 }), ten), chunkMessage(h({ index: 1 }), ten)],
      'E_BAD_CHUNK',
      /transfer 1, which already finished/,
    ],
    [
      'a transfer id used again',
      [chunkMessage(h(), ten), chunkMessage(h({ index: 1 }), ten), chunkMessage(h(), ten)],
      'E_BAD_CHUNK',
      /transfer 1 already happened/,
    ],
  ];
  it.each(BROKEN)('refuses %s, and forgets the partial message', (_what, chunks, code, message) => {
    const r = new Reassembler();
    let err: unknown;
    try {
      for (const c of chunks) r.push(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChunkError);
    expect(err).toMatchObject({ code, message: expect.stringMatching(message) });
    expect((err as ChunkError).closeCode).toBe(code === 'E_MESSAGE_TOO_BIG' ? 4009 : 4008);
    expect(r.inFlight()).toBeNull();
  });
});
