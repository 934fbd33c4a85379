// Messages larger than one WebSocket frame may be (the server's per-frame limit) travel as a sequence of
// binary chunk messages and are put back together on the other side, in both directions. Small messages
// are sent as they always were.
//
// A chunk (little-endian), payload 8-aligned:
//   [u32 magic 'NLC1'] [u32 transfer id] [u32 index] [u32 count] [f64 total bytes] [u32 kind] [u32 0] [payload]
// kind 1: the whole is a binary codec frame; kind 2: UTF-8 JSON text. A sender numbers its transfers 1, 2, …
// and sends every chunk of one transfer before anything else (one synchronous loop), so a receiver holds at
// most one transfer per connection; anything else is a broken or hostile peer, and costs it its connection.
import type { FrameBytes } from './codec';

/** What a message larger than this is cut into: 16 MiB, half the server's per-frame limit. */
export const CHUNK_BYTES = 16 * 1024 * 1024;
/**
 * The largest message a receiver puts back together: 2 GiB. A VGG-11 project with its optimizer state
 * (`project/save`'s result, `train/start {resume}`) is about 1.1 GB, the largest legitimate message.
 */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024 * 1024;

const MAGIC = 0x31434c4e; // 'NLC1' read as little-endian u32
export const CHUNK_HEADER_BYTES = 32;
const BINARY = 1;
const TEXT = 2;

/** WebSocket close codes (the private range: browsers let a page send only 1000 and 3000–4999). */
export const CLOSE_BAD_CHUNK = 4008; // mirrors 1008, policy violation
export const CLOSE_TOO_BIG = 4009; // mirrors 1009, message too big

/** A chunk sequence that cannot be put back together; the connection that sent it is closed with `closeCode`. */
export class ChunkError extends Error {
  constructor(
    readonly code: 'E_BAD_CHUNK' | 'E_MESSAGE_TOO_BIG',
    message: string,
  ) {
    super(message);
    this.name = 'ChunkError';
  }
  get closeCode(): number {
    return this.code === 'E_MESSAGE_TOO_BIG' ? CLOSE_TOO_BIG : CLOSE_BAD_CHUNK;
  }
}

/** True when a received binary message is a chunk (not a codec frame). */
export function isChunk(data: ArrayBuffer): boolean {
  return data.byteLength >= 4 && new DataView(data).getUint32(0, true) === MAGIC;
}

export interface ChunkHeader {
  id: number;
  index: number;
  count: number;
  total: number;
  text: boolean;
}

/** One chunk message: the header and `payload`. Exported for tests that build broken sequences. */
export function chunkMessage(h: ChunkHeader, payload: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(CHUNK_HEADER_BYTES + payload.length);
  writeHeader(buf, h);
  new Uint8Array(buf, CHUNK_HEADER_BYTES).set(payload);
  return buf;
}

function writeHeader(buf: ArrayBuffer, h: ChunkHeader) {
  const v = new DataView(buf);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, h.id, true);
  v.setUint32(8, h.index, true);
  v.setUint32(12, h.count, true);
  v.setFloat64(16, h.total, true);
  v.setUint32(24, h.text ? TEXT : BINARY, true);
}

/**
 * The chunk messages of one encoded message, made one at a time: each copies only its own slice, so the
 * whole is never joined on the sending side either.
 */
export function* chunksOf(bytes: FrameBytes, id: number, chunkBytes = CHUNK_BYTES): Generator<ArrayBuffer> {
  const count = Math.ceil(bytes.size / chunkBytes);
  for (let index = 0; index < count; index++) {
    const from = index * chunkBytes;
    const len = Math.min(chunkBytes, bytes.size - from);
    const buf = new ArrayBuffer(CHUNK_HEADER_BYTES + len);
    writeHeader(buf, { id, index, count, total: bytes.size, text: bytes.text });
    bytes.read(new Uint8Array(buf, CHUNK_HEADER_BYTES, len), from);
    yield buf;
  }
}

interface Transfer {
  id: number;
  count: number;
  total: number;
  text: boolean;
  next: number;
  received: number;
  buf: Uint8Array;
}

