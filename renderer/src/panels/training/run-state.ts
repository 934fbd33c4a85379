// The training run as the panel shows it: pure reducers from protocol events (and `train/attach`
// snapshots) to a view with curves. No React, no client: controller.ts feeds it, the components read it,
// training.test.ts checks it. The form (settings → config) is form.ts.
import {
  ACTIVE_STATES,
  type AnomalyEvent,
  type EpochEvent,
  type EventPayload,
  type ProgressEvent,
  type RunSnapshot,
  type RunState,
  type TrainConfig,
} from '../../../../engine/protocol';

export interface Point {
  x: number;
  y: number;
}
export type DoneEvent = EventPayload<'train/done'>;
export type TrainEvent =
  | { name: 'train/progress'; p: ProgressEvent }
  | { name: 'train/epoch'; p: EpochEvent }
  | { name: 'train/state'; p: EventPayload<'train/state'> }
  | { name: 'train/anomaly'; p: AnomalyEvent }
  | { name: 'train/done'; p: DoneEvent };

/** What the run was started with (known for runs started here or restored by `train/attach`). */
export interface RunConfig {
  dataset: string;
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  limit?: number;
  lr: number;
  /** Held out for validation (the engine's default when the run did not say). */
  validationSplit?: number;
  labelColumn?: string;
  schedule?: TrainConfig['schedule'];
  earlyStop?: TrainConfig['earlyStop'];
}

export interface RunView {
  runId: string | null;
  /** null: no run yet (or a start that failed before the engine accepted it). */
  state: RunState | null;
  config: RunConfig | null;
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  lr: number | null;
  samplesPerSec: number | null;
  startedAt: number | null;
  /** Train loss / accuracy per progress event; validation per epoch. x = global step. */
  loss: Point[];
  acc: Point[];
  valLoss: Point[];
  valAcc: Point[];
  epochs: EpochEvent[];
  /** Where the epochs' val* figures come from (the engine says; null until an epoch ends). */
  valSource: 'validation' | 'test' | null;
  done: DoneEvent | null;
  /** The latest anomaly while it is still relevant (cleared on resume, stop and a new run). */
  anomaly: AnomalyEvent | null;
  /** A start error, a failed control call, a failed run or a lost one. */
  error: { code: string; message: string } | null;
  /** The engine process died (or forgot the run) while it was active. */
  lost: boolean;
  /** The backend the run trains on and why, and the workers' verdict (its state events say). */
  backend: { name: string; reason: string } | null;
  workers: { count: number; reason: string } | null;
}

export const emptyRun = (): RunView => ({
  runId: null,
  state: null,
  config: null,
  epoch: 0,
  step: 0,
  stepsPerEpoch: 0,
  lr: null,
  samplesPerSec: null,
  startedAt: null,
  loss: [],
  acc: [],
  valLoss: [],
  valAcc: [],
  epochs: [],
  valSource: null,
  done: null,
  anomaly: null,
  error: null,
  lost: false,
  backend: null,
  workers: null,
});

export const isActive = (s: RunState | null): boolean => s !== null && ACTIVE_STATES.includes(s);

/** Most points kept per train curve; beyond it every other point is dropped (the curve keeps its shape). */
export const MAX_POINTS = 1200;

function decimate(points: Point[]): Point[] {
  if (points.length <= MAX_POINTS) return points;
  const kept = points.filter((_, i) => i % 2 === 0);
  if (kept[kept.length - 1] !== points[points.length - 1]) kept.push(points[points.length - 1]);
  return kept;
}

const fin = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

export const configOf = (c: TrainConfig): RunConfig => ({
  dataset: c.data.source,
  epochs: c.epochs,
  batchSize: c.batchSize,
  optimizer: c.optimizer,
  limit: c.data.limit,
  lr: c.lr,
  ...(c.data.validationSplit !== undefined ? { validationSplit: c.data.validationSplit } : {}),
  ...(c.data.labelColumn ? { labelColumn: c.data.labelColumn } : {}),
  ...(c.schedule ? { schedule: c.schedule } : {}),
  ...(c.earlyStop ? { earlyStop: c.earlyStop } : {}),
});

/** x of the end of epoch `e` (0-based): steps per epoch from progress events, else the step counter. */
const epochX = (v: RunView, e: number) => (v.stepsPerEpoch ? (e + 1) * v.stepsPerEpoch : v.step);

/** Adds a point, or replaces the last one when it is for the same x: an event sent again is one point. */
function put(points: Point[], p: Point): Point[] {
  const last = points[points.length - 1];
  if (last && last.x === p.x) points[points.length - 1] = p;
  else points.push(p);
  return points;
}

function addEpoch(v: RunView, e: EpochEvent) {
  v.epochs = [...v.epochs.filter((x) => x.epoch !== e.epoch), e].sort((a, b) => a.epoch - b.epoch);
  const x = epochX(v, e.epoch);
  if (e.valSource) v.valSource = e.valSource;
  if (fin(e.valLoss)) v.valLoss = put(v.valLoss.slice(), { x, y: e.valLoss });
  if (fin(e.valAcc)) v.valAcc = put(v.valAcc.slice(), { x, y: e.valAcc });
}

