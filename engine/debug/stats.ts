// Statistics of plain typed arrays: whole-tensor and per-channel summaries, histograms, and a subsample
// that keeps feature maps as grids. Pure functions over Float32Array (no tfjs), so they are checked
// against direct computation in tests and run wherever a tensor's values are.

export interface TensorStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Fraction of exact zeros. */
  zeros: number;
  /** L2 norm. */
  norm: number;
}

export interface ChannelStats {
  mean: Float32Array;
  std: Float32Array;
  min: Float32Array;
  max: Float32Array;
  zeros: Float32Array;
}

export interface Histogram {
  min: number;
  max: number;
  counts: Uint32Array;
}

export const HISTOGRAM_BINS = 32;

/** mean, std (population), min, max, zero fraction and L2 norm of all values. Empty → all 0. */
export function tensorStats(data: ArrayLike<number>): TensorStats {
  const n = data.length;
  if (!n) return { mean: 0, std: 0, min: 0, max: 0, zeros: 0, norm: 0 };
  let sum = 0,
    sq = 0,
    min = Infinity,
    max = -Infinity,
    zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), min, max, zeros: zeros / n, norm: Math.sqrt(sq) };
}

/**
 * Statistics per channel (axis 1) of a channels-first tensor: (N, C, ...) → C entries, each over N and the
 * spatial positions. A rank-1 tensor is one channel.
 */
export function channelStats(data: ArrayLike<number>, shape: readonly number[]): ChannelStats {
  const n = shape.length > 1 ? shape[0] : 1;
  const c = shape.length > 1 ? shape[1] : 1;
  const inner = shape.length > 2 ? shape.slice(2).reduce((a, b) => a * b, 1) : shape.length > 1 ? 1 : shape[0];
  const out: ChannelStats = {
    mean: new Float32Array(c),
    std: new Float32Array(c),
    min: new Float32Array(c),
    max: new Float32Array(c),
    zeros: new Float32Array(c),
  };
  const count = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0,
      sq = 0,
      min = Infinity,
      max = -Infinity,
      zeros = 0;
    for (let s = 0; s < n; s++) {
      const base = (s * c + ch) * inner;
      for (let i = 0; i < inner; i++) {
        const v = data[base + i];
        sum += v;
        sq += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
        if (v === 0) zeros++;
      }
    }
    const mean = count ? sum / count : 0;
    out.mean[ch] = mean;
    out.std[ch] = count ? Math.sqrt(Math.max(0, sq / count - mean * mean)) : 0;
    out.min[ch] = count ? min : 0;
    out.max[ch] = count ? max : 0;
    out.zeros[ch] = count ? zeros / count : 0;
  }
  return out;
}

/** `bins` equal-width bins from min to max (the maximum falls in the last bin); a constant tensor fills bin 0. */
export function histogram(data: ArrayLike<number>, bins = HISTOGRAM_BINS): Histogram {
  const counts = new Uint32Array(bins);
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!data.length) return { min: 0, max: 0, counts };
  const width = (max - min) / bins;
  for (let i = 0; i < data.length; i++) {
    const b = width > 0 ? Math.floor((data[i] - min) / width) : 0;
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
