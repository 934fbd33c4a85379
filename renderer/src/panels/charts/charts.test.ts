import { describe, expect, it } from 'vitest';
import { align, positive } from './align';

describe('align (uPlot aligned data from series with their own steps)', () => {
  it('takes the union of the x values, sorted, with null where a series has no value', () => {
    const d = align([
      { xs: [1, 2, 3], ys: [0.5, 0.4, 0.3] },
      { xs: [3], ys: [0.35] },
      { xs: [0, 4], ys: [9, 8] },
    ]);
    expect(d).toEqual([
      [0, 1, 2, 3, 4],
      [null, 0.5, 0.4, 0.3, null],
      [null, null, null, 0.35, null],
      [9, null, null, null, 8],
    ]);
  });

  it('leaves out values the scale cannot show: non-finite always, and 0 or negatives on a log axis', () => {
    expect(align([{ xs: [1, 2, 3], ys: [NaN, 1, Infinity] }])).toEqual([
      [1, 2, 3],
      [null, 1, null],
    ]);
    expect(align([{ xs: [1, 2, 3, 4], ys: [0, 1e-9, -1, 2] }], positive)).toEqual([
      [1, 2, 3, 4],
      [null, 1e-9, null, 2],
    ]);
  });

  it('is empty for no points', () => {
    expect(align([{ xs: [], ys: [] }])).toEqual([[], []]);
    expect(align([])).toEqual([[]]);
  });
});
