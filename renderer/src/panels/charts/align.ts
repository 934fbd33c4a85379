// uPlot draws series over one shared x array ("aligned data"); our series each have their own steps (a run's
// batches, its epochs, two runs of different lengths, layers sampled alike). Pure, tested in charts.test.ts.
import type { AlignedData } from 'uplot';

/** One series as its own x and y arrays. */
export interface XY {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/**
 * The union of the series' x values (sorted) and each series' y at them, null where it has none. `keep` drops
 * values a scale cannot show (a log axis has no place for 0, negatives or non-finite values): they become gaps.
 */
export function align(series: XY[], keep: (y: number) => boolean = Number.isFinite): AlignedData {
  const seen = new Set<number>();
  for (const s of series) for (let i = 0; i < s.xs.length; i++) seen.add(s.xs[i]);
  const xs = Float64Array.from(seen).sort();
  const at = new Map<number, number>();
  xs.forEach((x, i) => at.set(x, i));
  const ys = series.map((s) => {
    const out: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i];
      if (keep(y)) out[at.get(s.xs[i])!] = y;
    }
    return out;
  });
  return [Array.from(xs), ...ys];
}

/** Positive and finite: what a log axis can draw. */
export const positive = (y: number) => y > 0 && Number.isFinite(y);
