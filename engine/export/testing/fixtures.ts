// Test helpers (not tests): real Fashion-MNIST test images shaped for any network input, and a template trained
// a few steps (so exported weights are not initial values, and BatchNorm's running statistics have moved).
// engine/export may not import engine/data, so the IDX files are read here directly (they are tiny to parse).
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { inferNetwork, type InferResult } from '../../core';
import { Model, Optimizer, trainStep } from '../../runtime';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const haveFashion = () => fs.existsSync(`${FASHION_DIR}/t10k-images-idx3-ubyte.gz`);

let cache: { images: Uint8Array; labels: Uint8Array } | null = null;
function fashionTest() {
  if (!cache) {
    const images = gunzipSync(fs.readFileSync(`${FASHION_DIR}/t10k-images-idx3-ubyte.gz`));
    const labels = gunzipSync(fs.readFileSync(`${FASHION_DIR}/t10k-labels-idx1-ubyte.gz`));
    cache = { images: new Uint8Array(images.subarray(16)), labels: new Uint8Array(labels.subarray(8)) };
  }
  return cache;
}

/**
 * `n` real Fashion-MNIST test images (from `offset`) in the layout a network takes: (N, C, H, W) with the
 * 28×28 image resized (nearest) to H×W and repeated over C, or (N, F) with the image's first F pixels
 * (repeated if F > 784). Values in [0, 1]; labels are the real ones.
 */
export function fashionBatch(shape: number[], n: number, offset = 0): { x: Float32Array; y: Int32Array } {
  const { images, labels } = fashionTest();
  const per = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const img = images.subarray((offset + i) * 784, (offset + i + 1) * 784);
    y[i] = labels[offset + i];
    if (shape.length === 3) {
      const [c, h, w] = shape;
      for (let ch = 0; ch < c; ch++)
        for (let r = 0; r < h; r++)
          for (let q = 0; q < w; q++)
            x[i * per + (ch * h + r) * w + q] = img[Math.floor((r * 28) / h) * 28 + Math.floor((q * 28) / w)] / 255;
    } else for (let f = 0; f < per; f++) x[i * per + f] = img[f % 784] / 255;
  }
  return { x, y };
}

/** A network compiled from `doc` and trained `steps` SGD steps on a batch of `batch` real images. */
export async function trainedModel(
  doc: unknown,
  { steps = 2, batch = 8 } = {},
): Promise<{ net: InferResult; model: Model; losses: number[] }> {
  const net = inferNetwork(doc);
  if (net.errors.length) throw new Error(`${net.name}: ${net.errors.map((e) => e.code).join(', ')}`);
  const model = new Model(net, 7);
  const t = (doc as { training?: { lr?: number; momentum?: number } }).training;
  // Small steps: enough to move every weight and BatchNorm statistic, never enough to diverge.
  const opt = new Optimizer({ type: 'sgd', lr: Math.min(t?.lr ?? 0.05, 0.05), momentum: t?.momentum ?? 0.9 });
  const { x, y } = fashionBatch(net.input, batch, 100);
  const classes = net.output?.[0] ?? 10;
  for (let i = 0; i < y.length; i++) y[i] %= classes;
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push((await trainStep(model, opt, x, y, batch)).loss);
  opt.dispose();
  return { net, model, losses };
}

/** Largest per-element |a − b| over two equally long arrays (Infinity when either holds a NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    m = Math.max(m, d);
  }
  return m;
}

/**
 * Largest per-element |a − b| over two equally long arrays, divided by the scale of `b` (its largest magnitude, at
 * least 1): the tolerance for another engine (onnxruntime, PyTorch) that sums in its own order. Float32 rounding of a
 * sum is bounded by the size of what is summed, not by the result (a logit near 0 can be a difference of large
 * terms), so neither a bare |a − b| (custom-init's logits reach 6e6: 1.25 apart is 2e-7 of them) nor a per-element
 * relative form is right; the largest logit stands for the size of what was summed.
 */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  return maxAbsDiff(a, b) / scale;
}