/** Applies a batch of events in order (the controller flushes a few times a second). */
export function applyEvents(prev: RunView, events: readonly TrainEvent[]): RunView {
  let v: RunView = { ...prev };
  let loss = v.loss.slice(),
    acc = v.acc.slice();
  for (const e of events) {
    if (v.runId !== e.p.runId) {
      // Another run (started by another window, or ours before `train/start` answered): follow it.
      if (v.runId !== null) {
        v = { ...emptyRun(), config: null };
        loss = [];
        acc = [];
      }
      v.runId = e.p.runId;
      v.startedAt ??= Date.now();
      if (v.state === null) v.state = 'starting';
    }
    switch (e.name) {
      case 'train/progress': {
        const p = e.p;
        Object.assign(v, {
          epoch: p.epoch,
          step: p.step,
          stepsPerEpoch: p.stepsPerEpoch,
          lr: p.lr,
          samplesPerSec: p.samplesPerSec ?? v.samplesPerSec,
        });
        if (fin(p.loss)) put(loss, { x: p.step, y: p.loss });
        if (fin(p.acc)) put(acc, { x: p.step, y: p.acc });
        break;
      }
      case 'train/epoch':
        addEpoch(v, e.p);
        break;
      case 'train/state':
        if (e.p.backend) v.backend = e.p.backend;
        if (e.p.workers) v.workers = e.p.workers;
        if (v.state === 'done' || v.state === 'stopped' || v.state === 'failed') break; // done came first
        v.state = e.p.state;
        if (e.p.state === 'running') v.anomaly = null;
        break;
      case 'train/anomaly':
        // The banner is for what stopped the run (NaN/Inf); health warnings live on the canvas and in Problems.
        if (e.p.paused) v.anomaly = e.p;
        v.step = Math.max(v.step, e.p.step);
        break;
      case 'train/done':
        v.done = e.p;
        v.state = e.p.state;
        v.anomaly = null;
        if (e.p.error) v.error = e.p.error;
        break;
    }
  }
  v.loss = decimate(loss);
  v.acc = decimate(acc);
  return v;
}

/** The view of a run the engine remembers (`train/attach`), keeping curves already drawn for the same run. */
export function fromSnapshot(prev: RunView, s: RunSnapshot): RunView {
  const same = prev.runId === s.runId;
  const lp = s.lastProgress;
  const v: RunView = {
    ...emptyRun(),
    runId: s.runId,
    state: s.done?.state ?? s.state,
    config: configOf(s.config),
    epoch: s.epoch,
    step: s.step,
    stepsPerEpoch: lp?.stepsPerEpoch ?? (same ? prev.stepsPerEpoch : 0),
    lr: lp?.lr ?? s.config.lr,
    samplesPerSec: lp?.samplesPerSec ?? null,
    startedAt: s.startedAt,
    done: s.done,
    error: s.done?.error ?? null,
  };
  if (same) {
    v.loss = prev.loss.slice();
    v.acc = prev.acc.slice();
    v.backend = prev.backend;
    v.workers = prev.workers;
  } else {
    // Only per-epoch train figures survive a reload: one point per epoch, then the last batch.
    for (const e of s.epochs) {
      if (fin(e.trainLoss)) v.loss.push({ x: epochX(v, e.epoch), y: e.trainLoss });
      if (fin(e.trainAcc)) v.acc.push({ x: epochX(v, e.epoch), y: e.trainAcc });
    }
  }
  if (lp && !(v.loss.length && v.loss[v.loss.length - 1].x >= lp.step)) {
    if (fin(lp.loss)) v.loss.push({ x: lp.step, y: lp.loss });
    if (fin(lp.acc)) v.acc.push({ x: lp.step, y: lp.acc });
  }
  for (const e of s.epochs) addEpoch(v, e);
  const last = s.anomalies[s.anomalies.length - 1];
  if (last && s.state === 'paused' && last.step === s.step) v.anomaly = last;
  return v;
}

/** The curves a resumed run continues: those of the run it was saved from. */
export interface Seed {
  loss: Point[];
  acc: Point[];
  valLoss: Point[];
  valAcc: Point[];
}

/**
 * A run that continues a saved one (Resume): its curves begin with the earlier run's points up to `step`, the
 * saved position, and the engine's steps go on from there — one curve, no jump back to 0 and no gap.
 */
export function seeded(v: RunView, seed: Seed, step: number): RunView {
  const upTo = (ps: Point[]) => ps.filter((p) => p.x <= step);
  return {
    ...v,
    step,
    loss: upTo(seed.loss),
    acc: upTo(seed.acc),
    valLoss: upTo(seed.valLoss),
    valAcc: upTo(seed.valAcc),
  };
}

/** The run was active when the engine died or forgot it. */
export function lostRun(v: RunView, why: string): RunView {
  if (!isActive(v.state)) return v;
  return { ...v, state: 'failed', lost: true, anomaly: null, error: { code: 'E_ENGINE_CRASHED', message: why } };
}
