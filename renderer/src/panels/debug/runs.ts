// Runs kept with the document: every finished (or stopped) run's settings, its curves thinned to a few
// hundred points, and its final figures. They live in the document's view state (`view.runs`), so they are
// saved with the project and come back when it is opened; two of them can be overlaid to compare.
import type { NetworkDoc } from '../../../../engine/core';
import type { Point, RunConfig, RunView, Seed } from '../training/run-state';

/** Points kept per curve of a recorded run (enough for a 600 px chart). */
export const RUN_POINTS = 300;
/** Runs kept per document (the oldest go first). */
export const MAX_RUNS = 20;

export interface RunRecord {
  id: string;
  /** ISO time the run ended (or, for one still held, when the project was saved). */
  at: string;
  /** 'paused': the run was held (not ended) when the project was saved with it. */
  state: 'done' | 'stopped' | 'failed' | 'paused';
  config: RunConfig | null;
  epochs: number;
  steps: number;
  /** Wall time in seconds. */
  seconds: number | null;
  curves: {
    loss: [number, number][];
    acc: [number, number][];
    valLoss: [number, number][];
    valAcc: [number, number][];
  };
  final: { loss?: number; acc?: number; valAcc?: number; testAcc?: number };
}

/** At most `n` points, evenly picked, the last always kept; rounded so the document stays small. */
export function thin(points: Point[], n = RUN_POINTS): [number, number][] {
  const every = Math.max(1, Math.ceil(points.length / n));
  const kept = points.filter((_, i) => i % every === 0 || i === points.length - 1);
  return kept.map((p) => [p.x, Number(p.y.toPrecision(5))]);
}

const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);

/**
 * The record of an ended run; null while it is still going (unless `held`: a run saved with the project while
 * paused, recorded as it stands) or when it never took a step.
 */
export function recordOf(run: RunView, now = Date.now(), held = false): RunRecord | null {
  if (!run.runId || (!run.done && !held) || run.step === 0) return null;
  const f = run.done?.final ?? {};
  return {
    id: run.runId,
    at: new Date(now).toISOString(),
    state: run.done?.state ?? 'paused',
    config: run.config,
    epochs: run.epochs.length,
    steps: run.step,
    seconds: run.startedAt ? Math.round((now - run.startedAt) / 100) / 10 : null,
    curves: { loss: thin(run.loss), acc: thin(run.acc), valLoss: thin(run.valLoss), valAcc: thin(run.valAcc) },
    final: {
      loss: finite(f.loss),
      acc: finite(f.acc),
      valAcc: finite(f.valAcc),
      testAcc: finite(f.testAcc),
    },
  };
}

/** The runs a document carries (view state is opaque to the engine; anything malformed is left out). */
export function runsOf(doc: NetworkDoc): RunRecord[] {
  const r = (doc.view as { runs?: unknown } | undefined)?.runs;
  return Array.isArray(r) ? r.filter((x): x is RunRecord => !!x && typeof (x as RunRecord).id === 'string') : [];
}

/** The document's runs with `rec` added (or replacing a record of the same run), the oldest dropped past MAX_RUNS. */
export function withRun(runs: RunRecord[], rec: RunRecord): RunRecord[] {
  const next = [...runs.filter((r) => r.id !== rec.id), rec];
  return next.slice(Math.max(0, next.length - MAX_RUNS));
}

/** "sgd lr 0.1 · batch 128 · 2 epochs" */
export function settingsText(c: RunConfig | null): string {
  if (!c) return 'settings unknown';
  const data = c.limit ? `${c.dataset} (${c.limit})` : c.dataset;
  return `${c.optimizer} lr ${c.lr} · batch ${c.batchSize} · ${c.epochs} epoch${c.epochs === 1 ? '' : 's'} · ${data}`;
}

/** A recorded curve back as chart points. */
export const pointsOf = (xs: [number, number][]): Point[] => xs.map(([x, y]) => ({ x, y }));

/**
 * The document as a project is saved with its run (`run`: the one whose weights are saved): a run that has not
 * ended is recorded as it stands, so the saved project keeps its curves and a Resume after reopening continues
 * them. The document in the editor is not changed (its run is recorded when it ends, as any other).
 */
export function withHeldRun(doc: NetworkDoc, run: RunView, now = Date.now()): NetworkDoc {
  const runs = runsOf(doc);
  const rec = run.done ? null : recordOf(run, now, true);
  if (!rec || runs.some((r) => r.id === rec.id)) return doc;
  return { ...doc, view: { ...(doc.view ?? {}), runs: withRun(runs, rec) } } as NetworkDoc;
}

/**
 * What a resumed run's chart begins with, up to the saved `step`: the run it continues as this session drew it
 * (`live`, full resolution), else the newest run the document recorded, if the saved position is at or past
 * its end (any other record belongs to other weights). Undefined: nothing to continue.
 */
export function resumeSeed(
  live: RunView | null,
  runs: RunRecord[],
  step: number,
): { curves: Seed; step: number } | undefined {
  if (!(step > 0)) return undefined;
  if (live) return { curves: { loss: live.loss, acc: live.acc, valLoss: live.valLoss, valAcc: live.valAcc }, step };
  const r = runs[runs.length - 1];
  if (!r || r.steps > step) return undefined;
  const c = r.curves;
  return {
    curves: { loss: pointsOf(c.loss), acc: pointsOf(c.acc), valLoss: pointsOf(c.valLoss), valAcc: pointsOf(c.valAcc) },
    step,
  };
}
