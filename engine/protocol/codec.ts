// Byte encoding of frames for byte-stream transports (WebSocket). Typed arrays never become JSON number
// arrays: they are cut out of the message, replaced by a small placeholder, and appended as raw bytes.
//
// Layout of a binary frame (little-endian):
//   [u32 magic 'NLF1'] [u32 headerBytes] [header: UTF-8 JSON] [pad to 8] [attachment 0] [pad to 8] [attachment 1] ...
// Each attachment starts on an 8-byte boundary so the decoder can make Float32Array/Float64Array *views*
// over the received buffer without copying. A frame without typed arrays is sent as a plain JSON text
// message, which keeps simple clients (the status page, a debugging `wscat`) trivial.
import type { Frame } from './frame';

const MAGIC = 0x31464c4e; // 'NLF1' read as little-endian u32
/** Placeholder key. User keys starting with `$nl` are escaped (see `escapeReplacer`), so nothing is ambiguous. */
const BIN = '$nlbin';
const ESC = '$nlesc';

type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

const CTORS = {
  f32: Float32Array,
  f64: Float64Array,
  i8: Int8Array,
  i16: Int16Array,
  i32: Int32Array,
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
  u16: Uint16Array,
  u32: Uint32Array,
} as const;
type Kind = keyof typeof CTORS;

function kindOf(v: unknown): Kind | null {
  // Order matters only for Uint8ClampedArray vs Uint8Array, which are distinct classes.
  for (const k of Object.keys(CTORS) as Kind[]) if (v instanceof CTORS[k]) return k;
  return null;
}

/** True when `v` holds at least one typed array (decides text vs binary encoding). */
function hasBinary(v: unknown, depth = 0): boolean {
  if (depth > 64 || typeof v !== 'object' || v === null) return false;
  if (ArrayBuffer.isView(v)) return true;
  if (Array.isArray(v)) return v.some((x) => hasBinary(x, depth + 1));
  return Object.values(v).some((x) => hasBinary(x, depth + 1));
}

/**
 * A frame's encoded bytes, laid out but not joined, so a large frame can be cut into chunks (chunks.ts)
 * without first building one buffer of its whole size: `text` frames are UTF-8 JSON, the others the binary
 * layout above. `read(dst, from)` copies bytes [from, from + dst.length) into `dst` (zeroed: padding is
 * not written).
 */
export interface FrameBytes {
  text: boolean;
  size: number;
  read(dst: Uint8Array, from: number): void;
}

/** Frame → string (no typed arrays) or ArrayBuffer (with typed arrays). */
export function encodeFrame(frame: Frame): string | ArrayBuffer {
  if (!hasBinary(frame)) return JSON.stringify(frame, escapeReplacer);
  const bytes = binaryLayout(frame);
  const buf = new ArrayBuffer(bytes.size);
  bytes.read(new Uint8Array(buf), 0);
  return buf;
}

/**
 * Frame → its message when it takes at most `limit` bytes, else its FrameBytes. Text is measured in UTF-8
 * bytes (what a WebSocket frame carries); a short string is never encoded just to be measured.
 */
export function encodeFrameWithin(frame: Frame, limit: number): string | ArrayBuffer | FrameBytes {
  if (hasBinary(frame)) {
    const bytes = binaryLayout(frame);
    if (bytes.size > limit) return bytes;
    const buf = new ArrayBuffer(bytes.size);
    bytes.read(new Uint8Array(buf), 0);
    return buf;
  }
  const text = JSON.stringify(frame, escapeReplacer);
  if (text.length * 3 <= limit) return text; // UTF-8 takes at most 3 bytes per UTF-16 unit
  const utf8 = new TextEncoder().encode(text);
  if (utf8.byteLength <= limit) return text;
  return { text: true, size: utf8.byteLength, read: (dst, from) => dst.set(utf8.subarray(from, from + dst.length)) };
}