/**
 * Puts chunk sequences back together for one connection. The whole message is allocated once, from the
 * announced total (checked against `maxBytes` first), and each chunk is copied into place: reassembly
 * holds the message once plus the chunk being copied. Any break in the sequence throws a ChunkError and
 * frees the partial message.
 */
export class Reassembler {
  private current: Transfer | null = null;
  private lastId = 0;

  constructor(private readonly maxBytes = MAX_MESSAGE_BYTES) {}

  /** The transfer in flight, if any (for tests and diagnostics). */
  inFlight(): { id: number; received: number; total: number } | null {
    const c = this.current;
    return c && { id: c.id, received: c.received, total: c.total };
  }

  /** Forget a partial transfer (the connection closed, or broke). */
  abort(): void {
    this.current = null;
  }

  /**
   * Takes one chunk; returns the whole message once its last chunk arrived (UTF-8 bytes when `text`, for the
   * caller to decode), else null.
   */
  push(data: ArrayBuffer): { text: boolean; bytes: Uint8Array } | null {
    try {
      return this.take(data);
    } catch (err) {
      this.current = null;
      throw err;
    }
  }

  private take(data: ArrayBuffer): { text: boolean; bytes: Uint8Array } | null {
    const bad = (m: string) => new ChunkError('E_BAD_CHUNK', m);
    if (data.byteLength < CHUNK_HEADER_BYTES) throw bad(`a chunk shorter than its ${CHUNK_HEADER_BYTES}-byte header`);
    const v = new DataView(data);
    const [id, index, count, total, kind] = [
      v.getUint32(4, true),
      v.getUint32(8, true),
      v.getUint32(12, true),
      v.getFloat64(16, true),
      v.getUint32(24, true),
    ];
    const payload = new Uint8Array(data, CHUNK_HEADER_BYTES);
    let t = this.current;
    if (index === 0) {
      if (t) throw bad(`transfer ${id} began before transfer ${t.id} finished`);
      if (id <= this.lastId) throw bad(`transfer ${id} already happened (the last one was ${this.lastId})`);
      if (kind !== BINARY && kind !== TEXT) throw bad(`transfer ${id} has an unknown kind ${kind}`);
      if (!Number.isSafeInteger(total) || total < 1) throw bad(`transfer ${id} announces ${total} bytes`);
      if (total > this.maxBytes)
        throw new ChunkError(
          'E_MESSAGE_TOO_BIG',
          `transfer ${id} announces ${total} bytes, over the ${this.maxBytes}-byte limit`,
        );
      if (count < 1 || count > total) throw bad(`transfer ${id} announces ${count} chunks for ${total} bytes`);
      let buf: Uint8Array;
      try {
        buf = new Uint8Array(total);
      } catch {
        throw new ChunkError('E_MESSAGE_TOO_BIG', `transfer ${id}: no memory for ${total} bytes`);
      }
      this.lastId = id;
      t = this.current = { id, count, total, text: kind === TEXT, next: 0, received: 0, buf };
    } else if (!t || t.id !== id) {
      throw bad(
        id <= this.lastId && (!t || id < t.id)
          ? `chunk ${index} of transfer ${id}, which already finished`
          : `chunk ${index} of transfer ${id}, which never began`,
      );
    }
    if (index !== t.next) throw bad(`chunk ${index} of transfer ${id} arrived where chunk ${t.next} was due`);
    if (count !== t.count || total !== t.total || kind !== (t.text ? TEXT : BINARY))
      throw bad(`chunk ${index} of transfer ${id} announces ${count} chunks of ${total} bytes, unlike chunk 0`);
    if (t.received + payload.length > t.total)
      throw bad(`transfer ${id} carries more than the ${t.total} bytes it announced`);
    t.buf.set(payload, t.received);
    t.received += payload.length;
    t.next++;
    if (t.next < t.count) {
      if (t.received === t.total) throw bad(`transfer ${id} is complete after ${t.next} of its ${t.count} chunks`);
      return null;
    }
    this.current = null;
    if (t.received !== t.total)
      throw bad(`transfer ${id} ended after ${t.count} chunks with ${t.received} of its ${t.total} bytes`);
    return { text: t.text, bytes: t.buf };
  }
}
