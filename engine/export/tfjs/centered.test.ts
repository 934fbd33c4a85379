// Why the `centered` template (the seed's CenteredLayer, x − mean(x)) stays reported for TF.js instead of exported.
// Keras layers have no mean subtraction, but a vector's own mean is linear: a fixed, bias-free Dense with kernel
// I − 1/n gives x − mean(x) per sample. The runtime (like the seed and the ONNX export) takes the mean over the
// whole batch, so that Dense equals it only for a batch of one image: tested here on the trained template, it agrees
// image by image and disagrees on a batch, which no Keras layer in inference can see across (and predict() cuts
// its own batches). Exporting it would give a model whose outputs depend on how the caller batches; reported it is.
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../templates';
import { predictBatch, selectBackend } from '../../runtime';
import { tf } from '../../runtime/backends/tf';
import { denseKernelToTf, type Tensor } from '../layout';
import { fashionBatch, haveFashion, maxAbsDiff, trainedModel } from '../testing/fixtures';
import { toTfjs } from './export';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe.skipIf(!haveFashion())('centered → TF.js', () => {
  it('a fixed Dense (I − 1/n) matches the runtime per image but not per batch, so Centered stays reported', async () => {
    const { net, model } = await trainedModel(loadTemplate('centered'));
    const n = 6;
    const { x } = fashionBatch(net.input, n);
    const batch = await predictBatch(model, x, n);
    const per = net.input.reduce((a, b) => a * b, 1);
    const alone = new Float32Array(batch.logits.length);
    for (let i = 0; i < n; i++)
      alone.set((await predictBatch(model, x.subarray(i * per, (i + 1) * per), 1)).logits, i * batch.classes);
    const w = await model.params.toGluon();
    model.dispose();

    // Gluon names: the two Dense layers' weights, told apart by their units.
    const find = (suffix: string, units: number) =>
      Object.entries(w).find(([k, t]) => k.endsWith(suffix) && t.shape[0] === units)![1];
    const values = (t: Tensor) => tf.tensor(t.data, t.shape);
    const hidden = 128;
    const centering = new Float32Array(hidden * hidden).map((_, i) => (i % (hidden + 1) === 0 ? 1 : 0) - 1 / hidden);
    const keras = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [28, 28, 1] }), // one channel: H·W·C order is C·H·W order
        tfl.layers.dense({
          units: hidden,
          weights: [denseKernelToTf(find('weight', hidden)), find('bias', hidden)].map(values),
        }),
        tfl.layers.dense({
          units: hidden,
          useBias: false,
          trainable: false,
          weights: [tf.tensor2d(centering, [hidden, hidden])],
        }),
        tfl.layers.dense({ units: 10, weights: [denseKernelToTf(find('weight', 10)), find('bias', 10)].map(values) }),
      ],
    });
    const y = keras.predict(tf.tensor(x, [n, 28, 28, 1])) as tf.Tensor;
    const got = (await y.data()) as Float32Array;
    y.dispose();
    keras.dispose();

    expect(maxAbsDiff(got, alone), 'per image').toBeLessThan(1e-5);
    // The runtime's batch mean moves every logit of the batch by the same vector: far from per-image centering.
    expect(maxAbsDiff(batch.logits, alone)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(got, batch.logits), 'per batch').toBeGreaterThan(1e-3);
    expect(() => toTfjs(net, w)).toThrow(/tfjs cannot express Centered at centered/);
  }, 120_000);
});
