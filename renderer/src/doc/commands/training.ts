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
