// `netloom train`'s flags, mapped onto the protocol's `trainConfig` and validated by that same zod schema (one
// definition of what a valid run is, for the editor, the engine and the command line). The table below is the one
// place a flag is declared: parsing, the config path its errors are reported under, and `--help` all derive from it.
import type { z } from 'zod';
import { DEFAULT_VALIDATION_SPLIT, type NetworkDoc } from '../core';
import { dataSpec, trainConfig, workersBackendConflict, type TrainConfig } from '../protocol';
import { CliError, type Parsed } from './args';
import { asksForTorch, TORCH_FLAGS } from './torch-flags';
import { WATCH_FLAGS } from './watch';

export interface Flag {
  /** Where the value lands in a trainConfig (dots into nested objects); absent for the CLI's own flags. */
  path?: string;
  arg?: string;
  help: string;
}

/**
 * `--workers N|auto`, one definition for train, predict and evaluate: the same values (the contract's `workers`
 * schema), the same help; what 'auto' does and the default differ by command, so each says them.
 */
export function workersFlag(auto: string, byDefault: string): Flag {
  return {
    path: 'workers',
    arg: 'N|auto',
    help: `data-parallel workers on the wasm backend, 1–8 or 'auto' (${auto}; default ${byDefault}; more than the cores: clamped, with a note)`,
  };
}

/** A flag's line of a help text: `  --workers N|auto  data-parallel …`, padded to `width`. */
export const flagLine = (name: string, f: Flag, width = 0) =>
  `  ${`--${name}${f.arg ? ` ${f.arg}` : ''}`.padEnd(width)}  ${f.help}`;

/** What `--workers` says before validation: 'auto', a number when it looks like one, else the text typed. */
const rawWorkers = (p: Parsed) => {
  const v = text(p, 'workers');
  return v === undefined || v === 'auto' ? v : num(v);
};

/** `--workers` alone (predict, evaluate), validated by the contract's `workers` schema as train's is. */
export function workersOption(p: Parsed): number | 'auto' | undefined {
  const r = trainConfig.shape.workers.safeParse(rawWorkers(p));
  if (r.success) return r.data;
  throw new CliError(`--workers ${describeIssue(r.error.issues[0])}, got ${JSON.stringify(p.flags.workers)}`);
}

/**
 * Workers run replicas on the wasm backend only: asking for W > 1 on another is a usage error (the protocol's
 * `workersBackendConflict`, which train/start refuses too), said before the session opens when --backend names it
 * (otherwise once the automatic choice is known).
 */
export function checkWorkersBackend(
  workers: number | 'auto' | undefined,
  backend: string | undefined,
  from = '--',
): void {
  const conflict = workersBackendConflict(workers, backend);
  if (conflict) throw new CliError(`${from}${conflict}`);
}

/**
 * How many workers a run starts, each holding a replica of the network (for the memory check): none off wasm;
 * 'auto' may start one per core (autoWorkers); more than the cores are clamped as the run clamps them.
 */
export async function workerCount(workers: number | 'auto' | undefined, backend: string | undefined): Promise<number> {
  if (workers === undefined || workers === 1 || backend !== 'wasm') return 1;
  const { resolveWorkers } = await import('../runtime');
  const { autoWorkers } = await import('../train/workers-choice');
  return resolveWorkers(workers === 'auto' ? autoWorkers() : workers).workers;
}

export const TRAIN_FLAGS: Record<string, Flag> = {
  data: { path: 'data.source', arg: 'SOURCE', help: 'fashion-mnist | mnist | <image folder> | <file.csv>' },
  'label-column': { path: 'data.labelColumn', arg: 'NAME', help: 'CSV data: the label column (default "label")' },
  limit: { path: 'data.limit', arg: 'N', help: 'use the first N training (and test) samples' },
  'val-split': {
    path: 'data.validationSplit',
    arg: 'F',
    help: `fraction of the training data held out for validation, 0–0.9 (default ${DEFAULT_VALIDATION_SPLIT}; 0: report the test set)`,
  },
  epochs: { path: 'epochs', arg: 'N', help: 'passes over the training data (default: the document’s, else 10)' },
  'batch-size': { path: 'batchSize', arg: 'N', help: 'samples per step (default: the document’s, else 256)' },
  lr: { path: 'lr', arg: 'X', help: 'learning rate > 0 (default: the document’s, else 0.1 for sgd, 0.001 for adam)' },
  optimizer: { path: 'optimizer', arg: 'sgd|adam', help: 'optimizer (default: the document’s, else sgd)' },
  momentum: { path: 'momentum', arg: 'X', help: 'SGD momentum, 0–1' },
  schedule: {
    path: 'schedule',
    arg: 'S',
    help: 'learning-rate schedule: step:EVERY:GAMMA (×GAMMA every EVERY epochs) | cosine[:MINLR] | constant',
  },
  'early-stop': {
    path: 'earlyStop',
    arg: 'N',
    help: 'stop when the validation loss has not improved for N epochs',
  },
  backend: {
    path: 'backend',
    arg: 'NAME',
    help: 'the backend (default: a GPU torch, else the best tfjs one installed)',
  },
  workers: workersFlag(
    'the physical cores, kept if the first steps are faster',
    "'auto' when the run is on wasm (NETLOOM_WORKERS=N sets another)",
  ),
  seed: { path: 'seed', arg: 'N', help: 'seed for initialisation, shuffling and the validation split (default 0)' },
  ...TORCH_FLAGS,
  ...WATCH_FLAGS,
  resume: {
    arg: 'PROJECT',
    help: 'continue a saved .netloom run where it stopped (weights, optimizer, position); the network comes from it',
  },
  fresh: {
    help: "a project with trained weights: start from new initial weights (default: train on from the project's)",
  },
  save: {
    arg: 'FILE',
    help: 'write the trained network with its weights (FILE.netloom: the project zip with optimizer state and position, resumable; checked before training; atomic)',
  },
  json: { help: 'one JSON event per line on stdout instead of the progress bar' },
  help: { help: 'this text' },
};
export const TRAIN_BOOLEANS = ['json', 'help', 'fresh'];

