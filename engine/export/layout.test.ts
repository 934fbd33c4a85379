// Layout conversions: every permutation checked element by element against index arithmetic, inverses round-trip,
// and the flatten order: a Keras Permute(KERAS_HWC_TO_CHW) then Flatten of an NHWC map gives exactly the runtime's
// C·H·W flatten (the real tfjs-layers layers against the runtime's flattenCHW).
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../runtime';
import { flattenCHW } from '../runtime/ops';
import { tf } from '../runtime/backends/tf';
import {
  convKernelFromTf,
  convKernelToTf,
  denseKernelFromTf,
  denseKernelToTf,
  KERAS_HWC_TO_CHW,
  nchwToNhwc,
  NHWC_TO_NCHW,
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

  beforeAll(async () => {
    await selectBackend('wasm');
  });
  it('a Keras Permute(KERAS_HWC_TO_CHW) + Flatten of an NHWC map is the runtime’s C·H·W flatten, element for element', () => {
    expect(KERAS_HWC_TO_CHW).toEqual(NHWC_TO_NCHW.slice(1)); // [3, 1, 2]: (H, W, C) → (C, H, W)
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => Math.sin(i)),
      [2, 3, 4, 5],
    );
    const keras = tfl.sequential({
      layers: [tfl.layers.permute({ inputShape: [3, 4, 5], dims: KERAS_HWC_TO_CHW }), tfl.layers.flatten()],
    });
    const got = keras.predict(x) as tf.Tensor;
    expect(got.shape).toEqual([2, 60]);
    expect(Array.from(got.dataSync())).toEqual(Array.from(flattenCHW(x).dataSync()));
    const chw = nhwcToNchw({ shape: [2, 3, 4, 5], data: x.dataSync() as Float32Array });
    expect(Array.from(got.dataSync())).toEqual(Array.from(chw.data));
    tf.dispose([x, got]);
    keras.dispose();
  });
});
