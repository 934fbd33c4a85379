// Netloom network + trained weights → an ONNX model (opset 13): input `input` float32 (N, C, H, W) or (N, F),
// output `output` (the logits). Every layer kind maps (ONNX_LAYERS), so nothing is unsupported today.
import type { InferResult } from '../../core';
import type { Tensor } from '../layout';
import { walk, type LayerUse, type Unsupported } from '../walk';
import { OnnxGraph } from './graph';
import { ONNX_LAYERS } from './layers';

/** What ONNX cannot express in this network (nothing, for today's catalogue). */
export function onnxProblems(_net: InferResult): Unsupported[] {
  return [];
}

/**
 * The ONNX model bytes for a network and its Gluon-layout weights (keyed by Gluon name).
 * Example: `await ort.InferenceSession.create(toOnnx(net, weights))`.
 */
export function toOnnx(net: InferResult, weights: Record<string, Tensor>): Uint8Array {
  const g = new OnnxGraph();
  const ctx = {
    g,
    param: (use: LayerUse, name: string) => {
      const info = use.params[name];
      if (!info) throw new Error(`${use.path}: no parameter "${name}"`);
      const w = weights[info.name];
      if (!w) throw new Error(`the weights have no "${info.name}"`);
      return g.floats(info.name, w);
    },
  };
  const out = walk(net, 'input', (use, ins) => ONNX_LAYERS[use.kind](ctx, use, ins));
  return g.encode(net.name, net.input, out, net.output ?? []);
}
