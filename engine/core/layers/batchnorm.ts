import { size, defineLayer } from './types';

/** Gluon's `nn.BatchNorm()`: per-channel (axis 1) statistics; running_mean/var are updated, never trained. */
export const BatchNorm = defineLayer({
  type: 'BatchNorm',
  category: 'Normalization',
  alias: 'batchnorm',
  doc: 'Normalize each channel by batch statistics (moving averages in inference)',
  params: {
    momentum: { kind: 'float', default: 0.9, min: 0, max: 1, doc: 'moving-average momentum' },
    epsilon: { kind: 'float', default: 1e-5, min: 0, max: 1, doc: 'added to the variance' },
  },
  inputs: { min: 1, max: 1 },
  shape: (ins) => ins[0],
  paramSpecs: (ins) => {
    const c = [ins[0][0]];
    return [
      { name: 'gamma', shape: c, axes: ['out'], trainable: true, init: { type: 'ones' } },
      { name: 'beta', shape: c, axes: ['out'], trainable: true, init: { type: 'zeros' } },
      { name: 'running_mean', shape: c, axes: ['out'], trainable: false, init: { type: 'zeros' } },
      { name: 'running_var', shape: c, axes: ['out'], trainable: false, init: { type: 'ones' } },
    ];
  },
  flops: (ins) => 4 * size(ins[0]),
});
