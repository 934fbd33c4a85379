// What the document has learned, where the user looks: the status bar's "trained: 2 epochs, 85.1 %" (and which
// layers' weights an edit no longer fits), and the Training panel's "Resume" that continues the saved run.
import { useDoc } from '../app/store';
import { canResume, misfits, resumeSaved, trainedLabel, useProject } from '../app/project';
import { useTraining } from './training/controller';

export function TrainedStatus() {
  const trained = useProject((s) => s.trained);
  useProject((s) => s.savedParams);
  const doc = useDoc((s) => s.doc);
  const label = trainedLabel(trained);
  if (!label) return null;
  const dropped = misfits(doc);
  return (
    <span
      data-testid="status-trained"
      className={dropped.length ? 'status-bad' : undefined}
      title={
        dropped.length
          ? `These layers no longer fit their saved weights and start again from their initializers:\n${dropped.join('\n')}`
          : 'The project keeps these trained weights (saved with it)'
      }
    >
      {label}
      {dropped.length ? ` · ${dropped.length} weight${dropped.length > 1 ? 's' : ''} no longer fit` : ''}
    </span>
  );
}

/** Continues the last run of this document, or of the opened project, from where it stopped. */
export function ResumeButton() {
  // Re-rendered by the run's state and the project's summary, which decide whether Resume applies.
  useTraining((s) => s.run.state);
  useTraining((s) => s.intent);
  const trained = useProject((s) => s.trained);
  if (!canResume()) return null;
  return (
    <button
      className="btn"
      data-testid="train-resume-saved"
      title={`Continue the saved run where it stopped (${trainedLabel(trained) ?? 'this run'}): same weights, optimizer state and position`}
      onClick={() =>
        void resumeSaved().catch((e: Error) =>
          useTraining.getState().set({
            run: { ...useTraining.getState().run, error: { code: 'E_RESUME', message: e.message } },
          }),
        )
      }
    >
      ▶ Resume
    </button>
  );
}
