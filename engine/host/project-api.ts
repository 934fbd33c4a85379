// Projects that keep what training learned, for the editor: `project/save` packs a document with the weights,
// optimizer state and position of its run (or of the project it was opened from) into the `.netloom` zip,
// `project/open` reads one back, and `train/start {resume}` continues from one. The weights are matched to the
// document by core's fitWeights, so an edited structure drops only the layers whose shapes changed.
import { fitWeights, inferNetwork, type NetworkDoc, type ParamInfo } from '../core';
import { encodeProject, readProject, ProjectError, type Project } from '../export/project/project';
import type { Tensor } from '../export/layout';
import { RpcError, type Result } from '../protocol';
import type { Checkpoint, Trainer, TrainEvent } from '../train';
import { FORMATS, type FormatName } from '../export';

/** One entry of a project's run history (`runs.json`), the status bar's "trained: 2 epochs, 85.1 %". */
export interface RunRecord {
  epochs: number;
  step: number;
  acc?: number;
  accOn?: 'test' | 'validation' | 'train';
  backend?: string;
  /** ISO time of the last update. */
  at: string;
}

export type TrainedSummary = NonNullable<Result<'project/open'>['trained']>;

/** Follows a run's events into the record saved with it (the last figures measured, and on what). */
export function recordRun(trainer: Trainer, before: RunRecord[] = []): { runs: () => RunRecord[] } {
  const rec: RunRecord = { epochs: 0, step: 0, at: new Date().toISOString() };
  trainer.on((e: TrainEvent) => {
    if (e.event === 'epoch' && Number.isFinite(e.valAccuracy)) {
      rec.acc = e.valAccuracy;
      rec.accOn = e.valSource;
    } else if (e.event === 'done' && Number.isFinite(e.testAccuracy)) {
      rec.acc = e.testAccuracy;
      rec.accOn = 'test';
    } else if (e.event === 'start') rec.backend = e.backend;
  });
  return {
    runs: () => {
      const { epoch, step } = trainer.position;
      return [...before, { ...rec, epochs: epoch, step, at: new Date().toISOString() }];
    },
  };
}

const coded = (e: unknown): never => {
  if (e instanceof ProjectError || (e as { code?: string }).code === 'E_SAFETENSORS')
    throw new RpcError((e as { code: string }).code, (e as Error).message);
  throw e;
};

function read(bytes: Uint8Array): Project {
  try {
    return readProject(bytes);
  } catch (e) {
    return coded(e);
  }
}

const parametersOf = (doc: unknown, what: string): ParamInfo[] => {
  const net = inferNetwork(doc);
  if (!net.doc || net.errors.length)
    throw new RpcError(
      'E_INVALID_NETWORK',
      `${what} has errors: ${net.errors[0]?.code} at ${net.errors[0]?.path || '(root)'}: ${net.errors[0]?.message}`,
    );
  return net.parameters;
};

/** The project's summary: its last run's figures, or where its position stands. */
export function summaryOf(p: Project): TrainedSummary | null {
  if (!p.weights) return null;
  const runs = (p.runs ?? []) as RunRecord[];
  const last = runs[runs.length - 1];
  const pos = p.optimizer?.position;
  return {
    epochs: pos?.epoch ?? last?.epochs ?? 0,
    step: pos?.step ?? last?.step ?? 0,
    ...(last?.acc !== undefined ? { acc: last.acc, accOn: last.accOn } : {}),
    resumable: !!p.optimizer,
  };
}

/**
 * Re-keys a project's weights (and optimizer slots) to `doc`'s parameters. Layers whose shapes changed are
 * dropped (named in `dropped`); new layers have no entry (the model keeps their initial values).
 */
