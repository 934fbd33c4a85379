// The one entry point: a source name or path → a Dataset of plain typed arrays, ready for `batches()`.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isBuiltinName, loadBuiltin, type EnsureOptions } from './builtin';
import { loadCsv } from './csv';
import { DataError } from './errors';
import { loadImageFolder } from './folder';
import { holdOut, limitSplit } from './transforms';
import type { DataProgress, Dataset, DatasetSource, DrawnFrom, Normalize, Split } from './types';

export interface LoadSpec {
  /** 'fashion-mnist' | 'mnist', an image folder, or a .csv/.tsv file. */
  source: string;
  /** Fraction of the training samples held out as `validation`, in [0, 1). Default 0 (none). */
  split?: number;
  /** Keep only the first N samples of train and of test (applied before the validation split). */
  limit?: number;
  /** [height, width] for images: built-ins are resized per batch, folders once at load. */
  resize?: [number, number];
  /** CSV only: the label column's header name (default "label"). */
  labelColumn?: string;
  /** The app cache root; built-ins live in `<cacheDir>/datasets/<name>` (default $NETLOOM_CACHE or ~/.cache/netloom). */
  cacheDir?: string;
  onProgress?: (p: DataProgress) => void;
  /** Seed for every random choice here (test and validation hold-outs). Default 0. */
  seed?: number;
  /** Folders without train/test and CSV files: fraction held out as `test`. Default 0.2. */
  testFraction?: number;
  /** Mean/std per channel (or per feature) applied after scaling; defaults: images [0,1], tables standardized. */
  normalize?: { mean?: number[]; std?: number[] };
  signal?: AbortSignal;
  /** Built-ins: a mirror (or a test server) replacing the official URLs, with its MD5s by file name. */
  baseUrl?: string;
  checksums?: Record<string, string>;
  /** Built-ins: system folders to look in (default: the table's, e.g. /usr/share/datasets/fashion-mnist). */
  systemDirs?: string[];
  /** Built-ins: false forbids the network (a missing set is E_DATA_NOT_FOUND). */
  download?: boolean;
}

function checkSpec(spec: LoadSpec): void {
  const bad = (msg: string) => new DataError('E_DATA_OPTION', msg);
  if (typeof spec.source !== 'string' || spec.source.trim() === '')
    throw bad('source must be a data set name or a path');
  if (spec.split !== undefined && !(spec.split >= 0 && spec.split < 1))
    throw bad(`split must be in [0, 1), got ${spec.split}`);
  if (spec.testFraction !== undefined && !(spec.testFraction > 0 && spec.testFraction < 1)) {
    throw bad(`testFraction must be in (0, 1), got ${spec.testFraction}`);
  }
  if (spec.limit !== undefined && !(Number.isInteger(spec.limit) && spec.limit > 0))
    throw bad(`limit must be a positive integer, got ${spec.limit}`);
  if (spec.resize !== undefined) {
    const r = spec.resize;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => Number.isInteger(v) && v > 0 && v <= 4096)) {
      throw bad(`resize must be [height, width] with integers in 1..4096, got ${JSON.stringify(r)}`);
    }
  }
}

/** Per-feature mean and std of a table's training part, so features arrive standardized. */
function featureStats(split: Split): { mean: number[]; std: number[] } {
  const f = split.shape[0];
  const sum = new Float64Array(f);
  const sq = new Float64Array(f);
  for (let i = 0; i < split.n; i++) {
    for (let j = 0; j < f; j++) {
      const v = split.x[i * f + j];
      sum[j] += v;
      sq[j] += v * v;
    }
  }
  const mean = Array.from(sum, (s) => s / Math.max(split.n, 1));
  // A constant column has std 0; dividing by 1 instead leaves it centred rather than Infinity.
  const std = Array.from(sq, (s, j) => Math.sqrt(Math.max(s / Math.max(split.n, 1) - mean[j] ** 2, 0)) || 1);
  return { mean, std };
}

