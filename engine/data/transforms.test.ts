import { describe, expect, it } from 'vitest';
import {
  byteTable,
  holdOut,
  normalizeBytes,
  limitSplit,
  mulberry32,
  resizeBilinear,
  shuffledIndices,
  shuffleSplit,
  takeSamples,
} from './transforms';
import type { Split } from './types';

/** n samples of shape [2]: sample i = [i, 100 + i], label i % 3. */
const toy = (n: number): Split => ({
  x: Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 ? 100 : 0) + Math.floor(k / 2)),
  y: Int32Array.from({ length: n }, (_, i) => i % 3),
  n,
  shape: [2],
});

describe('seeded randomness', () => {
  it('mulberry32 repeats per seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });

  it('shuffledIndices is a deterministic permutation that depends on the seed', () => {
    const p = shuffledIndices(1000, 7);
    expect(Array.from(p)).toEqual(Array.from(shuffledIndices(1000, 7)));
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from(shuffledIndices(1000, 8)));
    expect(Array.from(p.subarray(0, 20))).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('shuffleSplit keeps every sample with its label', () => {
    const s = shuffleSplit(toy(50), 3);
    for (let k = 0; k < s.n; k++) {
      const i = s.x[2 * k];
      expect(s.x[2 * k + 1]).toBe(100 + i);
      expect(s.y[k]).toBe(i % 3);
    }
    expect(Array.from(shuffleSplit(toy(50), 3).x)).toEqual(Array.from(s.x));
  });
});

describe('limit, take and hold-out', () => {
  it('limit keeps the first N as a view', () => {
    const s = toy(10);
    const l = limitSplit(s, 4);
    expect(l.n).toBe(4);
    expect(Array.from(l.y)).toEqual([0, 1, 2, 0]);
    expect(l.x.buffer).toBe(s.x.buffer);
    expect(limitSplit(s, 100)).toBe(s);
    expect(() => limitSplit(s, 0)).toThrow(/limit/);
  });

  it('takeSamples copies in the given order', () => {
    const t = takeSamples(toy(5), [4, 0]);
    expect(Array.from(t.x)).toEqual([4, 104, 0, 100]);
    expect(Array.from(t.y)).toEqual([1, 0]);
  });

  it('holdOut partitions deterministically, each part in file order', () => {
    const { rest, held } = holdOut(toy(100), 0.1, 5);
    expect(held.n).toBe(10);
    expect(rest.n).toBe(90);
    const ids = (s: Split) => Array.from({ length: s.n }, (_, k) => s.x[2 * k]);
    const all = [...ids(rest), ...ids(held)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(ids(held)).toEqual([...ids(held)].sort((a, b) => a - b));
    expect(ids(holdOut(toy(100), 0.1, 5).held)).toEqual(ids(held));
    expect(ids(holdOut(toy(100), 0.1, 6).held)).not.toEqual(ids(held));
    expect(() => holdOut(toy(4), 1, 0)).toThrow(/\[0, 1\)/);
  });
});

describe('bilinear resize (half-pixel centres)', () => {
  it('upsamples a 1×2 row exactly', () => {
    // Output centres map to input x = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    expect(Array.from(resizeBilinear(new Float32Array([0, 4]), [1, 1, 2], [1, 4]))).toEqual([0, 1, 3, 4]);
  });

  it('upsamples 2×2 → 4×4 and keeps corners', () => {
    const out = resizeBilinear(new Float32Array([0, 4, 8, 12]), [1, 2, 2], [4, 4]);
    expect(Array.from(out)).toEqual([0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12]);
  });

  it('downsizes 4×4 → 2×2 as a 2×2 average, per channel', () => {
    const ch0 = Array.from({ length: 16 }, (_, i) => i);
    const ch1 = ch0.map((v) => 100 - v);
    const out = resizeBilinear(new Float32Array([...ch0, ...ch1]), [2, 4, 4], [2, 2]);
    expect(Array.from(out)).toEqual([2.5, 4.5, 10.5, 12.5, 97.5, 95.5, 89.5, 87.5]);
  });

  it('is the identity at the same size and keeps constants constant at 28 → 224 and 28 → 96', () => {
    const img = Float32Array.from({ length: 9 }, (_, i) => i * i);
    expect(Array.from(resizeBilinear(img, [1, 3, 3], [3, 3]))).toEqual(Array.from(img));
    const flat = new Float32Array(28 * 28).fill(7);
    const big = resizeBilinear(flat, [1, 28, 28], [224, 224]);
    expect(big.length).toBe(224 * 224);
    expect(big.every((v) => v === 7)).toBe(true);
    expect(resizeBilinear(flat, [1, 28, 28], [96, 96]).length).toBe(96 * 96);
  });
});

describe('normalizeBytes', () => {
  it('writes exactly the floats of v * a + b, at any byte alignment, length and destination offset', () => {
    const buf = new Uint8Array(1000);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 7919 + 13) & 255;
    const a = 1 / 255 / 0.353,
      b = -0.286 / 0.353;
    const table = byteTable(a, b);
    for (const view of [0, 1, 3]) {
      const src = buf.subarray(view); // a view whose start is not 4-byte aligned in its buffer
      for (const [off, count] of [
        [0, 784],
        [1, 17],
        [2, 3],
        [5, 0],
        [6, 101],
      ]) {
        const got = new Float32Array(count + 3).fill(-99);
        normalizeBytes(src, off, got, 3, count, table);
        const want = new Float32Array(count + 3).fill(-99);
        for (let j = 0; j < count; j++) want[3 + j] = src[off + j] * a + b;
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
  });
});
