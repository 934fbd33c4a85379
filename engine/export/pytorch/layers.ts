// Each layer kind of the catalogue as PyTorch: the constructor model.py writes and the PyTorch names of its
// parameters. A LayerTable, so a new layer kind without a PyTorch mapping fails the type check.
// Standard torch modules where they mean exactly what the layer means; netloom_layers.py's small classes where
// Gluon differs (Dense flattens and activates, pooling past half-window padding or in ceil mode, merges).
import type { LayerTable } from '../../core';
import { pair } from '../../core/layers/util';
import type { PyValue } from './py';

/** A layer's parameters as Python (every descriptor filled: the document's value or the default). */
export type PyParams = Record<string, PyValue>;

export interface PyLayerCtx {
  /** Rank of the per-sample input where every use agrees: 3 for (C, H, W), 1 for vectors. */
  rank?: number;
  /** The layer's tensors are constants (FancyMLP's random weight): buffers in PyTorch. */
  constant: boolean;
}

export interface PyLayer {
  /** The constructor expression, e.g. `nn.LazyConv2d(64, kernel_size=3, padding=1)`. */
  ctor(p: PyParams, ctx: PyLayerCtx): string;
  /** Gluon parameter name → PyTorch's, where they differ (BatchNorm's gamma is PyTorch's weight). */
  names?: Record<string, string>;
  /** Gluon parameters that PyTorch keeps as buffers (running statistics), never trained. */
  buffers?: readonly string[];
  /** Whether `constant` turns this layer's tensors into buffers (else constant means frozen). */
  constantBuffers?: boolean;
}

const lit = (v: PyValue) => v.literal;
/** `, name=value` unless the value is the literal `skip` (PyTorch's default). */
const kw = (name: string, v: PyValue, skip?: unknown) =>
  v.literal !== undefined && JSON.stringify(v.literal) === JSON.stringify(skip) ? '' : `, ${name}=${v.code}`;

const ACTIVATION_MODULES: Record<string, string> = {
  none: 'nn.Identity()',
  relu: 'nn.ReLU()',
  sigmoid: 'nn.Sigmoid()',
  tanh: 'nn.Tanh()',
  softrelu: 'nn.Softplus()',
  softsign: 'nn.Softsign()',
};

/** PyTorch pools pad with at most half the window and size ceil mode differently; those cases pad explicitly. */
function pool(kind: 'max' | 'avg'): PyLayer {
  return {
    ctor: (p) => {
      const plain = [p.poolSize, p.strides, p.padding, p.ceilMode].every(
        (v) => 'literal' in v && v.literal !== undefined,
      );
      if (plain && lit(p.ceilMode) === false) {
        const k = pair(lit(p.poolSize) as number | number[]);
        const pad = pair(lit(p.padding) as number | number[]);
        if (pad[0] <= k[0] / 2 && pad[1] <= k[1] / 2) {
          const cls = kind === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d';
          return `${cls}(${p.poolSize.code}${kw('stride', p.strides, null)}${kw('padding', p.padding, 0)})`;
        }
      }
      return `Pool2D("${kind}", ${p.poolSize.code}${kw('stride', p.strides, null)}${kw('padding', p.padding, 0)}${kw('ceil_mode', p.ceilMode, false)})`;
    },
  };
}

/** Gluon's momentum m keeps m of the running average; PyTorch's momentum is the new batch's share, 1 − m. */
function torchMomentum(m: PyValue): string {
  return m.literal !== undefined ? String(+(1 - (m.literal as number)).toPrecision(12)) : `1 - ${m.code}`;
}

export const PY_LAYERS: LayerTable<PyLayer> = {
  Dense: {
    ctor: (p, c) =>
      `Dense(${p.units.code}${kw('activation', p.activation, 'none')}${kw('bias', p.useBias, true)}${c.constant ? ', constant=True' : ''})`,
    constantBuffers: true,
  },
  Conv2D: {
    ctor: (p, c) => {
      const args = `${p.channels.code}, kernel_size=${p.kernelSize.code}${kw('stride', p.strides, 1)}${kw('padding', p.padding, 0)}`;
      if (lit(p.activation) === 'none' && !c.constant) return `nn.LazyConv2d(${args}${kw('bias', p.useBias, true)})`;
      return `Conv2D(${args}${kw('activation', p.activation, 'none')}${kw('bias', p.useBias, true)}${c.constant ? ', constant=True' : ''})`;
    },
    constantBuffers: true,
  },
  MaxPool2D: pool('max'),
  AvgPool2D: pool('avg'),
  GlobalAvgPool2D: { ctor: () => 'nn.AdaptiveAvgPool2d(1)' },
  Flatten: { ctor: () => 'nn.Flatten()' },
  Activation: {
    ctor: (p) =>
      lit(p.activation) !== undefined
        ? ACTIVATION_MODULES[lit(p.activation) as string]
        : `activation(${p.activation.code})`,
  },
  Dropout: { ctor: (p) => `nn.Dropout(${p.rate.code})` },
  BatchNorm: {
    // Always netloom_layers' BatchNorm, never nn.LazyBatchNorm*d: its running variance averages the biased batch
    // variance, as the engine's (PyTorch's own takes the unbiased one), for (N, C) and (N, C, H, W) alike.
    ctor: (p) => `BatchNorm(eps=${p.epsilon.code}, momentum=${torchMomentum(p.momentum)})`,
    names: { gamma: 'weight', beta: 'bias' },
    buffers: ['running_mean', 'running_var'],
  },
  Concat: { ctor: () => 'Concat()' },
  Add: { ctor: () => 'Add()' },
  Centered: { ctor: () => 'Centered()' },
};

/** The helper classes from netloom_layers.py that a constructor uses (for model.py's import line). */
export const HELPERS = ['Dense', 'Conv2D', 'Pool2D', 'BatchNorm', 'Concat', 'Add', 'Centered', 'activation'] as const;
