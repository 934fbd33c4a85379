// The Evaluation view's pure side, over `evaluate/run`'s result: confusion cells, per-class accuracy and the
// misclassified samples of one cell with their top-3 predictions.
import type { EvaluateResult } from '../../../../engine/protocol';

export const classCount = (r: EvaluateResult) => r.classes.length;

/** Samples of true class i predicted as j. */
export const cell = (r: EvaluateResult, i: number, j: number) => r.confusion[i * r.classes.length + j];

/** Per class: the fraction of its samples predicted right (recall), and how many it has. */
export function perClassAccuracy(r: EvaluateResult): { name: string; acc: number; support: number }[] {
  return r.classes.map((name, i) => ({ name, acc: r.recall[i], support: r.support[i] }));
}

/** Intensity 0..1 of a cell for its colour: its share of the row (the true class's samples). */
export function shareOfRow(r: EvaluateResult, i: number, j: number): number {
  const n = r.support[i];
  return n > 0 ? cell(r, i, j) / n : 0;
}

export interface Misclassified {
  /** Index in the evaluated split (what `predict` and probes use). */
  index: number;
  label: number;
  top: { cls: number; prob: number }[];
}

/** The misclassified samples the engine listed, optionally only those of true class i predicted as j. */
export function misclassified(r: EvaluateResult, where?: { i: number; j: number }): Misclassified[] {
  const m = r.misclassified;
  const out: Misclassified[] = [];
  for (let k = 0; k < m.indices.length; k++) {
    const top = [0, 1, 2]
      .filter((t) => k * 3 + t < m.top.length && m.top[k * 3 + t] >= 0)
      .map((t) => ({ cls: m.top[k * 3 + t], prob: m.probs[k * 3 + t] }));
    if (where && (m.labels[k] !== where.i || top[0]?.cls !== where.j)) continue;
    out.push({ index: m.indices[k], label: m.labels[k], top });
  }
  return out;
}
