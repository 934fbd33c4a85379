// Plain-data types shared by every loader. No tensors here: engine/data must not import tfjs (only
// engine/runtime may), so data sets are typed arrays and the trainer turns batches into tensors.

/** Samples of one part of a data set, stored compactly; `shape` is the per-sample stored shape. */
export interface Split {
  /**
   * n samples, each `shape` (images CHW, channels first; tables [features]), back to back.
   * Images are kept as raw bytes 0..255 (4× smaller than floats: 47 MB for Fashion-MNIST's train
   * set instead of 188 MB); tables as floats. Batches convert, resize and normalize lazily.
   */
  x: Uint8Array | Float32Array;
  /** Class index per sample, 0..classes.length-1. */
  y: Int32Array;
  n: number;
  shape: number[];
}

/** v' = (v * scale - mean[c]) / std[c], c = channel (images) or feature (tables). */
export interface Normalize {
  scale: number;
  mean?: number[];
  std?: number[];
}

export interface DatasetSource {
  kind: 'builtin' | 'folder' | 'csv';
  /** Folder or file the samples came from (for built-ins, the folder holding the IDX files). */
  path: string;
  /** Built-ins only: which lookup found the files. */
  location?: 'cache' | 'system' | 'downloaded';
}

export interface Dataset {
  name: string;
  classes: string[];
  /** The per-sample shape batches have (after any resize), e.g. [1, 28, 28] or [1, 224, 224]. */
  inputShape: number[];
  train: Split;
  test: Split;
  /** Present when a validation fraction was asked for; carved out of `train`. */
  validation?: Split;
  /** Applied by the batch iterator; images default to scale 1/255 (→ [0, 1]). */
  normalize: Normalize;
  source: DatasetSource;
  /** How the parts were drawn from the files, for a reader that repeats it (engine/runtime/torch/data.py). */
  drawn?: DrawnFrom;
}

/** loadDataset's choices: the test hold-out (seed), then `limit`, then the validation hold-out (seed + 1). */
export interface DrawnFrom {
  seed: number;
  limit?: number;
  /** Folders without train/test and CSV files: the fraction held out as test. */
  testFraction?: number;
  /** CSV: the label column asked for (matched exactly, then case-insensitively). */
  labelColumn?: string;
  /** Built-ins: the four IDX files read. */
  files?: Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', string>;
}

export type PartName = 'train' | 'test' | 'validation';

/** One mini-batch: x is NCHW (or N×features) float32, y the class indices. */
export interface Batch {
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** [n, ...inputShape] */
  shape: number[];
}

/** Download / lookup progress for built-ins; byte counts sum over the files still being fetched. */
export interface DataProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

export const sampleSize = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