export function fitProject(p: Project, doc: unknown): { project: Project; dropped: string[]; partial: boolean } {
  const now = parametersOf(doc, 'the network');
  if (!p.weights) return { project: { ...p, doc: doc as NetworkDoc }, dropped: [], partial: false };
  const fit = fitWeights(parametersOf(p.doc, 'the saved network'), now);
  const weights: Record<string, Tensor> = {};
  for (const [to, from] of Object.entries(fit.keep)) weights[to] = p.weights[from];
  const out: Project = { doc: doc as NetworkDoc, weights, runs: p.runs };
  if (p.optimizer) {
    const back = new Map(Object.entries(fit.keep).map(([to, from]) => [from, to]));
    const slots: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(p.optimizer.slots)) {
      const cut = k.lastIndexOf('/');
      const to = back.get(k.slice(0, cut));
      if (to) slots[`${to}${k.slice(cut)}`] = t;
    }
    out.optimizer = { slots, position: p.optimizer.position };
  }
  return {
    project: out,
    dropped: fit.dropped.map((d) => d.message),
    partial: fit.dropped.length > 0 || fit.fresh.length > 0,
  };
}

/** A trainer's checkpoint as the project's weights, optimizer slots and position. */
export function projectOf(doc: NetworkDoc, c: Checkpoint, runs: RunRecord[]): Project {
  return {
    doc,
    weights: c.weights,
    optimizer: {
      slots: c.optimizer.slots,
      position: { ...c.position, optimizerStep: c.optimizer.step, lr: c.lr, rngState: c.rngState },
    },
    runs,
  };
}

/**
 * Restores a project into a trainer that has not started: the weights that fit (the model keeps its initial
 * values for the rest), the optimizer, lr, RNG and position. Returns the one-line notes of dropped layers.
 */
export async function resumeInto(trainer: Trainer, doc: NetworkDoc, bytes: Uint8Array): Promise<string[]> {
  const { project, dropped } = fitProject(read(bytes), doc);
  if (!project.weights) throw new RpcError('E_NOTHING_TO_RESUME', 'the project has no trained weights to resume');
  const weights = { ...(await trainer.model.params.toGluon()), ...project.weights };
  const pos = project.optimizer?.position;
  trainer.restore({
    weights,
    optimizer: { step: pos?.optimizerStep ?? 0, slots: project.optimizer?.slots ?? {} },
    position: pos ? { epoch: pos.epoch, batch: pos.batch, step: pos.step } : { epoch: 0, batch: 0, step: 0 },
    lr: pos?.lr ?? trainer.opt.lr,
    rngState: pos?.rngState ?? trainer.model.rng.state,
  });
  return dropped;
}

/** `project/open`: the document and its summary (weights stay in the bytes the caller keeps). */
export function openProject(bytes: Uint8Array): Result<'project/open'> {
  const p = read(bytes);
  return { doc: p.doc, trained: summaryOf(p) };
}

// encodeProject allocates a plain ArrayBuffer (never shared), which is what the protocol's bytes schema says.
const bytesOf = (p: Project) => encodeProject(p) as Uint8Array<ArrayBuffer>;

/** `project/save` from a run's checkpoint, a base project, or the document's own legacy weights. */
export function saveProject(doc: unknown, source: Project | null): Result<'project/save'> {
  if (!source) {
    const legacy = (doc as NetworkDoc).weights ? read(new TextEncoder().encode(JSON.stringify(doc))) : null;
    if (!legacy) {
      parametersOf(doc, 'the network');
      const p: Project = { doc: doc as NetworkDoc, weights: null };
      return { bytes: bytesOf(p), trained: null, dropped: [] };
    }
    source = legacy;
  }
  const { project, dropped } = fitProject(source, doc);
  return { bytes: bytesOf(project), trained: summaryOf(project), dropped };
}

export const readBase = read;

/** `export/check`: the blocks a format cannot express, before anything is written. */
export function exportProblems(doc: unknown, format: FormatName) {
  const net = inferNetwork(doc);
  if (!net.doc || net.errors.length) parametersOf(doc, 'the network');
  return { problems: FORMATS[format].problems(net) };
}
