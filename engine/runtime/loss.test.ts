// The fused softmax cross-entropy against the formula it replaced (neg(mean(sum(oneHot · logSoftmax, 1)))), loss
// and gradient, on the wasm and cpu backends; non-finite logits stay non-finite; the host correct count agrees
// with tf.argMax, ties and NaN included.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from './backends/tf';
import { selectBackend } from './backends/registry';
import { countCorrect, softmaxCrossEntropy } from './loss';
import { Rng } from './rng';

const reference = (z: tf.Tensor, labels: Int32Array) =>
  tf.neg(
    tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, 'int32'), z.shape[1]!), tf.logSoftmax(z)), 1)),
  ) as tf.Scalar;

function batch(n: number, classes: number, scale: number, seed: number) {
  const rng = new Rng(seed);
  const z = Float32Array.from({ length: n * classes }, () => (rng.next() * 2 - 1) * scale);
  const y = Int32Array.from({ length: n }, () => Math.floor(rng.next() * classes));
  return { z, y };
}

/** Loss and d loss/d logits of both formulas. */
function both(z: Float32Array, y: Int32Array, n: number, classes: number) {
  return tf.tidy(() => {
    const logits = tf.tensor2d(z, [n, classes]);
    const run = (f: typeof reference) => {
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => f(x, y))(logits);
      return { loss: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
    };
    return { fused: run(softmaxCrossEntropy), old: run(reference) };
  });
}

const maxRel = (a: Float32Array, b: Float32Array) => {
  const scale = Math.max(...Array.from(b, Math.abs));
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) / scale;
};

afterAll(async () => {
  await selectBackend('wasm');
});

for (const backend of ['wasm', 'cpu']) {
  describe(`softmax cross-entropy on ${backend}`, () => {
    it.each([
      [256, 10, 3, 1],
      [37, 10, 30, 2], // large logits: exp would overflow without the max shift
      [5, 2, 0.01, 3],
      [64, 100, 8, 4],
    ])('n %i, %i classes, logits ±%d: the same loss and gradient as the op chain', async (n, classes, scale, seed) => {
      await selectBackend(backend);
      const { z, y } = batch(n, classes, scale, seed);
      const { fused, old } = both(z, y, n, classes);
      expect(Number.isFinite(fused.loss)).toBe(true);
      expect(Math.abs(fused.loss - old.loss) / Math.abs(old.loss)).toBeLessThan(1e-6);
      expect(maxRel(fused.grad, old.grad)).toBeLessThan(1e-6);
    });

    it('a label outside the classes counts nothing, as oneHot did', async () => {
      await selectBackend(backend);
      const { z, y } = batch(6, 10, 3, 8);
      y[2] = 10;
      y[4] = -1;
      const { fused, old } = both(z, y, 6, 10);
      expect(Math.abs(fused.loss - old.loss) / Math.abs(old.loss)).toBeLessThan(1e-6);
      expect(maxRel(fused.grad, old.grad)).toBeLessThan(1e-6);
    });

    it('a NaN or infinite logit makes the loss non-finite, as before', async () => {
      await selectBackend(backend);
      for (const bad of [NaN, Infinity, -Infinity]) {
        const { z, y } = batch(8, 10, 3, 5);
        z[13] = bad;
        const { fused, old } = both(z, y, 8, 10);
        expect(Number.isFinite(old.loss)).toBe(false);
        expect(Number.isFinite(fused.loss)).toBe(false);
      }
    });

    it('leaks no tensors, forward or with its gradient', async () => {
      await selectBackend(backend);
      const { z, y } = batch(16, 10, 3, 6);
      const logits = tf.tensor2d(z, [16, 10]);
      const before = tf.memory().numTensors;
      softmaxCrossEntropy(logits, y).dispose();
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => softmaxCrossEntropy(x, y))(logits);
      tf.dispose([value, grad]);
      expect(tf.memory().numTensors).toBe(before);
      logits.dispose();
    });
  });
}

describe('countCorrect', () => {
  it('agrees with tf.argMax == label, including ties (first maximum) and NaN rows', async () => {
    await selectBackend('wasm');
    const { z, y } = batch(200, 10, 2, 7);
    for (let r = 0; r < 20; r++) z[r * 10 + 3] = z[r * 10 + 7] = 5; // ties
    for (let r = 20; r < 30; r++) z[r * 10 + (r % 10)] = NaN;
    for (let r = 0; r < 200; r += 3) y[r] = [3, 7, 0][r % 3]; // labels on and beside the ties
    const expected = tf.tidy(() =>
      tf.sum(tf.cast(tf.equal(tf.argMax(tf.tensor2d(z, [200, 10]), 1), tf.tensor1d(y, 'int32')), 'int32')).dataSync(),
    )[0];
    expect(expected).toBeGreaterThan(10);
    expect(countCorrect(z, 10, y, 200)).toBe(expected);
  });
});
