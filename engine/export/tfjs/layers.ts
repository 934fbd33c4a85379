// Each layer kind as Keras layers (tfjs-layers' LayersModel), NHWC. Typed against the catalogue (LayerTable): a
// new layer kind without an entry here fails the type check. What Keras layers cannot express is reported with
// the block's path (ctx.unsupported) before anything is written.
import { hasPadding, pair, poolGeometry } from '../geometry';
import { convKernelToTf, denseKernelToTf, KERAS_HWC_TO_CHW } from '../layout';
import type { LayerTable } from '../../core';
import type { LayerUse } from '../walk';
import type { KerasModel, KTensor } from './keras';

export interface TfjsCtx {
  m: KerasModel;
  unsupported(use: LayerUse, reason: string): void;
}

export type TfjsMapping = (ctx: TfjsCtx, use: LayerUse, ins: KTensor[]) => KTensor;

const KERAS_ACTIVATION: Record<string, string> = {
  none: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softrelu: 'softplus',
  softsign: 'softsign',
};
const NONNEG = new Set(['relu', 'sigmoid', 'softrelu']);
const act = (a: unknown) => (a as string | undefined) ?? 'none';

/** Gluon (C, H, W) → Keras (H, W, C); vectors unchanged. */
export const kerasShape = (s: readonly number[]): number[] => (s.length === 3 ? [s[1], s[2], s[0]] : [...s]);

const base = (use: LayerUse) => use.layer.prefix.replace(/_$/, '') || use.path;
const trainable = (use: LayerUse) => Object.values(use.params).some((p) => p.trainable);

/**
 * Gluon's flatten of an (H, W, C) map: Permute to (C, H, W), then Keras Flatten, so the features come in C·H·W
 * order — the runtime's (ops.ts `flattenCHW` transposes the same way). A Dense after it then reads Gluon's weight
 * rows as they are and sums the same products in the same order as the runtime, which makes the TF.js outputs the
 * runtime's floats on the same backend (permuting the weight rows instead, for a bare Flatten, summed in H·W·C order:
 * up to ~1e-7 apart). With one channel or a 1×1 map both orders coincide and the Permute is left out.
 */
function flatten(ctx: TfjsCtx, x: KTensor, at: string): KTensor {
  const [h, w, c] = x.shape;
  const chw =
    c === 1 || h * w === 1
      ? x
      : ctx.m.apply('Permute', `${at}_to_chw`, { dims: KERAS_HWC_TO_CHW }, [x], { shape: [c, h, w], nonneg: x.nonneg });
  return ctx.m.apply('Flatten', `${at}_flatten`, {}, [chw], { shape: [h * w * c], nonneg: x.nonneg });
}

/**
 * Dense/Conv2D whose parameters are used more than once (shared or applied twice) become one Keras layer called
 * once per use, linear, with each use's activation as its own layer (uses may differ in activation).
 */
function activation(ctx: TfjsCtx, y: KTensor, a: string, at: string): KTensor {
  if (a === 'none') return y;
  return ctx.m.apply('Activation', `${at}_${a}`, { activation: KERAS_ACTIVATION[a] }, [y], {
    shape: y.shape,
    nonneg: NONNEG.has(a),
  });
}

function pool(className: 'MaxPooling2D' | 'AveragePooling2D'): TfjsMapping {
  return (ctx, use, [x]) => {
    const geo = poolGeometry(use.layer.params, use.inShapes[0]);
    let input = x;
    if (hasPadding(geo)) {
      // Keras pads with zeros; for max pooling that equals the runtime's −∞ padding only when x ≥ 0.
      if (className === 'MaxPooling2D' && !x.nonneg)
        ctx.unsupported(use, 'padded max pooling of a possibly negative input (Keras pads with zeros)');
      const [t, l, b, r] = geo.pads;
      const padded = [x.shape[0] + t + b, x.shape[1] + l + r, x.shape[2]];
      input = ctx.m.apply(
        'ZeroPadding2D',
        `${base(use)}_pad`,
        {
          padding: [
            [t, b],
            [l, r],
          ],
          data_format: 'channels_last',
        },
        [x],
        {
          shape: padded,
          nonneg: x.nonneg,
        },
      );
    }
    return ctx.m.apply(
      className,
      base(use),
      { pool_size: geo.kernel, strides: geo.strides, padding: 'valid', data_format: 'channels_last' },
      [input],
      { shape: kerasShape(use.outShape), nonneg: x.nonneg },
    );
  };
}