/**
 * Loads a data set. e.g. `await loadDataset({ source: 'fashion-mnist', split: 0.1, resize: [224, 224] })`
 * → `{ name, classes, inputShape: [1, 224, 224], train, validation, test, normalize, source }`.
 */
export async function loadDataset(spec: LoadSpec): Promise<Dataset> {
  checkSpec(spec);
  const seed = spec.seed ?? 0;
  let name: string;
  let classes: string[];
  let train: Split;
  let test: Split;
  let source: DatasetSource;
  let inputShape: number[];
  let normalize: Normalize;
  const drawn: DrawnFrom = { seed, ...(spec.limit ? { limit: spec.limit } : {}) };

  if (isBuiltinName(spec.source)) {
    if (spec.labelColumn !== undefined) throw new DataError('E_DATA_OPTION', 'labelColumn applies to CSV sources only');
    const b = await loadBuiltin(spec.source, spec satisfies EnsureOptions);
    if (b.train.shape.join() !== b.test.shape.join()) {
      throw new DataError(
        'E_DATA_FORMAT',
        `train images are [${b.train.shape}] but test images are [${b.test.shape}]`,
        b.dir,
      );
    }
    ({ train, test } = b);
    name = spec.source;
    classes = b.info.classes.slice();
    source = { kind: 'builtin', path: b.dir, location: b.location };
    drawn.files = b.files;
    // Built-ins stay at 28×28 in memory: 60000 × 224² floats would be 12 GB. Batches resize on the fly.
    inputShape = spec.resize ? [train.shape[0], ...spec.resize] : train.shape.slice();
    normalize = { scale: 1 / 255 };
  } else {
    const file = path.resolve(spec.source);
    const st = await stat(file).catch(() => null);
    if (!st) {
      throw new DataError(
        'E_DATA_NOT_FOUND',
        `"${spec.source}" is neither a built-in data set (fashion-mnist, mnist) nor an existing folder or .csv file`,
        file,
      );
    }
    let all: Split;
    let given: Split | null = null;
    if (st.isDirectory()) {
      if (spec.labelColumn !== undefined)
        throw new DataError('E_DATA_OPTION', 'labelColumn applies to CSV sources only');
      const f = await loadImageFolder(file, { resize: spec.resize, signal: spec.signal });
      ({ classes } = f);
      all = f.train;
      given = f.test;
      source = { kind: 'folder', path: file };
      normalize = { scale: 1 / 255 };
    } else if (/\.(csv|tsv)$/i.test(file)) {
      if (spec.resize) throw new DataError('E_DATA_OPTION', 'resize applies to images, not to CSV tables', file);
      drawn.labelColumn = spec.labelColumn ?? 'label';
      const c = await loadCsv(file, drawn.labelColumn);
      ({ classes } = c);
      all = c.samples;
      source = { kind: 'csv', path: file };
      normalize = { scale: 1 };
    } else {
      throw new DataError('E_DATA_FORMAT', 'expected a folder of class folders or a .csv/.tsv file', file);
    }
    if (given) {
      train = all;
      test = given;
    } else {
      drawn.testFraction = spec.testFraction ?? 0.2;
      const parts = holdOut(all, drawn.testFraction, seed);
      train = parts.rest;
      test = parts.held;
    }
    name = path.basename(file).replace(/\.(csv|tsv)$/i, '');
    inputShape = train.shape.slice();
  }

  train = limitSplit(train, spec.limit);
  test = limitSplit(test, spec.limit);
  let validation: Split | undefined;
  if (spec.split) {
    // seed + 1: the validation draw must not repeat the test draw's order.
    const parts = holdOut(train, spec.split, seed + 1);
    train = parts.rest;
    validation = parts.held;
  }
  if (source.kind === 'csv' && !spec.normalize) normalize = { scale: 1, ...featureStats(train) };
  if (spec.normalize) normalize = { ...normalize, ...spec.normalize };
  return { name, classes, inputShape, train, test, ...(validation ? { validation } : {}), normalize, source, drawn };
}
