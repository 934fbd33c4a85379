// Every template, trained a few steps, exported as a TF.js LayersModel, loaded with tf.loadLayersModel and run on
// real Fashion-MNIST images: the logits agree with Netloom's own predict within 1e-5 (BatchNorm in inference
// mode). A template with a block Keras layers cannot express is reported by name instead.
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_IDS, loadTemplate } from '../../../templates';
import { predictBatch, selectBackend } from '../../runtime';
import { tf } from '../../runtime/backends/tf';
import { nchwToNhwc } from '../layout';
import { fashionBatch, haveFashion, maxDiff, trainedModel } from '../testing/fixtures';
import { tfjsProblems, toTfjs, type TfjsFiles } from './export';

beforeAll(async () => {
  await selectBackend('wasm');
});

const BIG = new Set(['alexnet', 'vgg11', 'nin']);

/** What tf.loadLayersModel's http/file loaders hand over: model.json's topology and manifest, the shards joined. */
function ioHandler(files: TfjsFiles) {
  const model = JSON.parse(JSON.stringify(files.model));
  const shards = [...files.shards()];
  const names = model.weightsManifest[0].paths as string[];
  expect(shards.map((s) => s.name)).toEqual(names);
  const total = shards.reduce((n, s) => n + s.bytes.length, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const s of shards) {
    data.set(s.bytes, at);
    at += s.bytes.length;
  }
  return {
    load: async () => ({
      modelTopology: model.modelTopology,
      weightSpecs: model.weightsManifest[0].weights,
      weightData: data.buffer,
      format: model.format,
    }),
  };
}

describe.skipIf(!haveFashion())('TF.js LayersModel export (tf.loadLayersModel)', () => {
  it.each(TEMPLATE_IDS)(
    '%s: the loaded LayersModel gives Netloom’s logits within 1e-5, or the export names what it cannot express',
    async (id) => {
      const big = BIG.has(id);
      const { net, model } = await trainedModel(loadTemplate(id), big ? { steps: 1, batch: 2 } : {});
      const problems = tfjsProblems(net);
      if (id === 'centered') {
        expect(problems).toEqual([{ path: 'centered', kind: 'Centered', reason: expect.stringContaining('Keras') }]);
        model.dispose();
        return;
      }
      expect(problems).toEqual([]);
      const n = big ? 2 : 6;
      const { x } = fashionBatch(net.input, n);
      const want = await predictBatch(model, x, n);
      const files = toTfjs(net, await model.params.toGluon());
      model.dispose();
      const loaded = await tfl.loadLayersModel(ioHandler(files));
      const shape = net.input.length === 3 ? [n, net.input[1], net.input[2], net.input[0]] : [n, ...net.input];
      const input = net.input.length === 3 ? nchwToNhwc({ shape: [n, ...net.input], data: x }).data : x;
      const y = loaded.predict(tf.tensor(input, shape)) as tf.Tensor;
      expect(y.shape).toEqual([n, want.classes]);
      const got = (await y.data()) as Float32Array;
      y.dispose();
      loaded.dispose();
      expect(maxDiff(got, want.logits)).toBeLessThan(1e-5);
    },
    300_000,
  );
});
