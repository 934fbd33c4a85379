// Every template, trained a few steps (so no weight is an initial value and BatchNorm's running statistics have
// moved), exported to ONNX and to a TF.js LayersModel and run there on real Fashion-MNIST images, BatchNorm in
// inference mode everywhere, compared with Netloom's own predictBatch logit by logit:
// - onnxruntime-node: within 1e-4 of the logits' scale (maxDiff; another engine, its own summation orders);
// - tf.loadLayersModel: |a − b| ≤ 1e-5 for every logit (maxAbsDiff), on the backend the runtime used. The export
//   asks tfjs for the runtime's own kernels in the runtime's order (FusedBatchNorm, C·H·W flatten before Dense), so
//   on wasm the floats are in fact identical for every template today; the check is the 1e-5 per logit.
// A template a format cannot express is reported by block instead. One training per template serves both formats:
// the 224-input ones (alexnet, vgg11, nin) train one step on one image and predict two.
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_IDS, loadTemplate } from '../../templates';
import { predictBatch, selectBackend } from '../runtime';
import { tf } from '../runtime/backends/tf';
import { nchwToNhwc } from './layout';
import { toOnnx } from './onnx/export';
import { fashionBatch, haveFashion, maxAbsDiff, maxDiff, trainedModel } from './testing/fixtures';
import { tfjsProblems, toTfjs, type TfjsFiles } from './tfjs/export';

beforeAll(async () => {
  await selectBackend('wasm');
});

const BIG = new Set(['alexnet', 'vgg11', 'nin']);

/** What tf.loadLayersModel's file and http loaders hand over: model.json's topology and manifest, the shards joined. */
function ioHandler(files: TfjsFiles) {
  const model = JSON.parse(JSON.stringify(files.model));
  const shards = [...files.shards()];
  expect(shards.map((s) => s.name)).toEqual(model.weightsManifest[0].paths);
  const data = new Uint8Array(shards.reduce((n, s) => n + s.bytes.length, 0));
  shards.reduce((at, s) => (data.set(s.bytes, at), at + s.bytes.length), 0);
  return {
    load: async () => ({
      modelTopology: model.modelTopology,
      weightSpecs: model.weightsManifest[0].weights,
      weightData: data.buffer,
      format: model.format,
    }),
  };
}

describe.skipIf(!haveFashion())('every template exported and run elsewhere', () => {
  it.each(TEMPLATE_IDS)(
    '%s: onnxruntime within 1e-4 of the logits, tf.loadLayersModel within 1e-5 per logit (or the block TF.js cannot express)',
    async (id) => {
      const big = BIG.has(id);
      const { net, model, losses } = await trainedModel(loadTemplate(id), big ? { steps: 1, batch: 1 } : {});
      expect(losses.every(Number.isFinite), `losses ${losses}`).toBe(true);
      const n = big ? 2 : 6;
      const { x } = fashionBatch(net.input, n);
      const want = await predictBatch(model, x, n);
      const weights = await model.params.toGluon();
      model.dispose();

      const session = await ort.InferenceSession.create(toOnnx(net, weights));
      expect(session.inputNames).toEqual(['input']);
      const out = (await session.run({ input: new ort.Tensor('float32', x, [n, ...net.input]) })).output;
      expect(out.dims).toEqual([n, want.classes]);
      expect(maxDiff(out.data as Float32Array, want.logits), 'ONNX').toBeLessThan(1e-4);
      await session.release();

      const problems = tfjsProblems(net);
      if (id === 'centered') {
        expect(problems).toEqual([{ path: 'centered', kind: 'Centered', reason: expect.stringContaining('Keras') }]);
        return;
      }
      expect(problems).toEqual([]);
      const loaded = await tfl.loadLayersModel(ioHandler(toTfjs(net, weights)));
      const input =
        net.input.length === 3
          ? nchwToNhwc({ shape: [n, ...net.input], data: x })
          : { shape: [n, ...net.input], data: x };
      const y = loaded.predict(tf.tensor(input.data, input.shape)) as tf.Tensor;
      expect(y.shape).toEqual([n, want.classes]);
      const got = (await y.data()) as Float32Array;
      y.dispose();
      loaded.dispose();
      expect(maxAbsDiff(got, want.logits), 'TF.js, per logit').toBeLessThanOrEqual(1e-5);
    },
    600_000,
  );
});
