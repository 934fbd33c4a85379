// The document's training settings (what the Training panel starts runs with, saved with the project).
import { TrainingSettings } from '../../../../engine/core';
import { command } from './types';

export const setTraining = command<{ training: TrainingSettings }>({
  name: 'set training settings',
  can: (_doc, a) => {
    const r = TrainingSettings.safeParse(a.training);
    return r.success ? null : `invalid training settings: ${r.error.issues[0]?.message ?? ''}`;
  },
  perform: (_doc, a) => [{ path: ['training'], value: a.training }],
});

/**
 * The runs kept with the document (view state, opaque to the engine; panels/debug/runs.ts shapes them): an
 * ended run recorded, or one deleted. Undoable like any edit, and saved with the project.
 */
export const recordRun = command<{ runs: unknown[] }>({
  name: 'record run',
  perform: (doc, a) => [{ path: ['view'], value: { ...(doc.view ?? {}), runs: a.runs } }],
});
