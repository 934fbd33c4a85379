// The kernels that shrank a training step's bookkeeping: the relu + bias gradient (relu-grad.ts) is the ops it
// replaced bit for bit, NaN, ±Inf and signed zeros included, on dense and NHWC shapes with channel tails and more
// than one 64-row block; the loss (softmax-xent.ts) is one kernel forward and one Multiply backward, and a layer's
// relu backward one kernel, where the ops took fourteen and three; the input from bytes (bytes-to-floats.ts) is
// the filler's floats bit for bit, in one kernel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngineBackend, shutdownEngineBackend } from '../backends/registry';
import { tf } from '../backends/tf';
import { softmaxCrossEntropy } from '../loss';
import { BYTES_TO_FLOATS, bytesInputWasm } from './bytes-to-floats';
import { denseAct } from './fused-ops';
import { RELU_GRAD, reluGradBiasWasm } from './relu-grad';
import { SOFTMAX_XENT } from './softmax-xent';
import { rand } from './test-util';

beforeAll(async () => {
  await initEngineBackend('wasm');
});
afterAll(() => shutdownEngineBackend());

const bits = (t: tf.Tensor) => new Uint32Array(Float32Array.from(t.dataSync()).buffer);

/** The kernel names one call dispatches. */
async function kernelsOf(f: () => tf.TensorContainer): Promise<string[]> {
  const info = await tf.profile(() => {
    const r = f();
    return r as tf.Tensor;
  });
  return info.kernelNames;
}

describe('relu + bias gradient kernel', () => {
  it.each([
    [[300, 13]], // 5 row blocks, a 1-wide channel tail
    [[64, 256]],
    [[2, 5, 7, 6]], // NHWC, channels 6 = one vector + a tail of 2
    [[1, 3]],
  ])('shape %j: tf.mul(dy, tf.step(y)) and tf.sum(dz, leading axes) bit for bit', (shape) => {
    tf.tidy(() => {
      const dyData = rand(shape, 11).data;
      const yData = rand(shape, 12).data;
      // the special values: NaN and ±Inf in y and dy, signed zeros, y exactly 0
      const specials = [NaN, Infinity, -Infinity, 0, -0];
      for (let i = 0; i < Math.min(yData.length, 40); i += 3) yData[i] = specials[(i / 3) % 5];
      for (let i = 1; i < Math.min(dyData.length, 40); i += 4) dyData[i] = specials[(i >> 2) % 5];
      const dy = tf.tensor(dyData, shape);
      const y = tf.tensor(yData, shape);
      const fused = reluGradBiasWasm(dy, y);
      expect(fused).not.toBeNull();
      const dz = tf.mul(dy, tf.step(y));
      const db = tf.sum(
        dz,
        shape.slice(0, -1).map((_, i) => i),
      );
      expect(bits(fused![0])).toEqual(bits(dz));
      expect(bits(fused![1])).toEqual(bits(db));
    });
  });

  it("a relu dense layer's backward is one kernel for dz and the bias (was Step, Multiply, Sum)", async () => {
    const x = tf.tensor(rand([8, 5], 1).data, [8, 5]) as tf.Tensor2D;
    const w = tf.tensor(rand([5, 4], 2).data, [5, 4]) as tf.Tensor2D;
    const b = tf.tensor(rand([4], 3).data, [4]) as tf.Tensor1D;
    const names = await kernelsOf(() =>
      tf.grads((w_, b_) => tf.sum(denseAct(x, w_ as tf.Tensor2D, b_ as tf.Tensor1D, 'relu')))([w, b]),
    );
    expect(names.filter((k) => k === RELU_GRAD)).toHaveLength(1);
    expect(names).not.toContain('Step');
    tf.dispose([x, w, b]);
  });
});

describe('softmax cross-entropy kernel', () => {
  it('forward is one kernel, and the gradient one Multiply on top', async () => {
    const z = tf.tensor(rand([32, 10], 4).data, [32, 10]);
    const labels = Int32Array.from({ length: 32 }, (_, i) => i % 10);
    const forward = await kernelsOf(() => softmaxCrossEntropy(z, labels));
    expect(forward).toEqual([SOFTMAX_XENT]);
    const both = await kernelsOf(() => tf.grad((x) => softmaxCrossEntropy(x, labels))(z));
    expect(both.filter((k) => !['Identity', 'Reshape'].includes(k))).toEqual([SOFTMAX_XENT, 'Multiply']);
    z.dispose();
  });
});

describe('bytes to floats kernel', () => {
  it.each([
    [[5, 3, 7, 9], 3], // three channels, planes of 63 (a tail after 3 vectors of 16), 945 bytes: not whole words
    [[4, 1, 28, 28], 1],
    [[3, 10], 10], // a flat input: one byte per channel plane
  ])(
    'shape %j (%i channels): byte · scale[c] + shift[c] in float64, rounded once, in one kernel',
    async (shape, channels) => {
      const size = shape.reduce((a, v) => a * v, 1);
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 131 + 7) % 256);
      const scale = Float32Array.from({ length: channels }, (_, c) => 1 / 255 / (0.3 + 0.1 * c));
      const shift = Float32Array.from({ length: channels }, (_, c) => -(0.2 + 0.05 * c) / (0.3 + 0.1 * c));
      const plane = size / shape[0] / channels;
      const want = Float32Array.from(
        bytes,
        (v, i) => v * scale[Math.floor(i / plane) % channels] + shift[Math.floor(i / plane) % channels],
      );
      const batch = { bytes, scale, shift, floats: () => want };
      let t: tf.Tensor | null = null;
      const names = await kernelsOf(() => (t = tf.keep(bytesInputWasm(batch, shape)!)));
      expect(names).toEqual([BYTES_TO_FLOATS]);
      expect(t!.shape).toEqual(shape);
      expect(bits(t!)).toEqual(new Uint32Array(want.buffer));
      t!.dispose();
    },
  );
});
