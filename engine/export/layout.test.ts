// Layout conversions: every permutation checked element by element against index arithmetic, inverses round-trip,
// and the flatten-order rule proven numerically: a Dense over Gluon's C·H·W flatten equals the permuted Dense
// over an NHWC (H·W·C) flatten of the same map.
import { describe, expect, it } from 'vitest';
import {
  convKernelFromTf,
  convKernelToTf,
  denseKernelFromTf,
  denseKernelToTf,
  denseRowsChwToHwc,
  denseRowsHwcToChw,
  nchwToNhwc,
  nhwcToNchw,
  transpose,
  type Tensor,
} from './layout';

const ramp = (shape: number[]): Tensor => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1),
});

describe('layout conversions', () => {
  it('transpose moves every element where numpy.transpose would', () => {
    const t = ramp([2, 3, 4, 5]);
    const perm = [2, 0, 3, 1];
    const out = transpose(t, perm);
    expect(out.shape).toEqual([4, 2, 5, 3]);
    const at = (s: number[], idx: number[]) => idx.reduce((o, v, k) => o * s[k] + v, 0);
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++)
          for (let d = 0; d < 5; d++) {
            const src = [a, b, c, d];
            expect(
              out.data[
                at(
                  out.shape,
                  perm.map((p) => src[p]),
                )
              ],
            ).toBe(t.data[at(t.shape, src)]);
          }
    expect(() => transpose(t, [0, 1, 1, 2])).toThrow(/bad permutation/);
  });

  it('activations NCHW ↔ NHWC and kernels Gluon ↔ TF round-trip, with the layouts each side names', () => {
    const x = ramp([2, 3, 4, 5]);
    const nhwc = nchwToNhwc(x);
    expect(nhwc.shape).toEqual([2, 4, 5, 3]);
    // element (n=1, c=2, h=3, w=4) sits at (1, 3, 4, 2)
    expect(nhwc.data[((1 * 4 + 3) * 5 + 4) * 3 + 2]).toBe(x.data[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
    expect(nhwcToNchw(nhwc)).toEqual(x);
    const w = ramp([8, 3, 5, 7]); // (C, Cin, kh, kw)
    const tfw = convKernelToTf(w);
    expect(tfw.shape).toEqual([5, 7, 3, 8]); // (kh, kw, Cin, C)
    expect(tfw.data[((4 * 7 + 6) * 3 + 2) * 8 + 7]).toBe(w.data[((7 * 3 + 2) * 5 + 4) * 7 + 6]);
    expect(convKernelFromTf(tfw)).toEqual(w);
    const d = ramp([10, 6]); // (units, in)
    expect(denseKernelToTf(d).shape).toEqual([6, 10]);
    expect(denseKernelFromTf(denseKernelToTf(d))).toEqual(d);
  });

  it('a Dense after an NHWC flatten takes its rows permuted to give Gluon’s outputs', () => {
    const [c, h, w, units] = [3, 4, 5, 7];
    const x = { shape: [1, c, h, w], data: Float32Array.from({ length: c * h * w }, (_, i) => Math.sin(i)) };
    const W = {
      shape: [units, c * h * w],
      data: Float32Array.from({ length: units * c * h * w }, (_, i) => Math.cos(i)),
    };
    const dense = (weight: Tensor, flat: Float32Array) =>
      Array.from({ length: units }, (_, u) => flat.reduce((s, v, i) => s + v * weight.data[u * flat.length + i], 0));
    const gluon = dense(W, x.data); // NCHW flatten: C·H·W order
    const keras = dense(denseRowsChwToHwc(W, [c, h, w]), nchwToNhwc(x).data); // NHWC flatten: H·W·C order
    keras.forEach((v, u) => expect(v).toBeCloseTo(gluon[u], 4));
    expect(denseRowsHwcToChw(denseRowsChwToHwc(W, [c, h, w]), [c, h, w])).toEqual(W);
    expect(() => denseRowsChwToHwc(W, [c, h, w + 1])).toThrow(/weight is needed/);
  });
});