/** The binary layout: the prefix and header, then each attachment at its 8-aligned offset. */
function binaryLayout(frame: Frame): FrameBytes {
  const parts: TypedArray[] = [];
  const header = JSON.stringify(frame, function (this: unknown, key: string, value: unknown) {
    // The holder's own value: JSON.stringify has already replaced a Node Buffer by its toJSON() object.
    const own = key === '' ? value : (this as Record<string, unknown>)[key];
    const kind = kindOf(own);
    if (kind) {
      parts.push(own as TypedArray);
      return { [BIN]: parts.length - 1, k: kind, n: (own as TypedArray).length };
    }
    return escapeReplacer(key, value);
  });
  const headerBytes = new TextEncoder().encode(header);
  const prefix = new Uint8Array(8 + headerBytes.length);
  const view = new DataView(prefix.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  prefix.set(headerBytes, 8);
  // Segments: [offset in the message, bytes]; the gaps between them are the zero padding.
  const segments: [number, Uint8Array][] = [[0, prefix]];
  let size = align8(prefix.length);
  for (const p of parts) {
    segments.push([size, new Uint8Array(p.buffer, p.byteOffset, p.byteLength)]);
    size = align8(size + p.byteLength);
  }
  return {
    text: false,
    size,
    read(dst, from) {
      const to = from + dst.length;
      for (const [at, seg] of segments) {
        const start = Math.max(at, from);
        const end = Math.min(at + seg.length, to);
        if (start < end) dst.set(seg.subarray(start - at, end - at), start - from);
      }
    },
  };
}

/**
 * string | ArrayBuffer | Uint8Array → the decoded message (still untrusted: the caller validates it).
 * Throws on bytes that are not a frame; the transport turns that into an E_BAD_FRAME reply.
 */
export function decodeFrame(data: string | ArrayBuffer | ArrayBufferView): unknown {
  if (typeof data === 'string') return JSON.parse(data, unescapeReviver);
  const u8 =
    data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (u8.byteLength < 8) throw new Error('binary frame shorter than its 8-byte prefix');
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('binary frame has a wrong magic number');
  const headerLen = view.getUint32(4, true);
  if (8 + headerLen > u8.byteLength) throw new Error('binary frame header runs past the end');
  const header = new TextDecoder('utf-8', { fatal: true }).decode(u8.subarray(8, 8 + headerLen));
  // Attachments are located by walking forward in order, exactly as the encoder laid them out.
  let cursor = align8(8 + headerLen);
  let expected = 0;
  // Views need an 8-aligned base; a Uint8Array handed in at an odd offset is copied once.
  const base = u8.byteOffset % 8 === 0 ? u8 : u8.slice();
  return JSON.parse(header, function (key: string, value: unknown) {
    if (isPlaceholder(value)) {
      const { [BIN]: index, k, n } = value;
      if (index !== expected++) throw new Error('binary attachments out of order');
      const Ctor = CTORS[k];
      const byteLen = n * Ctor.BYTES_PER_ELEMENT;
      if (cursor + byteLen > base.byteLength) throw new Error('binary attachment runs past the end');
      const arr = new Ctor(base.buffer as ArrayBuffer, base.byteOffset + cursor, n);
      cursor = align8(cursor + byteLen);
      return arr;
    }
    return unescapeReviver(key, value);
  });
}

function isPlaceholder(v: unknown): v is { [BIN]: number; k: Kind; n: number } {
  if (typeof v !== 'object' || v === null || !(BIN in v)) return false;
  const p = v as Record<string, unknown>;
  return (
    Number.isInteger(p[BIN]) && typeof p.k === 'string' && p.k in CTORS && Number.isInteger(p.n) && (p.n as number) >= 0
  );
}

// User keys that start with `$nl` get one `$nlesc` prefix on the way out and lose it on the way in, so a
// user object can never be mistaken for a placeholder (and no key is ever lost).
const RESERVED = '$nl';
function escapeReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return value;
  const keys = Object.keys(value);
  if (!keys.some((k) => k.startsWith(RESERVED))) return value;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k.startsWith(RESERVED) ? ESC + k : k] = (value as Record<string, unknown>)[k];
  return out;
}
function unescapeReviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return value;
  const keys = Object.keys(value);
  if (!keys.some((k) => k.startsWith(ESC))) return value;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k.startsWith(ESC) ? k.slice(ESC.length) : k] = (value as Record<string, unknown>)[k];
  return out;
}

const align8 = (n: number) => (n + 7) & ~7;
