import { activationParam, pair, spatial, XAVIER } from './util';
import { size, defineLayer, type ParamSpec } from './types';

/** Gluon's `nn.Conv2D(channels, kernel_size, strides, padding)`; weight is (channels, in_channels, kh, kw). */
export const Conv2D = defineLayer({
  type: 'Conv2D',
  category: 'Convolution',
  alias: 'conv',
  doc: '2-D convolution over (C, H, W) feature maps',
  params: {
    channels: { kind: 'int', default: 16, min: 1, max: 65536, doc: 'number of output channels (filters)' },
    kernelSize: { kind: 'size2', default: 3, min: 1, doc: 'window size (k or [kh, kw])' },
    strides: { kind: 'size2', default: 1, min: 1, doc: 'step between windows' },
    padding: { kind: 'size2', default: 0, min: 0, doc: 'zeros added on each side' },
    activation: activationParam,
    useBias: { kind: 'bool', default: true, doc: 'add a bias per channel' },
  },
  inputs: { min: 1, max: 1 },
  shape: (ins, p) => {
    const hw = spatial(ins[0], pair(p.kernelSize), pair(p.strides), pair(p.padding));
    return Array.isArray(hw) ? [p.channels as number, ...hw] : hw;
  },
  paramSpecs: (ins, p) => {
    const [kh, kw] = pair(p.kernelSize);
    const c = p.channels as number;
    const specs: ParamSpec[] = [
      { name: 'weight', shape: [c, ins[0][0], kh, kw], axes: ['out', 'in', 'kh', 'kw'], trainable: true, init: XAVIER },
    ];
    if (p.useBias) specs.push({ name: 'bias', shape: [c], axes: ['out'], trainable: true, init: { type: 'zeros' } });
    return specs;
  },
  flops: (ins, out, p) => {
    const [kh, kw] = pair(p.kernelSize);
    return 2 * size(out) * ins[0][0] * kh * kw;
  },
});
