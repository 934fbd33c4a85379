// What the open document has learned: the weights of its last run, or of the `.netloom` project it was opened
// from. The weights themselves stay with the engine (a run) or in the project's bytes (kept here, handed back to
// the engine on save and on Resume): the renderer has no tfjs. `savedParams` are the parameters those weights
// were trained for, so every edit can say which layers' weights no longer fit (core's fitWeights).
import { create } from 'zustand';
import { fitWeights, type NetworkDoc, type SavedParam } from '../../../engine/core';
import type { Result } from '../../../engine/protocol';
import { resumeSeed, runsOf, withHeldRun } from '../panels/debug/runs';
import { engineClient, startTraining, useTraining } from '../panels/training/controller';
import { isActive } from '../panels/training/run-state';
import { docStore, inferOf } from './store';

/** Bytes from a file or the engine: never a SharedArrayBuffer's view, which is what the protocol's schema takes. */
type Bytes = Uint8Array<ArrayBuffer>;

export type Trained = NonNullable<Result<'project/open'>['trained']>;

interface ProjectState {
  /** The last opened or saved project with weights (bytes of the `.netloom` zip), or null. */
  bytes: Bytes | null;
  /** What it learned, for the status bar; null when the document has no trained weights. */
  trained: Trained | null;
  /** The parameters the weights belong to (the document they were trained with). */
  savedParams: SavedParam[];
  /** A run the engine still holds that belongs to another document (started before this one was opened). */
  foreignRun: string | null;
}

export const useProject = create<ProjectState>()(() => ({
  bytes: null,
  trained: null,
  savedParams: [],
  foreignRun: null,
}));

const paramsOf = (doc: unknown): SavedParam[] =>
  inferOf(doc as NetworkDoc).parameters.map(({ name, owner, param, shape }) => ({ name, owner, param, shape }));

/** A new document (New, a template, an opened file): nothing learned yet; the engine's run is not its own. */
export function forgetTrained() {
  useProject.setState({ bytes: null, trained: null, savedParams: [], foreignRun: useTraining.getState().run.runId });
}

/** The run of this document the engine still holds (running, paused or ended), if any. */
function ownRun(): string | undefined {
  const r = useTraining.getState().run;
  if (!r.runId || r.lost || r.runId === useProject.getState().foreignRun || r.step === 0) return undefined;
  return r.runId;
}

/** Whether the document has trained weights to save (a run of it the engine holds, or an opened project's). */
export const hasWeights = (): boolean => !!ownRun() || !!useProject.getState().bytes;

/** Whether Resume can continue: an ended run of this document, or an opened project with a saved position. */
export function canResume(): boolean {
  const r = useTraining.getState().run;
  if (isActive(r.state)) return false;
  return !!ownRun() || !!useProject.getState().trained?.resumable;
}

/**
 * The `.netloom` bytes of the document with what it learned (the engine packs them). Throws the engine's
 * coded error; the caller shows it.
 */
export async function projectBytes(doc: NetworkDoc): Promise<Result<'project/save'>> {
  const client = engineClient();
  if (!client) throw new Error('the engine is offline: the project can be saved only without its weights (JSON)');
  const { bytes: base } = useProject.getState();
  const runId = ownRun();
  let r: Result<'project/save'>;
  try {
    // A run still held is saved with its curves, so a Resume after reopening continues them.
    r = await client.call('project/save', {
      doc: runId ? withHeldRun(doc, useTraining.getState().run) : doc,
      runId,
      base: base ?? undefined,
    });
  } catch (e) {
    // The engine forgot the run (restarted): the last saved project is what is left.
    if (!runId || (e as { code?: string }).code !== 'E_NO_RUN') throw e;
    r = await client.call('project/save', { doc, base: base ?? undefined });
  }
  if (r.trained)
    useProject.setState({ bytes: r.bytes, trained: r.trained, savedParams: paramsOf(doc), foreignRun: null });
  return r;
}

/** Opens `.netloom` bytes through the engine: the document, and the weights kept for saving and Resume. */
export async function openProjectBytes(bytes: Uint8Array): Promise<Result<'project/open'>> {
  const client = engineClient();
  if (!client) throw new Error('the engine is offline: a .netloom project opens once it is connected');
  return client.call('project/open', { bytes: bytes as Bytes });
}

/** After openProjectBytes and loading the document: remember what it learned. */
export function adoptProject(bytes: Uint8Array, doc: NetworkDoc, trained: Trained | null) {
  useProject.setState({ bytes: trained ? (bytes as Bytes) : null, trained, savedParams: trained ? paramsOf(doc) : [] });
}

/**
 * Resume: continue the last run of this document (or the opened project's) where it stopped; its chart begins
 * with that run's curves (this session's, else those saved with the project) up to the saved step.
 */
export async function resumeSaved(): Promise<boolean> {
  const doc = docStore.getState().doc;
  const live = ownRun() ? useTraining.getState().run : null;
  const { bytes, trained } = await projectBytes(doc);
  return startTraining({ resume: bytes }, resumeSeed(live, runsOf(doc), trained?.step ?? 0));
}

/** "trained: 2 epochs, 85.1 %" for the status bar; null when the document has no trained weights. */
export function trainedLabel(t: Trained | null): string | null {
  if (!t) return null;
  const what = t.epochs > 0 ? `${t.epochs} epoch${t.epochs === 1 ? '' : 's'}` : `${t.step} steps`;
  return `trained: ${what}${t.acc !== undefined ? `, ${(t.acc * 100).toFixed(1)} %` : ''}`;
}

/** The layers whose saved weights no longer fit the edited document (they start again from their initializers). */
export function misfits(doc: NetworkDoc): string[] {
  const { trained, savedParams } = useProject.getState();
  if (!trained || !savedParams.length) return [];
  return fitWeights(savedParams, inferOf(doc).parameters).dropped.map((d) => d.message);
}
