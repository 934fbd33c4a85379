// The debug views' link to the engine, over the app's one client (app/engine.ts binds it on every connection):
// the Inside view's subscription follows the selection (subscribe on select, unsubscribe on deselect or when
// the view closes: the engine allows DEBUG_LIMITS.subscriptions per connection), the health subscription
// lives while the training drawer is open, snapshots are asked for on demand when the run is paused or has
// ended, anomalies of kind vanishing / exploding / dead become warnings on the canvas, ended runs are kept in
// the document, and `evaluate/run` feeds the Evaluation tab.
import { RpcError, type Client, type SnapshotPayload, type HealthEvent } from '../../../../engine/protocol';
import { useProject } from '../../app/project';
import { docStore, inferOf, run as runCommand, useUi } from '../../app/store';
import { useTraining } from '../training/controller';
import { addHistograms, addWarning, applyHealth } from './health';
import { recordOf, runsOf, withRun } from './runs';
import { applySnapshot, emptyInside, maxValuesFor } from './snapshot';
import { initialDebug, useDebug, type CodedError, type SampleImage } from './store';
import { coalesce } from './throttle';

/** Probe samples the Inside view steps through (the engine's default probe: the first 8 test images). */
export const PROBE_SAMPLES = 8;
/** Snapshots per second asked for while training (the grid needs no more; each costs a probe forward pass). */
export const INSIDE_HZ = 4;
/** How often streamed snapshots and health events reach React. */
export const DEBUG_FLUSH_MS = 250;

let client: Client | null = null;
/** Bumped by every watch(): an answer for an older one is dropped (the selection moved on meanwhile). */
let watchSeq = 0;
let healthWanted = false;
let healthPending = false;
let warningsRun: string | null = null;
let unfollow: (() => void) | undefined;

const coded = (e: unknown): CodedError => {
  const r = RpcError.from(e);
  const path = (r.data as { path?: string } | undefined)?.path;
  return { code: r.code, message: path && !r.message.includes(path) ? `${r.message} (${path})` : r.message };
};

const snapshots = coalesce<SnapshotPayload>((ps) => {
  const s = useDebug.getState();
  let inside = s.inside,
    histograms = s.histograms;
  for (const p of ps) {
    const next = applySnapshot(inside, p);
    if (next !== inside && next.runId !== inside.runId) histograms = {};
    if (next !== inside && p.params.length) histograms = addHistograms(histograms, p.step, p.params);
    inside = next;
  }
  s.set({ inside, histograms });
}, DEBUG_FLUSH_MS);

const healthEvents = coalesce<HealthEvent>((es) => {
  const s = useDebug.getState();
  s.set({ health: es.reduce(applyHealth, s.health) });
}, DEBUG_FLUSH_MS);

/** Watches the engine's events on a new client and restores this window's subscriptions on it. */
export function bindDebug(c: Client): void {
  client = c;
  unfollow ??= followTraining();
  const offs = [
    c.on('debug/activations', (p) => snapshots.push(p)),
    c.on('debug/health', (p) => healthEvents.push(p)),
    c.on('debug/error', (p) => {
      const s = useDebug.getState();
      if (p.subscriptionId === s.inside.subscriptionId)
        s.set({ insideError: { code: p.code, message: p.message }, inside: emptyInside() });
    }),
    c.on('train/anomaly', (a) => {
      const ui = useUi.getState();
      const base = a.runId === warningsRun ? ui.warnings : [];
      warningsRun = a.runId;
      const warnings = addWarning(base, a);
      if (warnings !== ui.warnings) ui.set({ warnings });
    }),
  ];
  c.onClose(() => {
    offs.forEach((off) => off());
    snapshots.flush();
    healthEvents.flush();
    if (client === c) client = null;
    const s = useDebug.getState();
    s.set({ inside: { ...s.inside, subscriptionId: null }, healthSub: null });
  });
  const { watched } = useDebug.getState();
  if (watched) void watch(watched, true);
  if (healthWanted) void watchHealth(true);
}

/** The output shape (one sample) inference gives a block path, or null. */
function shapeOf(path: string): number[] | null {
  return inferOf(docStore.getState().doc).blocks.find((b) => b.path === path)?.outputShape ?? null;
}

async function unsubscribe(id: string | null) {
  if (!id || !client) return;
  try {
    await client.call('debug/unsubscribe', { subscriptionId: id });
  } catch {
    /* already gone (a new run without the block, a restarted engine) */
  }
}

/**
 * Watches `path` (null: nothing): the old subscription ends, a new one starts, and one snapshot is taken at once
 * unless a run is streaming them. `again` re-subscribes the same block on a new connection.
 */
export async function watch(path: string | null, again = false): Promise<void> {
  const s = useDebug.getState();
  if (!again && path === s.watched && (s.inside.subscriptionId || !client)) return;
  const seq = ++watchSeq;
  const old = s.inside.subscriptionId;
  const shape = path ? shapeOf(path) : null;
  s.set({ watched: path, watchedShape: shape, inside: emptyInside(), insideError: null, histograms: {}, sample: 0 });
  await unsubscribe(old);
  if (!path || !client || seq !== watchSeq) return;
  try {
    const r = await client.call('debug/subscribe', {
      blocks: [path],
      kinds: ['activation', 'weight', 'gradient'],
      maxHz: INSIDE_HZ,
      maxValues: maxValuesFor(shape ?? [4096], PROBE_SAMPLES),
    });
    if (seq !== watchSeq) return void unsubscribe(r.subscriptionId);
    useDebug.getState().set({
      inside: { ...emptyInside(), subscriptionId: r.subscriptionId },
      watchedShape: r.blocks[0]?.shape ?? shape,
    });
    if (useTraining.getState().run.state !== 'running') await refreshInside();
  } catch (e) {
    // No run yet: the subscription is made when one starts (followTraining), and the view says to train.
    const err = coded(e);
    if (seq === watchSeq && err.code !== 'E_NO_RUN') useDebug.getState().set({ insideError: err });
  }
}

