// Mini-batches: gather samples (optionally in a seeded shuffled order), convert bytes → float, resize and
// normalize in one pass into a reused buffer, and yield to the event loop every few batches so the engine
// host keeps answering protocol calls (pause, stop, activations) while an epoch streams.
//
// Ownership rule (reuse: true, the default): a yielded batch's `x` and `y` are views on buffers owned by
// the iterator and are overwritten by the next `next()`. Consume or copy them before advancing. Careful:
// tfjs's cpu backend keeps the typed array given to tf.tensor() by reference (no copy), so on that backend
// pass `x.slice()` or use `reuse: false` if the tensor outlives the step; the wasm and native backends copy.
import { DataError } from './errors';
import { byteTable, normalizeBytes, resizePlan, resizePlane, shuffledIndices, type ResizePlan } from './transforms';
import { sampleSize, type Batch, type Dataset, type Normalize, type PartName, type Split } from './types';

export interface BatchOptions {
  batchSize: number;
  /** Visit samples in a seeded random order (default true for train, false otherwise). */
  shuffle?: boolean;
  /** Seed of the order; the epoch is mixed in so every epoch differs but reruns repeat. Default 0. */
  seed?: number;
  epoch?: number;
  /** Skip the last, smaller batch (default false). */
  dropLast?: boolean;
  /** Await setImmediate after every this many batches (default 4; 0 = never). */
  yieldEvery?: number;
  /** Reuse one output buffer (default true); see the ownership rule at the top of this file. */
  reuse?: boolean;
}

/** Fills batches of one split: stored shape → dataset inputShape, bytes → normalized floats. */
export interface BatchFiller {
  /** Per-sample output shape. */
  shape: number[];
  sampleSize: number;
  /** Writes samples order[start … start+count) into x (count × sampleSize) and y. */
  fill(order: ArrayLike<number> | null, start: number, count: number, x: Float32Array, y: Int32Array): void;
  /**
   * Where the split stores bytes at the output shape: the same samples as bytes (out: count × sampleSize), whose
   * floats are byte · scale[c] + shift[c] computed in float64 and rounded to float32 — exactly what `fill` writes.
   */
  bytes?: {
    scale: Float32Array;
    shift: Float32Array;
    fill(order: ArrayLike<number> | null, start: number, count: number, out: Uint8Array, y: Int32Array): void;
  };
}

/** Builds a filler that maps `split` (stored at split.shape) to `outShape` with `norm` applied. */
export function createFiller(split: Split, outShape: number[], norm: Normalize): BatchFiller {
  const inShape = split.shape;
  const inSize = sampleSize(inShape);
  const outSize = sampleSize(outShape);
  const channels = inShape[0];
  const plane = inSize / channels;
  const outPlane = outSize / channels;
  if (outShape[0] !== channels || outShape.length !== inShape.length) {
    throw new DataError('E_DATA_OPTION', `cannot map stored shape [${inShape}] to [${outShape}]: only H×W may change`);
  }
  let plan: ResizePlan | null = null;
  if (inShape.length === 3 && (inShape[1] !== outShape[1] || inShape[2] !== outShape[2])) {
    plan = resizePlan(inShape[1], inShape[2], outShape[1], outShape[2]);
  } else if (inSize !== outSize) {
    throw new DataError('E_DATA_OPTION', `cannot map stored shape [${inShape}] to [${outShape}]`);
  }
  // Fold scale/mean/std into v * a[c] + b[c], one multiply-add per value.
  const a = new Float32Array(channels);
  const b = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const std = norm.std ? (norm.std.length === 1 ? norm.std[0] : norm.std[c]) : 1;
    const mean = norm.mean ? (norm.mean.length === 1 ? norm.mean[0] : norm.mean[c]) : 0;
    if (!(std > 0) || !Number.isFinite(mean))
      throw new DataError('E_DATA_OPTION', `normalize needs finite mean and positive std for channel ${c}`);
    a[c] = norm.scale / std;
    b[c] = -mean / std;
  }
  const src = split.x;
  // bytes (every stored image data set) normalize through a 256-entry table per channel: the same floats, faster
  const tables = src instanceof Uint8Array ? Array.from(a, (ac, c) => byteTable(ac, b[c])) : null;
  return {
    shape: outShape.slice(),
    sampleSize: outSize,
    bytes:
      tables && !plan
        ? {
            scale: a,
            shift: b,
            fill(order, start, count, out, y) {
              const bytes = src as Uint8Array;
              for (let k = 0; k < count; k++) {
                const i = order ? order[start + k] : start + k;
                y[k] = split.y[i];
                out.set(bytes.subarray(i * inSize, (i + 1) * inSize), k * outSize);
              }
            },
          }
        : undefined,
    fill(order, start, count, x, y) {
      for (let k = 0; k < count; k++) {
        const i = order ? order[start + k] : start + k;
        y[k] = split.y[i];
        const s0 = i * inSize;
        const d0 = k * outSize;
        for (let c = 0; c < channels; c++) {
          if (plan) {
            resizePlane(plan, src, s0 + c * plane, x, d0 + c * outPlane, a[c], b[c]);
          } else if (tables) {
            normalizeBytes(src as Uint8Array, s0 + c * plane, x, d0 + c * outPlane, plane, tables[c]);
          } else {
            const ac = a[c];
            const bc = b[c];
            const so = s0 + c * plane;
            const dO = d0 + c * outPlane;
            for (let j = 0; j < plane; j++) x[dO + j] = src[so + j] * ac + bc;
          }
        }
      }
    },
  };
}