export const TFJS_LAYERS: LayerTable<TfjsMapping> = {
  Dense: (ctx, use, [x0]) => {
    const p = use.layer.params;
    const shared = use.uses > 1;
    const x = x0.shape.length === 3 ? flatten(ctx, x0, base(use)) : x0;
    let name = ctx.m.owned.get(use.owner);
    if (!name) {
      name = ctx.m.layer(
        'Dense',
        base(use),
        { units: p.units, activation: KERAS_ACTIVATION[shared ? 'none' : act(p.activation)], use_bias: p.useBias },
        trainable(use),
      );
      ctx.m.owned.set(use.owner, name);
      const w = use.params.weight.name;
      ctx.m.weights.push({
        name: `${name}/kernel`,
        shape: [x.shape[0], p.units as number],
        value: (g) => denseKernelToTf(g(w)),
      });
      if (p.useBias)
        ctx.m.weights.push({ name: `${name}/bias`, shape: [p.units as number], value: (g) => g(use.params.bias.name) });
    }
    const y = ctx.m.call(name, [x], { shape: [p.units as number], nonneg: !shared && NONNEG.has(act(p.activation)) });
    return shared ? activation(ctx, y, act(p.activation), use.path) : y;
  },
  Conv2D: (ctx, use, [x]) => {
    const p = use.layer.params;
    const shared = use.uses > 1;
    const [ph, pw] = pair(p.padding, [0, 0]);
    const input =
      ph || pw
        ? ctx.m.apply(
            'ZeroPadding2D',
            `${base(use)}_pad`,
            {
              padding: [
                [ph, ph],
                [pw, pw],
              ],
              data_format: 'channels_last',
            },
            [x],
            {
              shape: [x.shape[0] + 2 * ph, x.shape[1] + 2 * pw, x.shape[2]],
              nonneg: x.nonneg,
            },
          )
        : x;
    let name = ctx.m.owned.get(use.owner);
    if (!name) {
      name = ctx.m.layer(
        'Conv2D',
        base(use),
        {
          filters: p.channels,
          kernel_size: pair(p.kernelSize),
          strides: pair(p.strides),
          padding: 'valid',
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          activation: KERAS_ACTIVATION[shared ? 'none' : act(p.activation)],
          use_bias: p.useBias,
        },
        trainable(use),
      );
      ctx.m.owned.set(use.owner, name);
      const w = use.params.weight;
      ctx.m.weights.push({
        name: `${name}/kernel`,
        shape: [w.shape[2], w.shape[3], w.shape[1], w.shape[0]],
        value: (g) => convKernelToTf(g(w.name)),
      });
      if (p.useBias)
        ctx.m.weights.push({
          name: `${name}/bias`,
          shape: [p.channels as number],
          value: (g) => g(use.params.bias.name),
        });
    }
    const y = ctx.m.call(name, [input], {
      shape: kerasShape(use.outShape),
      nonneg: !shared && NONNEG.has(act(p.activation)),
    });
    return shared ? activation(ctx, y, act(p.activation), use.path) : y;
  },
  MaxPool2D: pool('MaxPooling2D'),
  AvgPool2D: pool('AveragePooling2D'),
  GlobalAvgPool2D: (ctx, use, [x]) => {
    const c = x.shape[2];
    const g = ctx.m.apply('GlobalAveragePooling2D', base(use), { data_format: 'channels_last' }, [x], {
      shape: [c],
      nonneg: x.nonneg,
    });
    // Gluon keeps (C, 1, 1).
    return ctx.m.apply('Reshape', `${base(use)}_keep`, { target_shape: [1, 1, c] }, [g], {
      shape: [1, 1, c],
      nonneg: x.nonneg,
    });
  },
  Flatten: (ctx, use, [x]) => (x.shape.length === 3 ? flatten(ctx, x, base(use)) : x),
  Activation: (ctx, use, [x]) => activation(ctx, x, act(use.layer.params.activation), base(use)),
  Dropout: (ctx, use, [x]) =>
    ctx.m.apply('Dropout', base(use), { rate: use.layer.params.rate }, [x], {
      shape: x.shape,
      nonneg: x.nonneg,
    }),
  BatchNorm: (ctx, use, [x]) => {
    let name = ctx.m.owned.get(use.owner);
    if (!name) {
      const p = use.layer.params;
      name = ctx.m.layer(
        'BatchNormalization',
        base(use),
        { axis: -1, momentum: p.momentum, epsilon: p.epsilon, center: true, scale: true },
        trainable(use),
      );
      ctx.m.owned.set(use.owner, name);
      const c = x.shape[x.shape.length - 1];
      for (const [k, gluon] of [
        ['gamma', 'gamma'],
        ['beta', 'beta'],
        ['moving_mean', 'running_mean'],
        ['moving_variance', 'running_var'],
      ])
        ctx.m.weights.push({ name: `${name}/${k}`, shape: [c], value: (g) => g(use.params[gluon].name) });
    }
    return ctx.m.call(name, [x], { shape: x.shape, nonneg: false });
  },
  Concat: (ctx, use, ins) =>
    ctx.m.apply('Concatenate', base(use), { axis: -1 }, ins, {
      shape: kerasShape(use.outShape),
      nonneg: ins.every((x) => x.nonneg),
    }),
  Add: (ctx, use, ins) =>
    ctx.m.apply('Add', base(use), {}, ins, { shape: ins[0].shape, nonneg: ins.every((x) => x.nonneg) }),
  Centered: (ctx, use, [x]) => {
    ctx.unsupported(use, 'x − mean(x) over the whole batch has no Keras layer');
    return x;
  },
};
