// Every template, trained a few steps, exported to ONNX and run in onnxruntime-node on real Fashion-MNIST
// images: the logits agree with Netloom's own predict (BatchNorm in inference mode, running statistics).
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_IDS, loadTemplate } from '../../../templates';
import { predictBatch, selectBackend } from '../../runtime';
import { fashionBatch, haveFashion, maxDiff, trainedModel } from '../testing/fixtures';
import { onnx } from './graph';
import { toOnnx } from './export';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** The 224-input templates run 2 images and train 1 step with a tiny batch, to keep the suite's time sane. */
const BIG = new Set(['alexnet', 'vgg11', 'nin']);

describe.skipIf(!haveFashion())('ONNX export (onnxruntime-node)', () => {
  it.each(TEMPLATE_IDS)(
    '%s: onnxruntime gives Netloom’s logits within 1e-4',
    async (id) => {
      const big = BIG.has(id);
      const { net, model, losses } = await trainedModel(loadTemplate(id), big ? { steps: 1, batch: 2 } : {});
      expect(losses.every(Number.isFinite), `losses ${losses}`).toBe(true);
      const n = big ? 2 : 6;
      const { x } = fashionBatch(net.input, n);
      const want = await predictBatch(model, x, n);
      const bytes = toOnnx(net, await model.params.toGluon());
      model.dispose();
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputNames).toEqual(['input']);
      const out = await session.run({ input: new ort.Tensor('float32', x, [n, ...net.input]) });
      const got = out.output;
      expect(got.dims).toEqual([n, want.classes]);
      expect(maxDiff(got.data as Float32Array, want.logits)).toBeLessThan(1e-4);
      await session.release();
    },
    300_000,
  );

  it('keeps a shared parameter as one initializer used twice and declares opset 13', async () => {
    const { net, model } = await trainedModel(loadTemplate('fancy-mlp'), { steps: 1 });
    const m = onnx.ModelProto.decode(toOnnx(net, await model.params.toGluon()));
    model.dispose();
    expect(Number(m.opsetImport[0].version)).toBe(13);
    const graph = m.graph as InstanceType<typeof onnx.GraphProto>;
    const gemms = graph.node.filter((n) => n.opType === 'Gemm');
    expect(gemms).toHaveLength(3);
    // `dense` applied twice: both Gemms read the same weight initializer, which exists once.
    expect(gemms[0].input![1]).toBe(gemms[2].input![1]);
    expect(graph.initializer.filter((t) => t.name === gemms[0].input![1])).toHaveLength(1);
    expect(graph.input[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'N',
      20,
    ]);
  });
});