/** The help text; the backend names come from the runtime's registry (loaded by then). */
export function trainHelp(backends: readonly string[]): string {
  const rows = Object.entries(TRAIN_FLAGS).map(([k, f]): [string, Flag] => [
    k,
    k === 'backend' ? { ...f, help: `${backends.join(' | ')}: ${f.help}` } : f,
  ]);
  const w = Math.max(...rows.map(([k, f]) => `--${k}${f.arg ? ` ${f.arg}` : ''}`.length));
  return [
    'usage: netloom train <template | project.netloom | file.netloom.json> [flags]',
    '',
    ...rows.map(([k, f]) => flagLine(k, f, w)),
    '',
    'Ctrl-C stops after the current batch (and saves when --save is given).',
  ].join('\n');
}

// Strict: `Number('')` is 0 and `Number(' 1 ')` is 1; a flag value is a number only when it looks like one.
// Anything else stays a string, so the schema refuses it and the message shows what was typed.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
export const num = (s: string): number | string => (NUMBER.test(s) ? Number(s) : s);

/** `step:EVERY:GAMMA`, `cosine[:MINLR]` or `constant` → the contract's Schedule (validated by its schema later). */
export function parseSchedule(s: string): unknown {
  const [type, ...a] = s.split(':');
  if (type === 'constant' && a.length === 0) return { type };
  if (type === 'step' && a.length === 2) return { type, every: num(a[0]), gamma: num(a[1]) };
  if (type === 'cosine' && a.length <= 1) return a.length ? { type, minLr: num(a[0]) } : { type };
  throw new CliError(`--schedule must be step:EVERY:GAMMA, cosine[:MINLR] or constant, got ${JSON.stringify(s)}`);
}

/**
 * The contract keeps `backend` a free string (the registry lives in the runtime, which the protocol may not
 * import); the command checks the name against the registry once it has loaded the runtime.
 */
export function checkBackend(name: string | undefined, known: readonly string[], from = '--'): void {
  if (name !== undefined && !known.includes(name))
    throw new CliError(`${from}backend must be one of ${known.join(', ')}, got ${JSON.stringify(name)}`);
}

/** Where a run setting came from, for its error: the flag, else the document's training settings. */
export const settingFrom = (p: Parsed, flag: string) =>
  p.flags[flag] !== undefined ? '--' : "the document's training.";

/** The CLI's flags for a run, plus what is not part of a trainConfig. */
export interface TrainOptions {
  config: TrainConfig;
  save?: string;
  json: boolean;
}

export const text = (p: Parsed, k: string): string | undefined => {
  const v = p.flags[k];
  if (v === true) throw new CliError(`--${k} needs a value`);
  return v;
};

/** How a bad `--limit` reads everywhere (the contract's `limit` is a positive whole number). */
export const LIMIT_RULE = 'must be a whole number >= 1';

/**
 * `--data`, `--limit` and `--label-column` of predict and evaluate, parsed by the contract's dataSpec; the
 * document's training settings fill what the flags leave out. Throws a one-line CliError naming the flag.
 */
export function dataFlags(p: Parsed, doc: NetworkDoc | null | undefined): z.output<typeof dataSpec> {
  const limitFlag = text(p, 'limit');
  const spec = dataSpec.safeParse({
    source: text(p, 'data') ?? doc?.training?.dataset ?? 'fashion-mnist',
    limit: limitFlag === undefined ? undefined : num(limitFlag),
    labelColumn: text(p, 'label-column') ?? doc?.training?.labelColumn,
  });
  if (spec.success) return spec.data;
  const at = String(spec.error.issues[0].path[0]);
  const flag = { source: 'data', limit: 'limit', labelColumn: 'label-column' }[at] ?? at;
  const why = at === 'limit' ? LIMIT_RULE : describeIssue(spec.error.issues[0]);
  throw new CliError(`--${flag} ${why}, got ${JSON.stringify(p.flags[flag])}`);
}

