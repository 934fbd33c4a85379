// Layers without parameters that keep or reshape their input.
import { ACTIVATIONS } from './util';
import { size, defineLayer } from './types';

export const Flatten = defineLayer({
  type: 'Flatten',
  category: 'Core',
  alias: 'flatten',
  doc: 'Reshape (C, H, W) to one vector of C·H·W features',
  params: {},
  inputs: { min: 1, max: 1 },
  shape: (ins) => [size(ins[0])],
  flops: () => 0,
});

export const Activation = defineLayer({
  type: 'Activation',
  category: 'Activation',
  alias: 'activation',
  doc: 'Element-wise nonlinearity (relu, sigmoid, tanh, softrelu, softsign)',
  params: { activation: { kind: 'enum', default: 'relu', options: ACTIVATIONS, doc: 'the function' } },
  inputs: { min: 1, max: 1 },
  shape: (ins) => ins[0],
  flops: (ins) => size(ins[0]),
});

export const Dropout = defineLayer({
  type: 'Dropout',
  category: 'Regularization',
  alias: 'dropout',
  doc: 'Zero a random fraction of inputs while training; identity in inference',
  params: { rate: { kind: 'float', default: 0.5, min: 0, max: 0.99, doc: 'fraction of units dropped' } },
  inputs: { min: 1, max: 1 },
  shape: (ins) => ins[0],
  flops: (ins) => size(ins[0]),
});

/** The seed's `CenteredLayer`: x − mean(x), a custom layer with no parameters. */
export const Centered = defineLayer({
  type: 'Centered',
  category: 'Custom',
  alias: 'centeredlayer',
  doc: 'Subtract the mean of the batch: x − mean(x)',
  params: {},
  inputs: { min: 1, max: 1 },
  shape: (ins) => ins[0],
  flops: (ins) => 2 * size(ins[0]),
});
