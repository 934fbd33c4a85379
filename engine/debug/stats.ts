// Statistics of plain typed arrays: whole-tensor and per-channel summaries, histograms, and a subsample
// that keeps feature maps as grids. Pure functions over Float32Array (no tfjs), so they are checked
// against direct computation in tests and run wherever a tensor's values are. NaN and ±Inf (a diverging run)
// are counted as `nonFinite` and left out of every other figure, so each figure stays a finite number that
// the protocol carries (JSON has no NaN): a broken layer is still shown, flagged, never dropped.

export interface TensorStats {
  /** Over the finite values (0 when there are none). */
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Fraction of exact zeros among all values. */
  zeros: number;
  /** L2 norm of the finite values. */
  norm: number;
  /** How many values are NaN or ±Inf. */
  nonFinite: number;
}

export interface ChannelStats {
  mean: Float32Array;
  std: Float32Array;
  min: Float32Array;
  max: Float32Array;
  zeros: Float32Array;
  /** NaN/±Inf values per channel (the other figures leave them out). */
  nonFinite: Float32Array;
}

export interface Histogram {
  min: number;
  max: number;
  counts: Uint32Array;
}

export const HISTOGRAM_BINS = 32;

/** Running sums in float64 over the finite values of a range, and the count of the rest. */
interface Sums {
  n: number;
  sum: number;
  sq: number;
  min: number;
  max: number;
  zeros: number;
  bad: number;
}
const noSums = (): Sums => ({ n: 0, sum: 0, sq: 0, min: Infinity, max: -Infinity, zeros: 0, bad: 0 });

function accumulate(s: Sums, data: ArrayLike<number>, start: number, end: number): void {
  let { n, sum, sq, min, max, zeros, bad } = s;
  for (let i = start; i < end; i++) {
    const v = data[i];
    if (v - v !== 0) {
      bad++; // NaN or ±Inf
      continue;
    }
    n++;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  Object.assign(s, { n, sum, sq, min, max, zeros, bad });
}

function merge(into: Sums, s: Sums): void {
  into.n += s.n;
  into.sum += s.sum;
  into.sq += s.sq;
  into.min = Math.min(into.min, s.min);
  into.max = Math.max(into.max, s.max);
  into.zeros += s.zeros;
  into.bad += s.bad;
}

function finish(s: Sums): TensorStats {
  const total = s.n + s.bad;
  const zeros = total ? s.zeros / total : 0;
  if (!s.n) return { mean: 0, std: 0, min: 0, max: 0, zeros, norm: 0, nonFinite: s.bad };
  const mean = s.sum / s.n;
  const std = Math.sqrt(Math.max(0, s.sq / s.n - mean * mean));
  return { mean, std, min: s.min, max: s.max, zeros, norm: Math.sqrt(s.sq), nonFinite: s.bad };
}

/** mean, std (population), min, max, zero fraction, L2 norm and non-finite count of all values. Empty → all 0. */
export function tensorStats(data: ArrayLike<number>): TensorStats {
  const s = noSums();
  accumulate(s, data, 0, data.length);
  return finish(s);
}

/**
 * Statistics per channel (axis 1) of a channels-first tensor: (N, C, ...) → C entries, each over N and the
 * spatial positions. A rank-1 tensor is one channel. `stats` covers the whole tensor, from the same single pass.
 */
export function activationStats(
  data: ArrayLike<number>,
  shape: readonly number[],
): { stats: TensorStats; channels: ChannelStats } {
  const n = shape.length > 1 ? shape[0] : 1;
  const c = shape.length > 1 ? shape[1] : 1;
  const inner = shape.length > 2 ? shape.slice(2).reduce((a, b) => a * b, 1) : shape.length > 1 ? 1 : shape[0];
  const channels: ChannelStats = {
    mean: new Float32Array(c),
    std: new Float32Array(c),
    min: new Float32Array(c),
    max: new Float32Array(c),
    zeros: new Float32Array(c),
    nonFinite: new Float32Array(c),
  };
  const all = noSums();
  for (let ch = 0; ch < c; ch++) {
    const s = noSums();
    for (let k = 0; k < n; k++) accumulate(s, data, (k * c + ch) * inner, (k * c + ch + 1) * inner);
    const f = finish(s);
    channels.mean[ch] = f.mean;
    channels.std[ch] = f.std;
    channels.min[ch] = f.min;
    channels.max[ch] = f.max;
    channels.zeros[ch] = f.zeros;
    channels.nonFinite[ch] = f.nonFinite;
    merge(all, s);
  }
  return { stats: finish(all), channels };
}

/** The per-channel part of `activationStats`. */
export const channelStats = (data: ArrayLike<number>, shape: readonly number[]): ChannelStats =>
  activationStats(data, shape).channels;

/**
 * `bins` equal-width bins from min to max of the finite values (the maximum falls in the last bin; NaN and ±Inf
 * are not counted); a constant tensor fills bin 0.
 */
export function histogram(data: ArrayLike<number>, bins = HISTOGRAM_BINS): Histogram {
  const counts = new Uint32Array(bins);
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { min: 0, max: 0, counts };
  const width = (max - min) / bins;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) continue;
    const b = width > 0 ? Math.floor((v - min) / width) : 0;
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return { min, max, counts };
}

export interface Subsample {
  data: Float32Array;
  dataShape: number[];
  stride: number;
}

/**
 * At most `maxValues` values of a channels-first tensor: the first samples that fit whole; when one sample does
 * not fit, the first sample with every `stride`-th row and column of its maps (a grid still), else every
 * `stride`-th value. Example: (8, 20, 24, 24) with 4096 → (1, 20, 12, 12), stride 2.
 */
export function subsample(data: Float32Array, shape: readonly number[], maxValues: number): Subsample {
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  if (data.length <= maxValues) return { data, dataShape: [...shape], stride: 1 };
  if (per <= maxValues) {
    const k = Math.max(1, Math.floor(maxValues / per));
    return { data: data.slice(0, k * per), dataShape: [k, ...shape.slice(1)], stride: 1 };
  }
  if (shape.length === 4) {
    const [, c, h, w] = shape;
    let stride = 2;
    while (c * Math.ceil(h / stride) * Math.ceil(w / stride) > maxValues && stride < Math.max(h, w)) stride++;
    const hh = Math.ceil(h / stride),
      ww = Math.ceil(w / stride);
    if (c * hh * ww <= maxValues) {
      const out = new Float32Array(c * hh * ww);
      let o = 0;
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < h; y += stride) for (let x = 0; x < w; x += stride) out[o++] = data[(ch * h + y) * w + x];
      return { data: out, dataShape: [1, c, hh, ww], stride };
    }
  }
  const stride = Math.ceil(per / maxValues);
  const out = new Float32Array(Math.ceil(per / stride));
  for (let i = 0, o = 0; i < per; i += stride) out[o++] = data[i];
  return { data: out, dataShape: [1, out.length], stride };
}
