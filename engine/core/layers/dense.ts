import { activationParam, XAVIER } from './util';
import { size, defineLayer, type ParamSpec } from './types';

/** Gluon's `nn.Dense(units, activation)`: flattens its input (flatten=True), weight is (units, in_units). */
export const Dense = defineLayer({
  type: 'Dense',
  category: 'Core',
  alias: 'dense',
  doc: 'Fully connected layer: y = act(x·Wᵀ + b); flattens (C, H, W) inputs',
  params: {
    units: { kind: 'int', default: 10, min: 1, max: 1 << 20, doc: 'number of outputs' },
    activation: activationParam,
    useBias: { kind: 'bool', default: true, doc: 'add a bias vector' },
  },
  inputs: { min: 1, max: 1 },
  shape: (_ins, p) => [p.units as number],
  paramSpecs: (ins, p) => {
    const specs: ParamSpec[] = [
      { name: 'weight', shape: [p.units as number, size(ins[0])], axes: ['out', 'in'], trainable: true, init: XAVIER },
    ];
    if (p.useBias)
      specs.push({ name: 'bias', shape: [p.units as number], axes: ['out'], trainable: true, init: { type: 'zeros' } });
    return specs;
  },
  flops: (ins, out) => 2 * size(ins[0]) * out[0],
});
