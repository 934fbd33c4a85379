// Initializers (Gluon's mx.init) evaluated into Float32Arrays in the parameter's Gluon shape.
import type { Init } from '../core';
import type { Rng } from './rng';

/** Fans as Gluon computes them: shape[1]·receptive field in, shape[0]·receptive field out. */
function fans(shape: number[]): [number, number] {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const rf = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1] * rf, shape[0] * rf];
}

/**
 * Values for one parameter. Example: `initValues({type:'xavier', magnitude:3, distribution:'uniform'}, 'dense0_weight', [256, 784], rng)`.
 * `my-init` is the seed's MyInit: weights uniform in [5, 10], biases 2.
 */
export function initValues(init: Init, name: string, shape: number[], rng: Rng): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const [fanIn, fanOut] = fans(shape);
  switch (init.type) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'uniform':
      return rng.uniform(out, init.low, init.high);
    case 'normal':
      return rng.normal(out, init.mean, init.std);
    case 'xavier': {
      const scale = Math.sqrt(init.magnitude / ((fanIn + fanOut) / 2));
      return init.distribution === 'uniform' ? rng.uniform(out, -scale, scale) : rng.normal(out, 0, scale);
    }
    case 'he': {
      const std = Math.sqrt(2 / fanIn);
      return init.distribution === 'normal'
        ? rng.normal(out, 0, std)
        : rng.uniform(out, -std * Math.sqrt(3), std * Math.sqrt(3));
    }
    case 'my-init':
      if (name.endsWith('weight')) return rng.uniform(out, 5, 10);
      if (name.endsWith('bias')) return out.fill(2);
      return name.endsWith('var') || name.endsWith('gamma') ? out.fill(1) : out;
  }
}