/** Placeholders of the help text for a sub-field's errors (`--schedule EVERY must be > 0, got "step:0:2"`). */
const PART: Record<string, string> = { every: 'EVERY', gamma: 'GAMMA', minLr: 'MINLR', patience: 'N' };

export function describeIssue(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { expected?: string; minimum?: number; maximum?: number; values?: unknown[] };
  // A union (`workers`: 1–8 or 'auto'): the first alternative's complaint, which names the rule.
  const first = (i as { errors?: z.core.$ZodIssue[][] }).errors?.[0]?.[0];
  if (i.code === 'invalid_union' && first) return describeIssue(first);
  if (i.code === 'invalid_type' && i.expected === 'int') return 'must be a whole number';
  if (i.code === 'invalid_type' && i.expected === 'number') return 'must be a number';
  if (i.code === 'too_small' && (i as { origin?: string }).origin === 'string') return 'must not be empty';
  if (i.code === 'too_small') return `must be ${i.inclusive ? '>=' : '>'} ${i.minimum}`;
  if (i.code === 'too_big') return `must be ${i.inclusive ? '<=' : '<'} ${i.maximum}`;
  if (i.code === 'invalid_value') return `must be one of ${i.values!.join(', ')}`;
  return i.message;
}

/**
 * Flags + the document's recommended settings (`training`) + defaults → a trainConfig, parsed by the protocol's
 * schema. Throws a one-line CliError naming the flag (or the document field) for the first problem.
 */
export function trainOptions(p: Parsed, doc: NetworkDoc | null, docText: string): TrainOptions {
  const t = doc?.training;
  const flagNum = (k: string) => {
    const v = text(p, k);
    return v === undefined ? undefined : num(v);
  };
  const optimizer = text(p, 'optimizer') ?? t?.optimizer ?? 'sgd';
  // The document's lr and momentum belong to its optimizer: --optimizer adam on an SGD template starts afresh.
  const same = optimizer === (t?.optimizer ?? 'sgd');
  const schedule = text(p, 'schedule');
  const patience = flagNum('early-stop');
  // The document's backend and workers are the editor's choice for it (it keeps workers only for wasm or the
  // automatic choice): a backend named here, or asked for by a torch flag, leaves the document's workers out.
  const backend = text(p, 'backend') ?? t?.backend;
  const otherBackend = (text(p, 'backend') ?? 'wasm') !== 'wasm' || asksForTorch(p.flags);
  const raw = {
    doc: docText,
    data: {
      source: text(p, 'data') ?? t?.dataset ?? 'fashion-mnist',
      limit: flagNum('limit'),
      validationSplit: flagNum('val-split') ?? t?.validationSplit ?? DEFAULT_VALIDATION_SPLIT,
      labelColumn: text(p, 'label-column') ?? t?.labelColumn,
    },
    epochs: flagNum('epochs') ?? t?.epochs ?? 10,
    batchSize: flagNum('batch-size') ?? t?.batchSize ?? 256,
    lr: flagNum('lr') ?? (same ? t?.lr : undefined) ?? (optimizer === 'adam' ? 1e-3 : 0.1),
    optimizer,
    momentum: flagNum('momentum') ?? (same ? t?.momentum : undefined),
    weightDecay: same ? t?.weightDecay : undefined,
    seed: flagNum('seed') ?? 0,
    backend,
    workers: rawWorkers(p) ?? (otherBackend ? undefined : t?.workers),
    schedule: schedule !== undefined ? parseSchedule(schedule) : t?.schedule,
    earlyStop: patience !== undefined ? { ...t?.earlyStop, patience } : t?.earlyStop,
  };
  const r = trainConfig.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = issue.path.join('.');
    const entry = Object.entries(TRAIN_FLAGS).find(([, f]) => f.path && (at === f.path || at.startsWith(f.path + '.')));
    const given = entry && p.flags[entry[0]] !== undefined;
    const part = PART[String(issue.path.at(-1))];
    if (!given) throw new CliError(`the document's training.${at} ${describeIssue(issue)}`);
    const [flag] = entry;
    const sub = part && flag !== 'early-stop' ? ` ${part}` : '';
    const why = flag === 'limit' ? LIMIT_RULE : describeIssue(issue);
    throw new CliError(`--${flag}${sub} ${why}, got ${JSON.stringify(p.flags[flag])}`);
  }
  if (r.data.data.limit === 0) throw new CliError(`--limit ${LIMIT_RULE}, got "0"`);
  const save = text(p, 'save');
  if (save === '') throw new CliError('--save needs a file name');
  return { config: r.data, save, json: p.flags.json === true };
}
