// The training panel's link to the engine, over the app's one client (app/engine.ts binds it): event
// subscriptions (buffered and flushed a few times a second so React renders cheaply), `train/attach` on
// every (re)connection, the run controls, and `data/list`. The store is zustand, read by the components.
// The data choice (inspect, download, the Host's picker) is data.ts, over the same client.
import { create } from 'zustand';
import { RpcError, type CallName, type Client, type Params, type Result } from '../../../../engine/protocol';
import { docStore, inferOf, run as runCommand, useUi } from '../../app/store';
import { formFrom, parseForm, settingsAfter, type StartConfig, type TrainForm } from './form';
import {
  applyEvents,
  configOf,
  emptyRun,
  fromSnapshot,
  isActive,
  lostRun,
  seeded,
  type RunView,
  type Seed,
  type TrainEvent,
} from './run-state';

export type DatasetInfo = Result<'data/list'>['datasets'][number];
export type InspectInfo = Result<'data/inspect'>;
/** The engine's look at the chosen folder / CSV file, for `key` (source + label column). */
export interface Inspection {
  key: string;
  pending: boolean;
  result?: InspectInfo;
  error?: { code: string; message: string };
  /** A CSV's header (also after an error in its rows), for the label column choice. */
  columns?: string[];
}
/** A built-in being downloaded (`data/download` + its `data/progress` events), or its failure. */
export interface Download {
  id: string;
  received: number;
  total: number | null;
  done: boolean;
  error?: { code: string; message: string };
}
/** Deterministic controls the form does not show; set by e2e specs through `window.__netloom.training`. */
export type StartExtras = Pick<StartConfig, 'pauseAtStep' | 'startPaused' | 'seed'> & {
  /** A project's bytes to continue from (Resume; app/project.ts). */
  resume?: Uint8Array<ArrayBuffer>;
};
/** What the engine says about its backends (engine/info): each one's availability, the automatic choice, the cores. */
export type EngineFacts = Pick<Result<'engine/info'>, 'backends' | 'choice' | 'cores'>;
/** A control call in flight or asked for and not yet visible in the run's state. */
export type Intent = null | 'start' | 'pause' | 'resume' | 'step' | 'stop';

export interface TrainingState {
  run: RunView;
  form: TrainForm;
  /** The document training settings the form was last filled from (JSON), to refill it when they change. */
  formSource: string;
  datasets: DatasetInfo[] | null;
  intent: Intent;
  inspect: Inspection | null;
  download: Download | null;
  /** Added to the next Start only, then cleared. */
  startExtras: StartExtras | null;
  /** The engine's backends, for the Backend and Workers choices (null until it answered). */
  engine: EngineFacts | null;
  set(p: Partial<TrainingState>): void;
}

/** Everything but `set`: a fresh panel (the store's start, and resetTraining). */
const initial = (): Omit<TrainingState, 'set'> => ({
  run: emptyRun(),
  form: formFrom(undefined),
  formSource: '',
  datasets: null,
  intent: null,
  inspect: null,
  download: null,
  startExtras: null,
  engine: null,
});

export const useTraining = create<TrainingState>()((set) => ({ ...initial(), set: (p) => set(p) }));

/** How often buffered events reach React (events arrive at ~10 Hz; curves need no more). */
export const FLUSH_MS = 200;

