// The trainer's step inputs: bytes (with the filler's affine map) where the split stores them, floats elsewhere;
// a byte batch's floats() are the float fill's values, and a model's input tensor from either is the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { createFiller, loadDataset } from '../data';
import { initEngineBackend, shutdownEngineBackend } from '../runtime/backends/registry';
import { tf } from '../runtime/backends/tf';
import { Model } from '../runtime';
import { loadTemplate } from '../../templates';
import { stepInputs } from './step-input';

beforeAll(async () => {
  await initEngineBackend('wasm');
});
afterAll(() => shutdownEngineBackend());

describe('stepInputs', () => {
  it('Fashion-MNIST steps go as bytes; their input tensor is the float fill’s, bit for bit, on wasm and cpu', async () => {
    const data = await loadDataset({ source: 'fashion-mnist', limit: 64 });
    const filler = createFiller(data.train, data.inputShape, data.normalize);
    const inputs = stepInputs(filler, 32);
    const order = Array.from({ length: 64 }, (_, i) => (i * 17) % 64);
    const x = inputs.next(order, 5, 31); // an odd count: bytes not a whole number of int32 words
    expect(x).not.toBeInstanceOf(Float32Array);
    const labels = Array.from(inputs.y.subarray(0, 31));
    const want = new Float32Array(31 * 784);
    const wantY = new Int32Array(31);
    filler.fill(order, 5, 31, want, wantY);
    expect(labels).toEqual(Array.from(wantY));
    expect((x as { floats(): Float32Array }).floats()).toEqual(want);
    const model = new Model(inferNetwork(loadTemplate('lenet')), 1);
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const [fromBytes, fromFloats] = [model.input(x, 31), model.input(want, 31)];
      expect(fromBytes.shape).toEqual([31, 28, 28, 1]);
      expect(new Uint32Array(Float32Array.from(fromBytes.dataSync()).buffer)).toEqual(
        new Uint32Array(Float32Array.from(fromFloats.dataSync()).buffer),
      );
      tf.dispose([fromBytes, fromFloats]);
    }
    await tf.setBackend('wasm');
    model.dispose();
  });

  it('falls back to floats where the filler has no bytes (a resized input)', async () => {
    const data = await loadDataset({ source: 'fashion-mnist', limit: 8 });
    const filler = createFiller(data.train, [1, 32, 32], data.normalize);
    const x = stepInputs(filler, 8).next(null, 0, 8);
    expect(x).toBeInstanceOf(Float32Array);
    expect((x as Float32Array).length).toBe(8 * 32 * 32);
  });
});
