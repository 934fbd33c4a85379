import { pair, spatial } from './util';
import { size, defineLayer, type LayerDef, type ParamDescriptor } from './types';

const poolParams: Record<string, ParamDescriptor> = {
  poolSize: { kind: 'size2', default: 2, min: 1, doc: 'window size' },
  strides: {
    kind: 'size2',
    default: null,
    min: 1,
    nullable: true,
    doc: 'step between windows (default: the window size)',
  },
  padding: { kind: 'size2', default: 0, min: 0, doc: 'padding on each side' },
  ceilMode: { kind: 'bool', default: false, doc: 'round the output size up instead of down' },
};

function pool<K extends 'MaxPool2D' | 'AvgPool2D'>(type: K, doc: string): LayerDef<K> {
  return {
    type,
    category: 'Pooling',
    alias: 'pool',
    doc,
    params: poolParams,
    inputs: { min: 1, max: 1 },
    shape: (ins, p) => {
      const k = pair(p.poolSize);
      const hw = spatial(ins[0], k, pair(p.strides, k), pair(p.padding), p.ceilMode as boolean);
      return Array.isArray(hw) ? [ins[0][0], ...hw] : hw;
    },
    flops: (_ins, out, p) => {
      const [kh, kw] = pair(p.poolSize);
      return size(out) * kh * kw;
    },
  };
}

export const MaxPool2D = pool('MaxPool2D', 'Max over each window of every channel');
export const AvgPool2D = pool('AvgPool2D', 'Average over each window of every channel');

/** Gluon's GlobalAvgPool2D keeps (C, 1, 1), as the seed's ResNet/NiN shape traces print. */
export const GlobalAvgPool2D = defineLayer({
  type: 'GlobalAvgPool2D',
  category: 'Pooling',
  alias: 'pool',
  doc: 'Average of each whole channel → (C, 1, 1)',
  params: {},
  inputs: { min: 1, max: 1 },
  shape: (ins) =>
    ins[0].length === 3
      ? [ins[0][0], 1, 1]
      : { code: 'E_RANK', detail: `needs a (C, H, W) input but got (${ins[0].join(', ')})`, port: 0 },
  flops: (ins) => size(ins[0]),
});
