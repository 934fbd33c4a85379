// IDX reader (the MNIST / Fashion-MNIST file format): big-endian header `00 00 <type> <ndims>`, ndims
// uint32 sizes, then the raw values. Files may be gzipped; we detect that by the 1f 8b magic bytes and not
// by the name, because people gunzip files and keep the name, or download them without the suffix.
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from './errors';

const gunzipAsync = promisify(gunzip);

/** Magic numbers of the two IDX files a classification set needs (type 0x08 = unsigned byte). */
export const IDX_MAGIC = { images: 0x00000803, labels: 0x00000801 } as const;
export type IdxKind = keyof typeof IDX_MAGIC;

export interface IdxArray {
  dims: number[];
  /** A view on the decoded file (no copy): prod(dims) unsigned bytes. */
  data: Uint8Array;
}

const hex = (n: number) => '0x' + (n >>> 0).toString(16).padStart(8, '0');

/** True when the bytes start with the gzip magic 1f 8b. */
export const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Validates an IDX header against the expected kind and the exact byte length, then returns a view.
 * e.g. `parseIdx(bytes, 'train-labels-idx1-ubyte', 'labels').dims` → `[60000]`.
 */
export function parseIdx(bytes: Uint8Array, file: string, kind: IdxKind): IdxArray {
  if (bytes.length < 4)
    throw new DataError(
      'E_DATA_TRUNCATED',
      `IDX file is ${bytes.length} bytes, shorter than its 4-byte magic number`,
      file,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const want = IDX_MAGIC[kind];
  if (magic !== want) {
    const other: IdxKind = kind === 'images' ? 'labels' : 'images';
    const hint = magic === IDX_MAGIC[other] ? ` (this is an IDX ${other} file)` : '';
    throw new DataError('E_DATA_MAGIC', `expected IDX ${kind} magic ${hex(want)}, found ${hex(magic)}${hint}`, file);
  }
  const ndims = bytes[3];
  const wantDims = kind === 'images' ? 3 : 1; // the magic's last byte already encodes this; checked for clarity
  if (ndims !== wantDims)
    throw new DataError('E_DATA_FORMAT', `IDX ${kind} must have ${wantDims} dims, header says ${ndims}`, file);
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen)
    throw new DataError('E_DATA_TRUNCATED', `IDX header needs ${headerLen} bytes, file has ${bytes.length}`, file);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  if (dims.slice(1).some((d) => d === 0))
    throw new DataError('E_DATA_FORMAT', `IDX sample dims must be positive, got [${dims.join(', ')}]`, file);
  const size = dims.reduce((a, b) => a * b, 1);
  const expected = headerLen + size;
  if (bytes.length < expected) {
    throw new DataError(
      'E_DATA_TRUNCATED',
      `IDX file is truncated: header [${dims.join(', ')}] needs ${expected} bytes, file has ${bytes.length}`,
      file,
    );
  }
  if (bytes.length > expected) {
    throw new DataError(
      'E_DATA_FORMAT',
      `IDX file has ${bytes.length - expected} unexpected trailing bytes after ${expected}`,
      file,
    );
  }
  return { dims, data: bytes.subarray(headerLen, expected) };
}

/** Reads a file and gunzips it when it starts with 1f 8b; zlib failures become DataErrors naming the file. */
export async function readMaybeGzip(file: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError('E_DATA_NOT_FOUND', 'file not found', file, { cause: e });
    throw new DataError('E_DATA_FORMAT', `cannot read file (${code ?? String(e)})`, file, { cause: e });
  }
  if (!isGzip(raw)) return raw;
  try {
    // Async gunzip runs on libuv's pool, so a 47 MB decode does not freeze the engine host's event loop.
    return await gunzipAsync(raw);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg = err.message ?? String(e);
    if (err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(msg)) {
      throw new DataError('E_DATA_TRUNCATED', `gzip stream is truncated (${msg})`, file, { cause: e });
    }
    if (/incorrect (data|length) check/i.test(msg)) {
      throw new DataError('E_DATA_CHECKSUM', `gzip checksum failed, the file is corrupt (${msg})`, file, { cause: e });
    }
    throw new DataError('E_DATA_DECODE', `cannot gunzip (${msg})`, file, { cause: e });
  }
}

/** Reads and validates one IDX file (gzipped or not). */
export async function readIdxFile(file: string, kind: IdxKind): Promise<IdxArray> {
  return parseIdx(await readMaybeGzip(file), file, kind);
}

export interface IdxSamples {
  /** n samples of `shape` each, raw bytes (0..255), CHW with C = 1. */
  x: Uint8Array;
  y: Int32Array;
  n: number;
  shape: number[];
}

/**
 * Reads an images file and its labels file, checks that they agree, and that every label is < numClasses.
 * e.g. `await readIdxPair('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 10)`.
 */
export async function readIdxPair(imagesFile: string, labelsFile: string, numClasses: number): Promise<IdxSamples> {
  const [images, labels] = await Promise.all([readIdxFile(imagesFile, 'images'), readIdxFile(labelsFile, 'labels')]);
  const n = images.dims[0];
  if (labels.dims[0] !== n) {
    throw new DataError(
      'E_DATA_COUNT_MISMATCH',
      `${imagesFile} has ${n} images but ${labelsFile} has ${labels.dims[0]} labels`,
      imagesFile,
    );
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels.data[i];
    if (v >= numClasses)
      throw new DataError('E_DATA_FORMAT', `label ${v} at index ${i} is outside 0..${numClasses - 1}`, labelsFile);
    y[i] = v;
  }
  return { x: images.data, y, n, shape: [1, images.dims[1], images.dims[2]] };
}

/** Encodes an IDX file (used by tests and by tools that write small data sets). */
export function encodeIdx(kind: IdxKind, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (IDX_MAGIC[kind] & ~0xff) | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
