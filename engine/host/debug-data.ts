// Samples for visual debugging, read from a data set (engine/debug itself never touches engine/data):
// the probe batch (default: the first 8 test samples) and a split as an ordered SampleSource for evaluate.
import { createFiller, getPart, type Dataset, type PartName } from '../data';
import type { ProbeBatch, SampleSource } from '../debug';

export const DEFAULT_PROBE = 8;

/** The probe batch: `indices` of `split` (default: the first 8, fewer when the split is smaller). */
export function probeBatch(data: Dataset, split: 'train' | 'test' = 'test', indices?: readonly number[]): ProbeBatch {
  const part = getPart(data, split);
  const pick = indices ?? Array.from({ length: Math.min(DEFAULT_PROBE, part.n) }, (_, i) => i);
  const bad = pick.find((i) => i >= part.n);
  if (bad !== undefined)
    throw Object.assign(new Error(`probe sample ${bad} is outside the ${split} split (0..${part.n - 1})`), {
      code: 'E_BAD_PARAMS',
    });
  const filler = createFiller(part, data.inputShape, data.normalize);
  const input = new Float32Array(pick.length * filler.sampleSize),
    labels = new Int32Array(pick.length);
  filler.fill(Uint32Array.from(pick), 0, pick.length, input, labels);
  return { split, indices: Int32Array.from(pick), labels, input, shape: [pick.length, ...data.inputShape] };
}

/** A split read in file order (exactly the samples `netloom predict` sees for the same split and limit). */
export function sampleSource(data: Dataset, split: PartName): SampleSource {
  const part = getPart(data, split);
  const filler = createFiller(part, data.inputShape, data.normalize);
  return {
    n: part.n,
    classes: data.classes,
    sampleSize: filler.sampleSize,
    fill: (start, count, x, y) => filler.fill(null, start, count, x, y),
  };
}
