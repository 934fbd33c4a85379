// Shared shape arithmetic for windowed layers (convolution, pooling).
import type { Init } from '../ir/schema';
import type { ParamDescriptor, ParamValues, Shape, ShapeIssue } from './types';

/** Default weight initializer (Xavier/Glorot uniform); documents can override it by name pattern. */
export const XAVIER: Init = { type: 'xavier', magnitude: 3, distribution: 'uniform' };

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'] as const;

export const activationParam: ParamDescriptor = {
  kind: 'enum',
  default: 'none',
  options: ['none', ...ACTIVATIONS],
  doc: 'activation applied to the output',
};

/** Reads an int-or-pair parameter as [h, w]. */
export function pair(v: ParamValues[string], fallback?: [number, number]): [number, number] {
  if (Array.isArray(v)) return [v[0], v[1] ?? v[0]];
  if (typeof v === 'number') return [v, v];
  if (fallback) return fallback;
  throw new Error(`expected an int or a pair, got ${JSON.stringify(v)}`);
}

/** Output length of a window sliding over `n` (Gluon's formula; `ceil` for pooling's ceil_mode). */
export function windowOut(n: number, k: number, s: number, p: number, ceil = false): number {
  const span = n + 2 * p - k;
  return (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
}

/** Checks a (C, H, W) input and computes the spatial output of a k×k window with strides and padding. */
export function spatial(
  input: Shape,
  k: [number, number],
  s: [number, number],
  p: [number, number],
  ceil = false,
): [number, number] | ShapeIssue {
  if (input.length !== 3) {
    return {
      code: 'E_RANK',
      detail: `needs a (C, H, W) input but got (${input.join(', ')})${input.length === 1 ? ' — it was flattened' : ''}`,
      port: 0,
    };
  }
  const [, h, w] = input;
  if (h + 2 * p[0] < k[0] || w + 2 * p[1] < k[1]) {
    return {
      code: 'E_SHAPE_TOO_SMALL',
      detail: `a ${k[0]}×${k[1]} window does not fit a ${h}×${w} input with padding ${p[0]}×${p[1]}`,
      port: 0,
    };
  }
  return [windowOut(h, k[0], s[0], p[0], ceil), windowOut(w, k[1], s[1], p[1], ceil)];
}
