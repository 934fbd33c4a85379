// What the torch runner reads: config.json's `data`, the files engine/data resolved and how it drew the parts from
// them, so engine/runtime/torch/data.py reads the same samples itself (IDX from the same cache or system folder,
// CSV with Python's csv module) and nothing is copied through Node. Image folders are the exception: Node's
// decoders (pngjs, jpeg-js) and its resize-at-load are not what PIL gives bit for bit, so their decoded bytes are
// written once per run as .npy parts (memory-mapped there), never batch by batch.
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

const PARTS = ['train', 'validation', 'test'] as const;

/** Writes train/validation/test into `dir` as .npy files (the image-folder path); config.json names them. */
export function writeParts(ds: Dataset, dir: string): Record<string, PartFiles> {
  const parts: Record<string, PartFiles> = {};
  for (const name of PARTS) {
    const s: Split | undefined = ds[name];
    if (!s) continue;
    const size = s.shape.reduce((a, b) => a * b, 1);
    writeNpy(path.join(dir, `${name}-x.npy`), s.x.subarray(0, s.n * size), [s.n, ...s.shape]);
    writeNpy(path.join(dir, `${name}-y.npy`), s.y.subarray(0, s.n), [s.n]);
    parts[name] = { x: `${name}-x.npy`, y: `${name}-y.npy`, n: s.n, shape: s.shape };
  }
  return parts;
}

/** config.json's `data` for the runner (engine/runtime/torch/data.py documents the forms). */
export function dataConfig(ds: Dataset, dir: string): Record<string, unknown> {
  const counts = Object.fromEntries(PARTS.flatMap((p) => (ds[p] ? [[p, ds[p].n]] : [])));
  const { drawn } = ds;
  if (ds.source.kind === 'builtin' && drawn?.files) return { kind: 'idx', files: drawn.files, draw: drawn, counts };
  if (ds.source.kind === 'csv' && drawn?.labelColumn) {
    const delimiter = /\.tsv$/i.test(ds.source.path) ? '\t' : ',';
    return {
      kind: 'csv',
      file: ds.source.path,
      delimiter,
      labelColumn: drawn.labelColumn,
      classes: ds.classes,
      draw: drawn,
      counts,
    };
  }
  return { kind: 'npy', parts: writeParts(ds, dir) };
}
