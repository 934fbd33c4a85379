// Test helpers (not a test file): temp folders, generated IDX sets, PNG/JPEG writers. Generated data is
// deterministic so failures reproduce.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { encodeIdx } from './idx';
import { mulberry32 } from './transforms';

export async function tempDir(prefix = 'netloom-data-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** n images of h×w with pixel (i, r, c) = (i + r + c) % 256, and labels i % classes. */
export function idxPair(n: number, h = 28, w = 28, classes = 10): { images: Uint8Array; labels: Uint8Array } {
  const px = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) px[(i * h + r) * w + c] = (i + r + c) % 256;
  const lab = Uint8Array.from({ length: n }, (_, i) => i % classes);
  return { images: encodeIdx('images', [n, h, w], px), labels: encodeIdx('labels', [n], lab) };
}

/** The four official file contents of a small generated IDX data set (gzipped like the official ones). */
export function idxSetFiles(nTrain = 50, nTest = 20, gz = true): Record<string, Uint8Array> {
  const tr = idxPair(nTrain);
  const te = idxPair(nTest);
  const z = (b: Uint8Array) => (gz ? new Uint8Array(gzipSync(b)) : b);
  const suffix = gz ? '.gz' : '';
  return {
    [`train-images-idx3-ubyte${suffix}`]: z(tr.images),
    [`train-labels-idx1-ubyte${suffix}`]: z(tr.labels),
    [`t10k-images-idx3-ubyte${suffix}`]: z(te.images),
    [`t10k-labels-idx1-ubyte${suffix}`]: z(te.labels),
  };
}

export async function writeFiles(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, data]) => writeFile(path.join(dir, name), data)));
}

/** An RGBA buffer: grey when `gray`, otherwise distinct colour channels; deterministic per seed. */
export function rgbaImage(w: number, h: number, seed: number, gray: boolean): Uint8Array {
  const rand = mulberry32(seed);
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const v = Math.floor(rand() * 256);
    data[i * 4] = v;
    data[i * 4 + 1] = gray ? v : 255 - v;
    data[i * 4 + 2] = gray ? v : (v * 7) % 256;
    data[i * 4 + 3] = 255;
  }
  return data;
}

export function pngBytes(w: number, h: number, rgba: Uint8Array): Uint8Array {
  const png = new PNG({ width: w, height: h });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png));
}

export function jpegBytes(w: number, h: number, rgba: Uint8Array, quality = 90): Uint8Array {
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: Buffer.from(rgba) }, quality).data);
}
