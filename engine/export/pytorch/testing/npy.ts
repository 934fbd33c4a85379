// NumPy's .npy format for float32 arrays (version 1.0): what `python3 model.py --input/--output` read and write.
const MAGIC = '\x93NUMPY';

/** A C-order little-endian float32 array as .npy bytes. */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // the data starts 64-byte aligned
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([...MAGIC].map((c) => c.charCodeAt(0)));
  out.set([1, 0, header.length & 0xff, header.length >> 8], 6);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** A float32 .npy file (as numpy.save writes it) → its values and shape. */
export function decodeNpy(bytes: Uint8Array): { data: Float32Array; shape: number[] } {
  const text = (a: number, b: number) => new TextDecoder('latin1').decode(bytes.subarray(a, b));
  if (text(0, 6) !== MAGIC) throw new Error('not a .npy file');
  const major = bytes[6];
  const len =
    major === 1 ? bytes[8] | (bytes[9] << 8) : new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
  const start = major === 1 ? 10 : 12;
  const header = text(start, start + len);
  if (!/'descr': '<f4'/.test(header) || /'fortran_order': True/.test(header))
    throw new Error(`not C-order float32: ${header}`);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const body = new Uint8Array(bytes.subarray(start + len)); // a copy: a Node Buffer's slice is a view into a pool
  return { data: new Float32Array(body.buffer, 0, body.byteLength / 4), shape };
}
