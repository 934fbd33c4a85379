// The tfjs implementation of each layer kind: a LayerTable, so a kind added to the catalogue without its op
// fails the type check (ops.test.ts keeps that guarantee from silently disappearing). Activations are NHWC
// (tfjs's native layout) or [N, features]; flattening follows Gluon's (C, H, W) order so weights and
// exports mean the same thing as in the seed.
import { isLayerKind, type LayerTable, type ParamValues } from '../core';
import { tf } from './backends/tf';
import { batchNormTrain } from './batchnorm';
import { conv2dAct, denseAct, type Activation } from './kernels/fused-ops';
import type { Rng } from './rng';

export interface OpCtx {
  training: boolean;
  rng: Rng;
  /** Moving-average updates produced by BatchNorm in training, applied after the step. */
  bnUpdates: { variable: tf.Variable; value: tf.Tensor }[];
}

export type ParamGetter = (param: string) => tf.Variable;
export type Op = (ins: tf.Tensor[], p: ParamValues, get: ParamGetter, ctx: OpCtx) => tf.Tensor;

const pair = (v: unknown, fallback?: [number, number]): [number, number] =>
  Array.isArray(v) ? [v[0], v[1] ?? v[0]] : typeof v === 'number' ? [v, v] : fallback!;

/** (N, H, W, C) → (N, C·H·W) in channel-major order, as Gluon's Flatten. */
export function flattenCHW(x: tf.Tensor): tf.Tensor {
  if (x.rank === 2) return x;
  const [n, h, w, c] = x.shape;
  const chw = c === 1 || (h === 1 && w === 1) ? x : tf.transpose(x, [0, 3, 1, 2]);
  return tf.reshape(chw, [n, -1]);
}

export function activate(x: tf.Tensor, act: unknown): tf.Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softrelu':
      return tf.softplus(x);
    case 'softsign':
      return tf.div(x, tf.add(1, tf.abs(x)));
    default:
      return x;
  }
}

/**
 * Activations our fused conv/dense kernels apply in the same call (with gradients; tf.fused.* would silently
 * not fuse while gradients are recorded). Others run as a separate op after a linear fused kernel.
 */
const fusedAct = (act: unknown): Activation | null =>
  act === 'relu' || act === 'sigmoid' ? act : act === 'none' || act === undefined ? 'linear' : null;

/** Gluon's symmetric padding per axis; conv2dAct makes it explicit (tfjs sizes numeric pads wrongly for h ≠ w kernels). */
function padFor(
  p: ParamValues,
): 'valid' | number | [[number, number], [number, number], [number, number], [number, number]] {
  const [ph, pw] = pair(p.padding, [0, 0]);
  return ph === pw
    ? ph === 0
      ? 'valid'
      : ph
    : [
        [0, 0],
        [ph, ph],
        [pw, pw],
        [0, 0],
      ];
}

/**
 * Pooling pads explicitly and then pools 'valid': tfjs's numeric pads size non-square windows wrongly,
 * its padded MaxPool and ceil-mode AvgPool gradients disagree with finite differences (see gradients.test),
 * and explicit zero padding gives Gluon's count_include_pad semantics for average pooling.
 */
function pool(kind: 'max' | 'avg'): Op {
  return ([x], p) => {
    const k = pair(p.poolSize);
    const s = pair(p.strides, k);
    const [ph, pw] = pair(p.padding, [0, 0]);
    const [, h, w] = x.shape;
    // ceil mode: extra rows/columns at the end so the last (partial) window exists.
    const extra = (n: number, kk: number, ss: number, pp: number) =>
      p.ceilMode ? Math.max(0, Math.ceil((n + 2 * pp - kk) / ss) * ss + kk - (n + 2 * pp)) : 0;
    const eh = extra(h!, k[0], s[0], ph),
      ew = extra(w!, k[1], s[1], pw);
    const input =
      ph || pw || eh || ew
        ? tf.pad(
            x as tf.Tensor4D,
            [
              [0, 0],
              [ph, ph + eh],
              [pw, pw + ew],
              [0, 0],
            ],
            kind === 'max' ? -3.4e38 : 0,
          )
        : (x as tf.Tensor4D);
    return kind === 'max' ? tf.maxPool(input, k, s, 'valid') : tf.avgPool(input, k, s, 'valid');
  };
}

export const OPS: LayerTable<Op> = {
  Dense: ([x], p, get) => {
    const bias = p.useBias ? (get('bias') as tf.Tensor1D) : undefined;
    const act = fusedAct(p.activation);
    const y = denseAct(flattenCHW(x) as tf.Tensor2D, get('weight') as tf.Tensor2D, bias, act ?? 'linear');
    return act ? y : activate(y, p.activation);
  },
  Conv2D: ([x], p, get) => {
    const bias = p.useBias ? (get('bias') as tf.Tensor1D) : undefined;
    const act = fusedAct(p.activation);
    const y = conv2dAct(
      x as tf.Tensor4D,
      get('weight') as tf.Tensor4D,
      bias,
      pair(p.strides),
      padFor(p),
      act ?? 'linear',
    );
    return act ? y : activate(y, p.activation);
  },
  MaxPool2D: pool('max'),
  AvgPool2D: pool('avg'),
  GlobalAvgPool2D: ([x]) => tf.mean(x, [1, 2], true),
  Flatten: ([x]) => flattenCHW(x),
  Activation: ([x], p) => activate(x, p.activation),
  Dropout: ([x], p, _get, ctx) =>
    ctx.training && (p.rate as number) > 0 ? tf.dropout(x, p.rate as number, undefined, ctx.rng.int()) : x,
  BatchNorm: ([x], p, get, ctx) => {
    const axes = x.rank === 4 ? [0, 1, 2] : [0];
    const eps = p.epsilon as number;
    const gamma = get('gamma'),
      beta = get('beta');
    if (ctx.training) {
      const m = p.momentum as number;
      const rm = get('running_mean'),
        rv = get('running_var');
      return batchNormTrain(x, gamma, beta, eps, axes, ({ mean, variance }) => {
        // running = momentum·running + (1 − momentum)·batch, as Gluon; applied after the step (not in the loss).
        ctx.bnUpdates.push({ variable: rm, value: tf.keep(tf.tidy(() => tf.add(tf.mul(rm, m), tf.mul(mean, 1 - m)))) });
        ctx.bnUpdates.push({
          variable: rv,
          value: tf.keep(tf.tidy(() => tf.add(tf.mul(rv, m), tf.mul(variance, 1 - m)))),
        });
        tf.dispose([mean, variance]);
      });
    }
    // The backend's own FusedBatchNorm kernel (one pass), not sub/rsqrt/mul/add: it is what tfjs-layers'
    // BatchNormalization runs, so an exported TF.js model gives these exact floats on the same backend
    // (the 4-op form rounds differently: 4.6e-5 apart in resnet18-small's logits of ~150).
    return tf.batchNorm(x, get('running_mean'), get('running_var'), beta, gamma, eps);
  },
  Concat: (ins) => tf.concat(ins, -1),
  Add: (ins) => (ins.length === 2 ? tf.add(ins[0], ins[1]) : tf.addN(ins)),
  Centered: ([x]) => tf.sub(x, tf.mean(x)),
};

/** The op of a document's layer type; the compiler guarantees every catalogue kind has one. */
export function opFor(type: string): Op {
  if (!isLayerKind(type))
    throw new Error(`no tfjs implementation for ${type}: it is not a layer kind of the catalogue`);
  return OPS[type];
}
