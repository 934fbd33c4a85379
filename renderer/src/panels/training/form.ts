// The Training panel's form, pure: the document's training settings → the fields as typed (strings, so a
// half-typed number is never lost), the fields → a `train/start` config or one error per field, the config →
// the document's settings again, and the reasons Start is refused. form.test.ts checks it all.
import { DEFAULT_VALIDATION_SPLIT, type TrainingSettings } from '../../../../engine/core';
import type { RunState, TrainConfig } from '../../../../engine/protocol';
import { isActive } from './run-state';

/** Where the data comes from: a built-in the engine knows, an image folder, or a CSV/TSV table. */
export type DataKind = 'builtin' | 'folder' | 'csv';
export type ScheduleKind = 'constant' | 'step' | 'cosine';

export interface TrainForm {
  dataKind: DataKind;
  /** A built-in id, or the folder / file path. */
  dataset: string;
  /** CSV only: the header's label column ('' until the engine has read the header). */
  labelColumn: string;
  epochs: string;
  batchSize: string;
  optimizer: 'sgd' | 'adam';
  lr: string;
  momentum: string;
  limit: string;
  /** Percent of the training data held out for validation. */
  validation: string;
  schedule: ScheduleKind;
  /** Step schedule: every N epochs, × gamma. */
  stepEvery: string;
  stepGamma: string;
  /** Cosine schedule: the learning rate it ends at. */
  minLr: string;
  /** Early stopping: epochs without validation improvement; '' = off. */
  patience: string;
  /** The backend to train on; '' = the engine's automatic choice. */
  backend: string;
  /** Data-parallel workers on wasm: 'auto' or '1'…'8'. */
  workers: string;
}

export type TrainingDefaults = Partial<TrainingSettings>;

/** A path ending in .csv/.tsv is a table, one with a separator a folder, anything else a built-in's id. */
export function sourceKind(source: string): DataKind {
  if (/\.(csv|tsv)$/i.test(source.trim())) return 'csv';
  return /[/\\]/.test(source) ? 'folder' : 'builtin';
}

