// Merge layers: the only layers with more than one input (graph blocks wire them).
import { size, defineLayer, type Shape, type ShapeIssue } from './types';

const fmt = (s: Shape) => `(${s.join(', ')})`;

/** `nd.concat(..., dim=1)`: concatenates on channels; every other dimension must agree. */
export const Concat = defineLayer({
  type: 'Concat',
  category: 'Merge',
  alias: 'concat',
  doc: 'Join inputs along the channel axis',
  params: {},
  inputs: { min: 2, max: 64 },
  shape: (ins): Shape | ShapeIssue => {
    const first = ins[0];
    for (let i = 1; i < ins.length; i++) {
      const s = ins[i];
      if (s.length !== first.length || s.slice(1).some((d, j) => d !== first[j + 1])) {
        return {
          code: 'E_SHAPE_MISMATCH',
          detail: `input ${i} is ${fmt(s)} but input 0 is ${fmt(first)}; all but the channel axis must agree`,
          port: i,
        };
      }
    }
    return [ins.reduce((c, s) => c + s[0], 0), ...first.slice(1)];
  },
  flops: () => 0,
});

/** Element-wise sum (the Residual's `Y + X`): all inputs must have the same shape. */
export const Add = defineLayer({
  type: 'Add',
  category: 'Merge',
  alias: 'add',
  doc: 'Element-wise sum of inputs of the same shape',
  params: {},
  inputs: { min: 2, max: 64 },
  shape: (ins): Shape | ShapeIssue => {
    for (let i = 1; i < ins.length; i++) {
      if (fmt(ins[i]) !== fmt(ins[0]))
        return {
          code: 'E_SHAPE_MISMATCH',
          detail: `input ${i} is ${fmt(ins[i])} but input 0 is ${fmt(ins[0])}`,
          port: i,
        };
    }
    return ins[0];
  },
  flops: (ins, out) => (ins.length - 1) * size(out),
});
