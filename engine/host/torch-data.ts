// What the torch runner reads, written once per run into its folder: the data parts as .npy files (images as the
// stored bytes, CHW; tables as float32), memory-mapped by numpy there. Written once, never batch by batch.
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset, Split } from '../data';

/** .npy (version 1.0) header + data for a C-order array: uint8, int32 or float32. */
function writeNpy(file: string, data: Uint8Array | Int32Array | Float32Array, shape: readonly number[]): void {
  const descr = data instanceof Uint8Array ? '|u1' : data instanceof Int32Array ? '<i4' : '<f4';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // the data starts 64-byte aligned
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, ...new TextEncoder().encode('NUMPY')]);
  head.set([1, 0, header.length & 0xff, header.length >> 8], 6);
  head.set(new TextEncoder().encode(header), 10);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, head);
    fs.writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } finally {
    fs.closeSync(fd);
  }
}

export interface PartFiles {
  x: string;
  y: string;
  n: number;
  shape: number[];
}

/** Writes train/validation/test into `dir`; the runner's config.json names the files. */
export function writeParts(ds: Dataset, dir: string): Record<string, PartFiles> {
  const parts: Record<string, PartFiles> = {};
  const each: [string, Split | undefined][] = [
    ['train', ds.train],
    ['validation', ds.validation],
    ['test', ds.test],
  ];
  for (const [name, s] of each) {
    if (!s) continue;
    const size = s.shape.reduce((a, b) => a * b, 1);
    writeNpy(path.join(dir, `${name}-x.npy`), s.x.subarray(0, s.n * size), [s.n, ...s.shape]);
    writeNpy(path.join(dir, `${name}-y.npy`), s.y.subarray(0, s.n), [s.n]);
    parts[name] = { x: `${name}-x.npy`, y: `${name}-y.npy`, n: s.n, shape: s.shape };
  }
  return parts;
}
