// Statistics, histograms and the subsample checked against direct computation written differently
// (sorting, explicit index arithmetic) on seeded random tensors with planted zeros.
import { describe, expect, it } from 'vitest';
import { activationStats, channelStats, histogram, subsample, tensorStats } from './stats';
import { topK } from './evaluate';

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    out[i] = u < 0.3 ? 0 : (u - 0.5) * 7; // ~30% exact zeros, like a ReLU's output
  }
  return out;
}
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const direct = (a: number[]) => {
  const m = mean(a);
  const sorted = [...a].sort((x, y) => x - y);
  return {
    mean: m,
    std: Math.sqrt(mean(a.map((v) => (v - m) ** 2))),
    min: sorted[0],
    max: sorted.at(-1)!,
    zeros: a.filter((v) => v === 0).length / a.length,
    norm: Math.sqrt(a.reduce((x, v) => x + v * v, 0)),
  };
};
const near = (got: Record<string, number>, want: Record<string, number>) => {
  for (const k of Object.keys(want)) expect(got[k], k).toBeCloseTo(want[k], 5);
};

describe('statistics', () => {
  it('whole tensor: mean, std, min, max, zero fraction, norm', () => {
    const a = random(5000, 1);
    near(tensorStats(a) as never, direct(Array.from(a)));
    expect(tensorStats(new Float32Array(0))).toEqual({
      mean: 0,
      std: 0,
      min: 0,
      max: 0,
      zeros: 0,
      norm: 0,
      nonFinite: 0,
    });
  });

  it('per channel of (N, C, H, W) and (N, F): each over every sample and position of that channel', () => {
    const [n, c, h, w] = [3, 5, 4, 6];
    const a = random(n * c * h * w, 2);
    const s = channelStats(a, [n, c, h, w]);
    for (let ch = 0; ch < c; ch++) {
      const vals: number[] = [];
      for (let i = 0; i < n; i++)
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) vals.push(a[i * c * h * w + ch * h * w + y * w + x]);
      const { norm: _norm, ...d } = direct(vals);
      near({ mean: s.mean[ch], std: s.std[ch], min: s.min[ch], max: s.max[ch], zeros: s.zeros[ch] }, d);
    }
    const f = random(4 * 7, 3);
    const sf = channelStats(f, [4, 7]);
    for (let k = 0; k < 7; k++) expect(sf.mean[k]).toBeCloseTo(mean([0, 1, 2, 3].map((i) => f[i * 7 + k])), 5);
  });

  it('histogram: 32 equal bins from min to max, every value counted once, the maximum in the last bin', () => {
    const a = random(3000, 4);
    const hgram = histogram(a);
    expect(hgram.counts).toHaveLength(32);
    const { min, max } = direct(Array.from(a));
    expect(hgram.min).toBeCloseTo(min, 6);
    expect(hgram.max).toBeCloseTo(max, 6);
    const want = new Array(32).fill(0);
    for (const v of a) {
      let b = 0;
      while (b < 31 && v >= min + ((b + 1) * (max - min)) / 32) b++;
      want[b]++;
    }
    expect(Array.from(hgram.counts)).toEqual(want);
    expect(Array.from(histogram(new Float32Array([2, 2, 2])).counts.slice(0, 2))).toEqual([3, 0]);
  });

  it('NaN and ±Inf are counted and left out: every other figure is that of the finite values, and finite', () => {
    const [n, c, h, w] = [2, 3, 4, 5];
    const a = random(n * c * h * w, 6);
    const planted = new Map([
      [7, NaN],
      [31, Infinity],
      [32, -Infinity],
      [100, NaN],
    ]); // channels 0, 1, 1 and 2 (of sample 0, 1, 1, 1)
    for (const [i, v] of planted) a[i] = v;
    const fin = Array.from(a).filter((v) => Number.isFinite(v));
    const { stats, channels } = activationStats(a, [n, c, h, w]);
    const { zeros: _z, ...d } = direct(fin);
    near(stats as never, d);
    expect(stats.zeros).toBeCloseTo(fin.filter((v) => v === 0).length / a.length, 10);
    expect(stats.nonFinite).toBe(4);
    expect(tensorStats(a)).toEqual(stats);
    expect(Array.from(channels.nonFinite)).toEqual([1, 2, 1]);
    for (const k of ['mean', 'std', 'min', 'max', 'zeros'] as const)
      expect(Array.from(channels[k]).every(Number.isFinite), k).toBe(true);
    const hgram = histogram(a);
    expect(hgram.counts.reduce((x, y) => x + y, 0)).toBe(fin.length);
    expect([hgram.min, hgram.max]).toEqual([d.min, d.max]);
    // nothing finite at all: zeros, flagged
    const none = tensorStats(new Float32Array([NaN, Infinity]));
    expect(none).toEqual({ mean: 0, std: 0, min: 0, max: 0, zeros: 0, norm: 0, nonFinite: 2 });
    expect(histogram(new Float32Array([NaN])).counts.every((x) => x === 0)).toBe(true);
  });

  it('subsample keeps whole samples, else a strided grid of every map, within maxValues', () => {
    const a = random(8 * 20 * 24 * 24, 5);
    const whole = subsample(a, [8, 20, 24, 24], 30_000);
    expect(whole.dataShape).toEqual([2, 20, 24, 24]);
    expect(whole.data).toEqual(a.slice(0, 2 * 20 * 24 * 24));
    const grid = subsample(a, [8, 20, 24, 24], 4096);
    expect(grid.dataShape).toEqual([1, 20, 12, 12]);
    expect(grid.stride).toBe(2);
    expect(grid.data[(3 * 12 + 5) * 12 + 7]).toBe(a[(3 * 24 + 10) * 24 + 14]); // channel 3, row 10, column 14
    expect(subsample(a, [8, 20, 24, 24], 1e6).data).toBe(a);
  });

  it('topK: softmax probabilities of the k largest logits, best first', () => {
    const t = topK([1, 3, 2, -1], 3);
    expect(t.classes).toEqual([1, 2, 0]);
    const z = Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(-1);
    t.probs.forEach((p, i) => expect(p).toBeCloseTo(Math.exp([3, 2, 1][i]) / z, 6));
  });
});
