// What a trained model gets wrong: accuracy, per-class precision and recall, the confusion matrix and the
// misclassified samples with their top-3 classes, over the first `limit` samples of a split (the samples
// `netloom predict` would see, in the same order).
import { predictBatch, type Model } from '../runtime';

/** A split of a data set, read in order (engine/data's filler behind it; the host and the CLI adapt). */
export interface SampleSource {
  n: number;
  classes: string[];
  sampleSize: number;
  /** Samples [start, start+count) into x (N·C·H·W) and y. */
  fill(start: number, count: number, x: Float32Array, y: Int32Array): void;
}

export interface Evaluation {
  samples: number;
  accuracy: number;
  classes: string[];
  precision: Float32Array;
  recall: Float32Array;
  support: Int32Array;
  /** Row-major [C × C]: [true * C + predicted]. */
  confusion: Int32Array;
  misclassified: { indices: Int32Array; labels: Int32Array; top: Int32Array; probs: Float32Array; total: number };
}

const BATCH = 256;

/** Softmax of one row of logits, and the indices of its k largest probabilities. */
export function topK(logits: ArrayLike<number>, k: number): { classes: number[]; probs: number[] } {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  const order = e.map((_, i) => i).sort((a, b) => e[b] - e[a] || a - b);
  const classes = order.slice(0, k);
  return { classes, probs: classes.map((c) => e[c] / sum) };
}

export async function evaluateModel(
  model: Model,
  src: SampleSource,
  opts: {
    limit?: number;
    maxMisclassified?: number;
    signal?: AbortSignal;
    /** predictBatch's contract by another route (the CLI's data-parallel workers); default runtime's. */
    predict?: typeof predictBatch;
  } = {},
): Promise<Evaluation> {
  const predict = opts.predict ?? predictBatch;
  const total = Math.min(opts.limit ?? src.n, src.n);
  const maxMis = opts.maxMisclassified ?? 200;
  const C = src.classes.length;
  const confusion = new Int32Array(C * C);
  const mis = { indices: [] as number[], labels: [] as number[], top: [] as number[], probs: [] as number[] };
  let misTotal = 0;
  const x = new Float32Array(Math.min(BATCH, Math.max(1, total)) * src.sampleSize),
    y = new Int32Array(Math.min(BATCH, Math.max(1, total)));
  for (let start = 0; start < total; start += BATCH) {
    if (opts.signal?.aborted) throw Object.assign(new Error('evaluation cancelled'), { name: 'AbortError' });
    const n = Math.min(BATCH, total - start);
    src.fill(start, n, x, y);
    const { logits, classes } = await predict(model, x.subarray(0, n * src.sampleSize), n);
    for (let i = 0; i < n; i++) {
      const row = logits.subarray(i * classes, (i + 1) * classes);
      let predicted = 0;
      for (let k = 1; k < classes; k++) if (row[k] > row[predicted]) predicted = k;
      confusion[y[i] * C + predicted]++;
      if (predicted !== y[i]) {
        misTotal++;
        if (mis.indices.length < maxMis) {
          const t = topK(row, Math.min(3, classes));
          mis.indices.push(start + i);
          mis.labels.push(y[i]);
          for (let k = 0; k < 3; k++) {
            mis.top.push(t.classes[k] ?? -1);
            mis.probs.push(t.probs[k] ?? 0);
          }
        }
      }
    }
    await new Promise<void>((r) => setImmediate(r));
  }
  const precision = new Float32Array(C),
    recall = new Float32Array(C),
    support = new Int32Array(C);
  let correct = 0;
  for (let c = 0; c < C; c++) {
    let row = 0,
      col = 0;
    for (let k = 0; k < C; k++) {
      row += confusion[c * C + k];
      col += confusion[k * C + c];
    }
    const tp = confusion[c * C + c];
    correct += tp;
    support[c] = row;
    precision[c] = col ? tp / col : 0;
    recall[c] = row ? tp / row : 0;
  }
  return {
    samples: total,
    accuracy: total ? correct / total : 0,
    classes: src.classes,
    precision,
    recall,
    support,
    confusion,
    misclassified: {
      indices: Int32Array.from(mis.indices),
      labels: Int32Array.from(mis.labels),
      top: Int32Array.from(mis.top),
      probs: Float32Array.from(mis.probs),
      total: misTotal,
    },
  };
}