/** "fashion-mnist" → "Fashion-MNIST": the engine's ids as a person writes them. */
export const builtinLabel = (id: string) =>
  id
    .split('-')
    .map((w) => (/mnist$/i.test(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('-');

/** How a run's data reads in a caption: a built-in's name, a path's last part. */
export const sourceLabel = (source: string) =>
  sourceKind(source) === 'builtin' ? builtinLabel(source) : (source.split(/[/\\]/).pop() ?? source);

const str = (v: number | undefined, d: number) => String(v ?? d);

export function formFrom(t: TrainingDefaults | undefined): TrainForm {
  const dataset = t?.dataset ?? 'fashion-mnist';
  const s = t?.schedule;
  return {
    dataKind: sourceKind(dataset),
    dataset,
    labelColumn: t?.labelColumn ?? '',
    epochs: str(t?.epochs, 10),
    batchSize: str(t?.batchSize, 128),
    optimizer: t?.optimizer ?? 'sgd',
    lr: String(t?.lr ?? (t?.optimizer === 'adam' ? 0.001 : 0.1)),
    momentum: t?.momentum === undefined ? '' : String(t.momentum),
    limit: '',
    // 0.1 → "10": one decimal at most, never 10.000000000000002
    validation: String(+((t?.validationSplit ?? DEFAULT_VALIDATION_SPLIT) * 100).toFixed(1)),
    schedule: s?.type ?? 'constant',
    stepEvery: str(s?.type === 'step' ? s.every : undefined, 10),
    stepGamma: str(s?.type === 'step' ? s.gamma : undefined, 0.1),
    minLr: str(s?.type === 'cosine' ? s.minLr : undefined, 0),
    patience: t?.earlyStop ? String(t.earlyStop.patience) : '',
    backend: t?.backend ?? '',
    workers: String(t?.workers ?? 'auto'),
  };
}

/** Workers apply to wasm only: asked for by name, or the automatic choice when it is wasm. */
export const workersApply = (backend: string, automatic: string | undefined) => (backend || automatic) === 'wasm';

export type FormErrors = Partial<Record<keyof TrainForm, string>>;
export type StartConfig = Omit<TrainConfig, 'doc'>;
export interface ParsedForm {
  config?: StartConfig;
  errors: FormErrors;
}

const int = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN);
const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

export function parseForm(f: TrainForm): ParsedForm {
  const errors: FormErrors = {};
  const epochs = int(f.epochs),
    batchSize = int(f.batchSize),
    lr = num(f.lr),
    momentum = f.momentum.trim() === '' ? undefined : Number(f.momentum);
  const limit = f.limit.trim() === '' ? undefined : int(f.limit);
  const validation = num(f.validation);
  const patience = f.patience.trim() === '' ? undefined : int(f.patience);
  const source = f.dataset.trim();
  if (!(epochs >= 1 && epochs <= 10_000)) errors.epochs = 'a whole number from 1 to 10000';
  if (!(batchSize >= 1 && batchSize <= 65_536)) errors.batchSize = 'a whole number from 1 to 65536';
  if (!(lr > 0) || !Number.isFinite(lr)) errors.lr = 'a positive number';
  if (momentum !== undefined && !(momentum >= 0 && momentum <= 1)) errors.momentum = 'between 0 and 1';
  if (limit !== undefined && !(limit >= 1)) errors.limit = 'a whole number ≥ 1, or empty for all';
  if (!(validation >= 0 && validation <= 90)) errors.validation = 'a percentage from 0 to 90';
  if (patience !== undefined && !(patience >= 1)) errors.patience = 'a whole number of epochs ≥ 1, or empty for off';
  if (f.dataKind === 'builtin' && !source) errors.dataset = 'choose a data set';
  if (f.dataKind === 'folder' && !source) errors.dataset = 'the path of an image folder';
  if (f.dataKind === 'csv' && !/\.(csv|tsv)$/i.test(source)) errors.dataset = 'the path of a .csv or .tsv file';
  let schedule: StartConfig['schedule'];
  if (f.schedule === 'step') {
    const every = int(f.stepEvery),
      gamma = num(f.stepGamma);
    if (!(every >= 1)) errors.stepEvery = 'a whole number of epochs ≥ 1';
    if (!(gamma > 0 && gamma <= 1)) errors.stepGamma = 'a factor in (0, 1]';
    schedule = { type: 'step', every, gamma };
  } else if (f.schedule === 'cosine') {
    const minLr = num(f.minLr);
    if (!(minLr >= 0 && (!(lr > 0) || minLr < lr))) errors.minLr = 'a number ≥ 0, below the learning rate';
    schedule = { type: 'cosine', minLr };
  }
  const workers = f.workers === 'auto' ? ('auto' as const) : int(f.workers);
  if (workers !== 'auto' && !(workers >= 1 && workers <= 8)) errors.workers = "'auto' or a whole number from 1 to 8";
  if (Object.keys(errors).length) return { errors };
  const labelColumn = f.dataKind === 'csv' && f.labelColumn.trim() ? f.labelColumn.trim() : undefined;
  return {
    errors,
    config: {
      data: {
        source,
        ...(limit !== undefined ? { limit } : {}),
        validationSplit: validation / 100,
        ...(labelColumn ? { labelColumn } : {}),
      },
      epochs,
      batchSize,
      lr,
      optimizer: f.optimizer,
      ...(f.optimizer === 'sgd' && momentum !== undefined ? { momentum } : {}),
      ...(schedule ? { schedule } : {}),
      ...(patience !== undefined ? { earlyStop: { patience } } : {}),
      ...(f.backend ? { backend: f.backend } : {}),
      // Automatic is the engine's default (the physical cores when the run is on wasm, measured against one); a
      // backend other than wasm has none (the engine ignores them there).
      ...(workers !== 'auto' && (!f.backend || f.backend === 'wasm') ? { workers } : {}),
    },
  };
}

/**
 * The document's training settings after a run started with `c`: what the form shows replaces what was there;
 * what it does not show (input resize, weight decay, early stopping's minDelta) is kept. A default the document
 * did not spell out (10 % validation, a constant schedule) stays unspelled, so starting a run changes nothing.
 */
export function settingsAfter(before: TrainingDefaults | undefined, c: StartConfig): TrainingSettings {
  const t: TrainingDefaults = {
    ...before,
    dataset: c.data.source,
    labelColumn: c.data.labelColumn,
    validationSplit: c.data.validationSplit,
    schedule: c.schedule,
    earlyStop: c.earlyStop && { ...before?.earlyStop, ...c.earlyStop },
    optimizer: c.optimizer,
    lr: c.lr,
    batchSize: c.batchSize,
    epochs: c.epochs,
    momentum: c.optimizer === 'sgd' ? c.momentum : undefined,
    backend: c.backend,
    workers: c.workers ?? (before?.workers !== undefined ? ('auto' as const) : undefined),
  };
  if (t.validationSplit === DEFAULT_VALIDATION_SPLIT && before?.validationSplit === undefined) delete t.validationSplit;
  for (const k of Object.keys(t) as (keyof TrainingDefaults)[]) if (t[k] === undefined) delete t[k];
  return t as TrainingSettings;
}

/** Why Start is refused right now, or null when it may run. `data`: the engine's answer about the chosen data. */
export function startBlocker(o: {
  engineUp: boolean;
  errors: { message: string; path: string }[];
  state: RunState | null;
  form: FormErrors;
  starting: boolean;
  data?: { code: string; message: string } | null;
  /** Why the chosen backend cannot train here (Backend.tsx), or null. */
  backend?: string | null;
}): string | null {
  if (!o.engineUp) return 'The engine is offline: training needs it (it reconnects by itself).';
  if (o.starting || isActive(o.state)) return 'A run is in progress: stop it first.';
  if (o.errors.length) {
    const e = o.errors[0];
    return `The network has ${o.errors.length} problem${o.errors.length > 1 ? 's' : ''}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
  }
  const bad = Object.entries(o.form)[0];
  if (bad) return `Fix the settings: ${FIELD_NAMES[bad[0] as keyof TrainForm] ?? bad[0]} must be ${bad[1]}.`;
  if (o.data) return `The data cannot be used: ${o.data.code}: ${o.data.message}`;
  if (o.backend) return `Choose another backend: ${o.backend}.`;
  return null;
}

/** How the refusal names a field (as its label reads). */
const FIELD_NAMES: Partial<Record<keyof TrainForm, string>> = {
  dataset: 'the data',
  batchSize: 'batch size',
  lr: 'learning rate',
  limit: 'limit samples',
  validation: 'validation %',
  stepEvery: 'step every',
  stepGamma: 'step ×γ',
  minLr: 'min lr',
  patience: 'early-stop patience',
  workers: 'workers',
};