let client: Client | null = null;
/** The app's engine client while connected (data.ts calls over it too). */
export const engineClient = (): Client | null => client;
let queue: TrainEvent[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let lastFlush = 0;

function flush() {
  clearTimeout(timer);
  timer = undefined;
  lastFlush = Date.now();
  if (!queue.length) return;
  const events = queue;
  queue = [];
  const s = useTraining.getState();
  const run = applyEvents(s.run, events);
  s.set({ run, intent: settles(s.intent, s.run, run) ? null : s.intent });
  // In order: an anomaly rings its block; the run going on again (resume, step) takes the ring away.
  for (const e of events) {
    if (e.name === 'train/anomaly' && e.p.paused)
      revealBlock(e.p.block); // warnings must not move the selection
    else if (e.name === 'train/state' && e.p.state === 'running' && useUi.getState().flagged)
      useUi.getState().set({ flagged: undefined });
  }
}

/** An intent is settled once what it asked for (or the end of the run) shows up. */
function settles(intent: Intent, before: RunView, after: RunView): boolean {
  if (intent === null || intent === 'start') return false;
  if (!isActive(after.state)) return true;
  if (intent === 'pause') return after.state !== 'running';
  if (intent === 'resume') return after.state === 'running';
  if (intent === 'step') return after.step !== before.step;
  return false;
}

function push(e: TrainEvent) {
  queue.push(e);
  // Anything that changes what the user may do is shown at once; progress at most every FLUSH_MS.
  const wait = FLUSH_MS - (Date.now() - lastFlush);
  if (e.name !== 'train/progress' || wait <= 0) flush();
  else timer ??= setTimeout(flush, wait);
}

/** Selects the block an anomaly names (its nearest block the canvas shows) and rings it. */
export function revealBlock(path: string | undefined) {
  if (!path) return;
  const ui = useUi.getState();
  if (ui.open && !path.startsWith(`${ui.open}/`)) ui.setOpen('');
  ui.set({ flagged: path, trainOpen: true, fitSeq: ui.fitSeq + (ui.trainOpen ? 0 : 1) });
  const known = new Set(inferOf(docStore.getState().doc).blocks.map((b) => b.path));
  let p = path;
  while (p && !known.has(p)) p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
  useUi.getState().select(p ? [p] : []);
}

/** Subscribes to the run's events on a new client. Called by app/engine.ts once per connection. */
export function bindTraining(c: Client): void {
  client = c;
  const offs = [
    c.on('train/progress', (p) => push({ name: 'train/progress', p })),
    c.on('train/epoch', (p) => push({ name: 'train/epoch', p })),
    c.on('train/state', (p) => push({ name: 'train/state', p })),
    c.on('train/anomaly', (p) => push({ name: 'train/anomaly', p })),
    c.on('train/done', (p) => push({ name: 'train/done', p })),
    c.on('data/progress', (p) => {
      const d = useTraining.getState().download;
      if (d?.id === p.id && !d.error && p.phase !== 'done')
        useTraining.getState().set({ download: { ...d, received: p.received, total: p.total } });
    }),
    c.on('engine/crashed', (p) => {
      flush();
      const s = useTraining.getState();
      const how = p.signal ? `killed by ${p.signal}` : p.exitCode !== null ? `exit code ${p.exitCode}` : 'it stopped';
      s.set({
        run: lostRun(
          s.run,
          `The engine crashed during training (${how}) and was restarted: the run was lost. Your document is untouched.`,
        ),
        intent: null,
      });
    }),
  ];
  c.onClose(() => {
    offs.forEach((off) => off());
    if (client === c) client = null;
    flush();
    useTraining.getState().set({ intent: null });
  });
}

/** Asks the engine for its run (after every connection) and the data sets; restores the panel from them. */
export async function syncTraining(c: Client | null = client): Promise<void> {
  if (!c) return;
  try {
    const { run } = await c.call('train/attach');
    flush();
    const s = useTraining.getState();
    if (run) {
      s.set({ run: fromSnapshot(s.run, run), intent: null });
      if (isActive(run.state) && !useUi.getState().trainOpen)
        useUi.getState().set({ trainOpen: true, fitSeq: useUi.getState().fitSeq + 1 });
    } else
      s.set({
        run: lostRun(
          s.run,
          'The engine no longer has this run (it was restarted): the run was lost. Your document is untouched.',
        ),
      });
  } catch {
    /* an older engine without attach: nothing to restore */
  }
  await listDatasets(c);
  await refreshBackends(c);
}

/** Asks the engine about its backends (after connecting, and after a run started: the probe may have run). */
export async function refreshBackends(c: Client | null = client): Promise<void> {
  if (!c) return;
  try {
    const { backends, choice, cores } = await c.call('engine/info', undefined, { timeoutMs: 30_000 });
    useTraining.getState().set({ engine: { backends, choice, cores } });
  } catch {
    /* the status bar reports an engine that does not answer */
  }
}

/** Asks which built-ins the engine has on disk (after connecting, and after a download). */
export async function listDatasets(c: Client): Promise<void> {
  try {
    const { datasets } = await c.call('data/list');
    useTraining.getState().set({ datasets });
  } catch {
    useTraining.getState().set({ datasets: [] });
  }
}

const errorOf = (e: unknown) => {
  const r = RpcError.from(e);
  return { code: r.code, message: r.message };
};

/**
 * Starts a run of the current document with the form's settings; `startPaused` holds it before its first batch.
 * A Resume passes the curves of the run it continues (`seed`, up to its saved step). Resolves true once the
 * engine accepted the run.
 */
export async function startTraining(extra: StartExtras = {}, seed?: { curves: Seed; step: number }): Promise<boolean> {
  const s = useTraining.getState();
  const parsed = parseForm(s.form);
  if (!client || !parsed.config) return false;
  const config = { ...parsed.config, ...s.startExtras, ...extra, doc: docStore.getState().doc };
  s.set({ startExtras: null });
  useUi.getState().set({ flagged: undefined });
  const fresh: RunView = {
    ...emptyRun(),
    state: 'starting',
    config: configOf(config),
    startedAt: Date.now(),
    lr: config.lr,
  };
  s.set({ intent: 'start', run: seed ? seeded(fresh, seed.curves, seed.step) : fresh });
  try {
    const { runId } = await client.call('train/start', config);
    recordSettings(parsed.config);
    if (!config.backend) void refreshBackends(); // an automatic start may have measured the backends
    flush();
    const run = useTraining.getState().run;
    if (run.runId === null)
      useTraining.getState().set({
        run: {
          ...run,
          runId,
          state: run.state === 'starting' ? (config.startPaused ? 'paused' : 'running') : run.state,
        },
      });
    return true;
  } catch (e) {
    flush();
    const run = useTraining.getState().run;
    if (!run.lost) useTraining.getState().set({ run: { ...run, state: null, error: errorOf(e) } });
    return false;
  } finally {
    useTraining.getState().set({ intent: null });
  }
}

/**
 * Keeps the settings a run started with in the document (undoable, saved with the project), so reopening it
 * trains the same way. Whatever the form does not show (input resize, weight decay) is kept as it was.
 */
function recordSettings(c: StartConfig) {
  const before = docStore.getState().doc.training;
  const training = settingsAfter(before, c);
  const key = JSON.stringify(training);
  if (key === JSON.stringify(before ?? null)) return;
  // the form already shows these: no refill (which would also clear its sample limit)
  useTraining.getState().set({ formSource: key });
  runCommand('setTraining', { training });
}

type Control = 'train/pause' | 'train/resume' | 'train/step' | 'train/stop' | 'train/setLr';

async function control<M extends Control>(method: M, intent: Intent, params: Params<M>): Promise<void> {
  const s = useTraining.getState();
  if (!client || !s.run.runId) return;
  s.set({ intent, run: { ...s.run, error: null } });
  if (method === 'train/resume' || method === 'train/stop' || method === 'train/step')
    useUi.getState().set({ flagged: undefined });
  try {
    await (client.call as (m: CallName, p: unknown) => Promise<unknown>)(method, { ...params, runId: s.run.runId });
    flush();
  } catch (e) {
    flush();
    const run = useTraining.getState().run;
    if (!run.lost) useTraining.getState().set({ run: { ...run, error: errorOf(e) } });
    useTraining.getState().set({ intent: null });
  }
}

export const pauseTraining = () => control('train/pause', 'pause', {});
export const resumeTraining = () => control('train/resume', 'resume', {});
/** One batch, then paused. With no run (Step while idle) it starts one held before its first batch, then steps. */
export async function stepTraining(): Promise<void> {
  if (!isActive(useTraining.getState().run.state) && !(await startTraining({ startPaused: true }))) return;
  await control('train/step', 'step', { batches: 1 });
}
export const stopTraining = () => control('train/stop', 'stop', {});
/** Changes the learning rate of the running run; the next progress event shows it. */
export async function setLearningRate(lr: number): Promise<void> {
  await control('train/setLr', useTraining.getState().intent, { lr });
  const s = useTraining.getState();
  if (!s.run.error) s.set({ run: { ...s.run, lr }, intent: s.intent });
}

/** For tests: forget the client, the queue and the run. */
export function resetTraining() {
  clearTimeout(timer);
  timer = undefined;
  lastFlush = 0;
  queue = [];
  client = null;
  useTraining.setState(initial());
}