/** One snapshot of the watched block now (the run paused, stepped or ended). */
export async function refreshInside(): Promise<void> {
  const id = useDebug.getState().inside.subscriptionId;
  if (!id || !client) return;
  try {
    const p = await client.call('debug/snapshot', { subscriptionId: id });
    snapshots.push(p);
    snapshots.flush();
  } catch (e) {
    const err = coded(e);
    // No run yet: nothing to show until one starts (the view says so), not an error.
    if (useDebug.getState().inside.subscriptionId === id)
      useDebug.getState().set({ insideError: err.code === 'E_NO_RUN' ? null : err });
  }
}

/** Health norms for every layer while the training drawer is open (cheap: a few numbers per parameter). */
export async function watchHealth(on: boolean, again = false): Promise<void> {
  healthWanted = on;
  const s = useDebug.getState();
  if (!on) {
    const id = s.healthSub;
    s.set({ healthSub: null });
    return unsubscribe(id);
  }
  if ((s.healthSub && !again) || !client || healthPending) return;
  healthPending = true;
  try {
    const r = await client.call('debug/subscribe', { kinds: ['health'], blocks: [], maxHz: 10 });
    if (!healthWanted) return void unsubscribe(r.subscriptionId);
    useDebug.getState().set({ healthSub: r.subscriptionId, healthError: null });
  } catch (e) {
    // No run yet: the subscription is made when one starts. Anything else (a torch run) is said in the view.
    const err = coded(e);
    useDebug.getState().set({ healthError: err.code === 'E_NO_RUN' ? null : err });
  } finally {
    healthPending = false;
  }
}

/** Accuracy, confusion matrix and misclassified samples of the run's model on (the first `limit` of) the test split. */
export async function evaluate(limit?: number): Promise<void> {
  const s = useDebug.getState();
  if (!client || s.evaluating) return;
  s.set({ evaluating: true, evalError: null, cell: null });
  try {
    const r = await client.call('evaluate/run', { split: 'test', limit, maxMisclassified: 400 });
    useDebug.getState().set({ evaluation: r, images: {} });
  } catch (e) {
    useDebug.getState().set({ evalError: coded(e) });
  } finally {
    useDebug.getState().set({ evaluating: false });
  }
}

/**
 * The pixels of test samples (the gallery, a confusion cell): a short-lived probe subscription on them, one
 * snapshot, then unsubscribed. At most DEBUG_LIMITS.probeSamples at a time.
 */
export async function loadImages(indices: number[]): Promise<void> {
  const have = useDebug.getState().images;
  const want = [...new Set(indices)].filter((i) => !have[i]).slice(0, 64);
  if (!want.length || !client) return;
  let id: string | null = null;
  try {
    id = (
      await client.call('debug/subscribe', {
        kinds: ['health'],
        blocks: [],
        maxHz: 1,
        probe: { split: 'test', indices: want },
      })
    ).subscriptionId;
    const { probe } = await client.call('debug/snapshot', { subscriptionId: id });
    const [, ...one] = probe.shape;
    const per = one.reduce((a, b) => a * b, 1);
    const images: Record<number, SampleImage> = { ...useDebug.getState().images };
    probe.indices.forEach((index, k) => {
      images[index] = { data: probe.input.slice(k * per, (k + 1) * per), shape: one };
    });
    useDebug.getState().set({ images });
  } catch (e) {
    useDebug.getState().set({ evalError: coded(e) });
  } finally {
    await unsubscribe(id);
  }
}

/** Keeps each ended run in the document (its view state), once; not a run of the document open before this one. */
function recordEnded() {
  const rec = recordOf(useTraining.getState().run);
  // Its end can arrive after another document was opened (Stop, then Open at once): that run is not this one's.
  if (!rec || rec.id === useProject.getState().foreignRun) return;
  const doc = docStore.getState().doc;
  const runs = runsOf(doc);
  if (runs.some((r) => r.id === rec.id)) return;
  runCommand('recordRun', { runs: withRun(runs, rec) });
}

/** Follows the training store: a run that ended is recorded; a paused or ended run's step gets a snapshot. */
export function followTraining(): () => void {
  return useTraining.subscribe((now, before) => {
    const a = now.run,
      b = before.run;
    if (a.done && !b.done) recordEnded();
    if (a.runId !== b.runId && a.runId) {
      // A new run: the last one's warnings go (unless its own first anomaly already replaced them).
      if (a.runId !== warningsRun) {
        warningsRun = a.runId;
        useUi.getState().set({ warnings: [] });
      }
      // Subscriptions asked for before any run existed (the engine answers E_NO_RUN) are made now.
      const d = useDebug.getState();
      if (d.watched && !d.inside.subscriptionId) void watch(d.watched, true);
      if (healthWanted && !d.healthSub) void watchHealth(true);
    }
    const still = a.state !== 'running';
    if (a.step !== b.step && still) void refreshInside();
    else if (a.state !== b.state && (a.state === 'paused' || !a.state || a.done)) void refreshInside();
  });
}

/** For tests: forget the client and the state. */
export function resetDebug() {
  unfollow?.();
  unfollow = undefined;
  snapshots.cancel();
  healthEvents.cancel();
  client = null;
  watchSeq = 0;
  healthWanted = false;
  healthPending = false;
  warningsRun = null;
  useDebug.setState(initialDebug());
}
