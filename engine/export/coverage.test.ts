// The mappings templates do not reach, in one small trained network exported to ONNX and TF.js: non-square
// kernels and padding, average pooling with padding and ceil mode (padded zeros counted), a parameter shared
// between two convolutions with different activations inside a graph block, Concat, padded max pooling, a Flatten
// feeding BatchNorm (TF.js flattens in C·H·W order through a Permute), a bias-free Dense — and a padded max pooling of a possibly
// negative input, which TF.js refuses by naming the block.
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { predictBatch, selectBackend } from '../runtime';
import { tf } from '../runtime/backends/tf';
import { nchwToNhwc } from './layout';
import { toOnnx } from './onnx/export';
import { fashionBatch, haveFashion, maxAbsDiff, maxDiff, trainedModel } from './testing/fixtures';
import { tfjsProblems, toTfjs } from './tfjs/export';

beforeAll(async () => {
  await selectBackend('wasm');
});

const layer = (id: string, type: string, params: object = {}, extra: object = {}) => ({
  kind: 'layer',
  id,
  type,
  params,
  ...extra,
});

/** `branchAct` is the first branch's activation: sigmoid keeps the max pool's input ≥ 0, tanh does not. */
const doc = (branchAct: string) => ({
  format: 'netloom/network',
  version: 1,
  name: 'Coverage',
  input: { shape: [2, 12, 12] },
  root: {
    kind: 'sequential',
    id: 'net',
    children: [
      layer('conv', 'Conv2D', { channels: 4, kernelSize: [3, 2], padding: [1, 0], activation: 'tanh', useBias: false }),
      layer('avg', 'AvgPool2D', { poolSize: 3, strides: 2, padding: 1, ceilMode: true }),
      {
        kind: 'graph',
        id: 'branches',
        nodes: [
          layer('c1', 'Conv2D', { channels: 3, kernelSize: 1, activation: branchAct }),
          layer('c2', 'Conv2D', { channels: 3, kernelSize: 1, activation: 'relu' }, { share: 'c1' }),
          layer('cat', 'Concat'),
        ],
        edges: [
          { from: 'input', to: 'c1' },
          { from: 'input', to: 'c2' },
          { from: 'c1', to: 'cat' },
          { from: 'c2', to: 'cat' },
        ],
        output: 'cat',
      },
      layer('max', 'MaxPool2D', { poolSize: 2, strides: 1, padding: 1 }),
      layer('softsign', 'Activation', { activation: 'softsign' }),
      layer('flat', 'Flatten'),
      layer('bn', 'BatchNorm'),
      layer('hidden', 'Dense', { units: 16, activation: 'sigmoid', useBias: false }),
      layer('out', 'Dense', { units: 10 }),
    ],
  },
});

describe.skipIf(!haveFashion())('mappings beyond the templates', () => {
  it('ONNX and TF.js give Netloom’s logits for the expressible network', async () => {
    expect(inferNetwork(doc('sigmoid')).errors).toEqual([]);
    const { net, model } = await trainedModel(doc('sigmoid'), { steps: 3 });
    const n = 5;
    const { x } = fashionBatch(net.input, n);
    const want = await predictBatch(model, x, n);
    const weights = await model.params.toGluon();
    model.dispose();

    const session = await ort.InferenceSession.create(toOnnx(net, weights));
    const got = await session.run({ input: new ort.Tensor('float32', x, [n, ...net.input]) });
    expect(maxDiff(got.output.data as Float32Array, want.logits)).toBeLessThan(1e-4);
    await session.release();

    expect(tfjsProblems(net)).toEqual([]);
    const files = toTfjs(net, weights);
    const shards = [...files.shards()];
    const manifest = (files.model.weightsManifest as { weights: tf.io.WeightsManifestEntry[] }[])[0].weights;
    const data = new Uint8Array(shards.reduce((k, s) => k + s.bytes.length, 0));
    shards.reduce((at, s) => (data.set(s.bytes, at), at + s.bytes.length), 0);
    const loaded = await tfl.loadLayersModel({
      load: async () => ({
        modelTopology: JSON.parse(JSON.stringify(files.model.modelTopology)),
        weightSpecs: manifest,
        weightData: data.buffer,
      }),
    });
    // The shared convolution is one Keras layer called twice.
    const convs = loaded.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs.map((l) => l.inboundNodes.length).sort()).toEqual([1, 2]);
    const [c, h, w] = net.input;
    const y = loaded.predict(tf.tensor(nchwToNhwc({ shape: [n, c, h, w], data: x }).data, [n, h, w, c])) as tf.Tensor;
    const out = (await y.data()) as Float32Array;
    y.dispose();
    loaded.dispose();
    expect(maxAbsDiff(out, want.logits), 'TF.js, per logit').toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it('TF.js refuses a padded max pool of a possibly negative input, naming the block', () => {
    expect(tfjsProblems(inferNetwork(doc('tanh')))).toEqual([
      { path: 'max', kind: 'MaxPool2D', reason: expect.stringContaining('zeros') },
    ]);
  });
});
