// Each layer kind in ONNX (opset 13), NCHW like Gluon: weights go in unchanged (layout.ts explains why).
// Typed against the catalogue (LayerTable): a new layer kind without an entry here fails the type check.
import { hasPadding, pair, poolGeometry } from '../geometry';
import type { Tensor } from '../layout';
import type { LayerTable } from '../../core';
import type { LayerUse } from '../walk';
import { float, type OnnxGraph } from './graph';

export interface OnnxCtx {
  g: OnnxGraph;
  /** The Gluon-layout value of one of the use's parameters, as an initializer name (shared → the same one). */
  param(use: LayerUse, name: string): string;
}

/** Maps one layer application to nodes; returns the output value's name. */
export type OnnxMapping = (ctx: OnnxCtx, use: LayerUse, ins: string[]) => string;

const ACTIVATION_OPS: Record<string, string> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softrelu: 'Softplus',
  softsign: 'Softsign',
};

function activate(g: OnnxGraph, x: string, act: unknown, path: string): string {
  if (act === undefined || act === 'none') return x;
  const op = ACTIVATION_OPS[act as string];
  if (!op) throw new Error(`no ONNX operator for activation "${String(act)}" at ${path}`);
  return g.node(op, [x], path);
}

const rank3 = (use: LayerUse) => use.inShapes[0].length === 3;

function pool(op: 'MaxPool' | 'AveragePool'): OnnxMapping {
  return ({ g }, use, [x]) => {
    const geo = poolGeometry(use.layer.params, use.inShapes[0]);
    let input = x;
    // Explicit padding, as the runtime pads: −3.4e38 for max (never chosen), zeros for average (counted).
    if (hasPadding(geo)) {
      const [t, l, b, r] = geo.pads;
      input = g.node(
        'Pad',
        [x, g.int64s(use.path, [0, 0, t, l, 0, 0, b, r]), g.scalar(use.path, op === 'MaxPool' ? -3.4e38 : 0)],
        use.path,
        {
          mode: 'constant',
        },
      );
    }
    return g.node(op, [input], use.path, { kernel_shape: geo.kernel, strides: geo.strides });
  };
}

export const ONNX_LAYERS: LayerTable<OnnxMapping> = {
  Dense: (ctx, use, [x]) => {
    const p = use.layer.params;
    // Gluon's Dense flattens (C, H, W) in C·H·W order, which is exactly ONNX's Flatten of NCHW.
    const flat = rank3(use) ? ctx.g.node('Flatten', [x], use.path, { axis: 1 }) : x;
    const ins = [flat, ctx.param(use, 'weight')];
    if (p.useBias) ins.push(ctx.param(use, 'bias'));
    return activate(ctx.g, ctx.g.node('Gemm', ins, use.path, { transB: 1 }), p.activation, use.path);
  },
  Conv2D: (ctx, use, [x]) => {
    const p = use.layer.params;
    const [ph, pw] = pair(p.padding, [0, 0]);
    const [kh, kw] = pair(p.kernelSize);
    const ins = [x, ctx.param(use, 'weight')];
    if (p.useBias) ins.push(ctx.param(use, 'bias'));
    const y = ctx.g.node('Conv', ins, use.path, {
      kernel_shape: [kh, kw],
      strides: pair(p.strides),
      pads: [ph, pw, ph, pw],
    });
    return activate(ctx.g, y, p.activation, use.path);
  },
  MaxPool2D: pool('MaxPool'),
  AvgPool2D: pool('AveragePool'),
  GlobalAvgPool2D: ({ g }, use, [x]) => g.node('GlobalAveragePool', [x], use.path),
  Flatten: ({ g }, use, [x]) => (rank3(use) ? g.node('Flatten', [x], use.path, { axis: 1 }) : x),
  Activation: ({ g }, use, [x]) => activate(g, x, use.layer.params.activation, use.path),
  // Inference: dropout is the identity.
  Dropout: ({ g }, use, [x]) => g.node('Identity', [x], use.path),
  BatchNorm: (ctx, use, [x]) =>
    ctx.g.node(
      'BatchNormalization',
      ['gamma', 'beta', 'running_mean', 'running_var'].reduce((ins, n) => [...ins, ctx.param(use, n)], [x]),
      use.path,
      { epsilon: float(use.layer.params.epsilon as number), momentum: float(use.layer.params.momentum as number) },
    ),
  Concat: ({ g }, use, ins) => g.node('Concat', ins, use.path, { axis: 1 }),
  Add: ({ g }, use, ins) => g.node(ins.length === 2 ? 'Add' : 'Sum', ins, use.path),
  // The seed's CenteredLayer: x − mean(x) over every element of the batch, as the runtime computes it.
  Centered: ({ g }, use, [x]) => g.node('Sub', [x, g.node('ReduceMean', [x], use.path, { keepdims: 1 })], use.path),
};

export type { Tensor };