export function getPart(ds: Dataset, part: PartName): Split {
  const split = ds[part];
  if (!split)
    throw new DataError('E_DATA_OPTION', `data set ${ds.name} has no ${part} part (ask for a validation split)`);
  return split;
}

/** Number of batches an epoch has. */
export const batchCount = (n: number, batchSize: number, dropLast = false) =>
  dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);

/** The visiting order of one epoch: a seeded permutation, or null for file order. */
export function epochOrder(n: number, shuffle: boolean, seed = 0, epoch = 0): Uint32Array | null {
  if (!shuffle) return null;
  // Mix seed and epoch through a multiply rather than adding them, so (seed 1, epoch 0) ≠ (seed 0, epoch 1).
  return shuffledIndices(n, (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + epoch) >>> 0);
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Iterates one epoch of a part in mini-batches.
 * e.g. `for await (const b of batches(ds, 'train', { batchSize: 256, epoch })) trainStep(b.x, b.y, b.shape)`.
 */
export async function* batches(ds: Dataset, part: PartName, opts: BatchOptions): AsyncGenerator<Batch> {
  const { batchSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DataError('E_DATA_OPTION', `batchSize must be a positive integer, got ${batchSize}`);
  const split = getPart(ds, part);
  const filler = createFiller(split, ds.inputShape, ds.normalize);
  const order = epochOrder(split.n, opts.shuffle ?? part === 'train', opts.seed ?? 0, opts.epoch ?? 0);
  const yieldEvery = opts.yieldEvery ?? 4;
  const reuse = opts.reuse ?? true;
  let x = reuse ? new Float32Array(Math.min(batchSize, split.n) * filler.sampleSize) : null;
  let y = reuse ? new Int32Array(Math.min(batchSize, split.n)) : null;
  const count = batchCount(split.n, batchSize, opts.dropLast);
  for (let bi = 0; bi < count; bi++) {
    const start = bi * batchSize;
    const n = Math.min(batchSize, split.n - start);
    if (!reuse || !x || !y) {
      x = new Float32Array(n * filler.sampleSize);
      y = new Int32Array(n);
    }
    // The last batch may be smaller: hand out views of the right length, still on the same buffer.
    const bx = n * filler.sampleSize === x.length ? x : x.subarray(0, n * filler.sampleSize);
    const by = n === y.length ? y : y.subarray(0, n);
    filler.fill(order, start, n, bx, by);
    yield { x: bx, y: by, n, shape: [n, ...filler.shape] };
    if (!reuse) {
      x = null;
      y = null;
    }
    if (yieldEvery > 0 && (bi + 1) % yieldEvery === 0) await nextTick();
  }
}

/** One sample as floats in the batch layout (for galleries, predictions and debugging). */
export function sampleAt(ds: Dataset, part: PartName, index: number): { x: Float32Array; y: number; shape: number[] } {
  const split = getPart(ds, part);
  if (!(index >= 0 && index < split.n))
    throw new DataError('E_DATA_OPTION', `sample ${index} is outside 0..${split.n - 1} of ${part}`);
  const filler = createFiller(split, ds.inputShape, ds.normalize);
  const x = new Float32Array(filler.sampleSize);
  const y = new Int32Array(1);
  filler.fill(null, index, 1, x, y);
  return { x, y: y[0], shape: filler.shape };
}
