// The ONNX model's structure: opset, the input's dynamic batch dimension, and a parameter used twice kept as one
// initializer. (Every template run in onnxruntime-node: ../templates.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../templates';
import { selectBackend } from '../../runtime';
import { haveFashion, trainedModel } from '../testing/fixtures';
import { onnx } from './graph';
import { toOnnx } from './export';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe.skipIf(!haveFashion())('ONNX model structure', () => {
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
