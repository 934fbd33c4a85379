// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length,
// a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}` padded
// with spaces to a multiple of 8, then the raw little-endian tensor bytes, in header order. Written as a stream
// of chunks (the tensors' own bytes, never copied), so saving VGG-11 does not hold a second copy of its weights.
import { floatBytes, type Tensor } from '../layout';

export class SafetensorsError extends Error {
  readonly code = 'E_SAFETENSORS';
}

/** The header and then each tensor's bytes (views of the tensors' memory), ready to stream into a file or zip. */
export function* safetensorsChunks(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Generator<Uint8Array> {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (t.data.length !== t.shape.reduce((a, b) => a * b, 1))
      throw new SafetensorsError(`"${name}" has ${t.data.length} values for shape (${t.shape.join(', ')})`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // keeps the data 8-byte aligned (ASCII: length = bytes)
  const text = new TextEncoder().encode(json);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(text.length), true);
  yield len;
  yield text;
  for (const name of names) yield floatBytes(tensors[name].data);
}

/** One buffer with the whole file (small tensors, tests). */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const chunks = [...safetensorsChunks(tensors, metadata)];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Parses a safetensors file; float32 tensors only (what Netloom writes). Values are copied into aligned arrays. */
export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
} {
  const bad = (why: string) => new SafetensorsError(`not a valid safetensors file: ${why}`);
  if (bytes.length < 8) throw bad('shorter than its 8-byte header length');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length) throw bad(`the header claims ${n} bytes but the file has ${bytes.length - 8}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw bad(`the header is not JSON (${(e as Error).message})`);
  }
  const data = bytes.subarray(8 + n);
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = h as unknown as Record<string, string>;
      continue;
    }
    if (h.dtype !== 'F32') throw bad(`"${name}" is ${h.dtype}; Netloom reads F32 tensors`);
    const [begin, end] = h.data_offsets;
    const count = h.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4 || end > data.length)
      throw bad(`"${name}" has bytes ${begin}..${end} for shape (${h.shape.join(', ')}) in ${data.length} bytes`);
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(data.subarray(begin, end));
    tensors[name] = { shape: h.shape, data: out };
  }
  return { tensors, metadata };
}
