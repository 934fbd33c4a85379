// The Evaluation tab: after a run (or while it is paused), the run's model on the test split — accuracy,
// per-class accuracy, the confusion matrix (click a cell for its images and their top-3 predictions), and a
// gallery of misclassified images.
import { useMemo, useState } from 'react';
import { useTraining } from '../training/controller';
import { Confusion } from './Confusion';
import { misclassified, perClassAccuracy } from './evaluation';
import { pct } from './format';
import { Gallery } from './Gallery';
import { evaluate } from './link';
import { useDebug } from './store';

/** Shown per gallery at once (each image is fetched from the engine). */
const GALLERY = 32;
const LIMITS: { label: string; value?: number }[] = [
  { label: 'first 1,000 test images', value: 1000 },
  { label: 'first 2,000', value: 2000 },
  { label: 'the whole test set' },
];

export function EvaluationView() {
  const { evaluation: r, evaluating, evalError, cell, set } = useDebug();
  const run = useTraining((s) => s.run);
  const [limit, setLimit] = useState(0);
  const can = !!run.runId && run.step > 0 && run.state !== 'running' && !evaluating;
  const inCell = useMemo(() => (r && cell ? misclassified(r, cell) : []), [r, cell]);
  const all = useMemo(() => (r ? misclassified(r) : []), [r]);
  return (
    <div className="evaluation" data-testid="evaluation-view">
      <div className="eval-head">
        <button
          className="btn"
          data-testid="eval-run"
          disabled={!can}
          title={can ? 'Evaluate the run’s model on the test images' : 'Pause or finish a run first'}
          onClick={() => void evaluate(LIMITS[limit].value)}
        >
          {evaluating ? 'Evaluating…' : 'Evaluate'}
        </button>
        <select value={limit} onChange={(e) => setLimit(+e.target.value)} aria-label="How many test images">
          {LIMITS.map((l, i) => (
            <option key={i} value={i}>
              {l.label}
            </option>
          ))}
        </select>
        {r && (
          <span data-testid="eval-accuracy" data-value={r.accuracy}>
            accuracy <b>{pct(r.accuracy)}</b> on {r.samples.toLocaleString()} {r.split} images ·{' '}
            {r.misclassified.total.toLocaleString()} wrong
          </span>
        )}
        {!r && !evalError && <span className="muted">{run.step > 0 ? '' : 'train (or step) a run first'}</span>}
      </div>
      {evalError && (
        <div className="debug-error" data-testid="eval-error" data-code={evalError.code} role="alert">
          <code>{evalError.code}</code> {evalError.message}
        </div>
      )}
      {r && (
        <div className="eval-body">
          <Confusion r={r} picked={cell} onPick={(c) => set({ cell: c })} />
          <div className="eval-side">
            <table className="per-class" data-testid="per-class">
              <tbody>
                {perClassAccuracy(r).map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td className="bar">
                      <i style={{ width: `${c.acc * 100}%` }} />
                    </td>
                    <td>{pct(c.acc)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="eval-images">
            {cell ? (
              <>
                <div className="eval-caption" data-testid="cell-caption">
                  <b>{r.classes[cell.i]}</b> predicted as <b>{r.classes[cell.j]}</b>
                  <span className="muted">
                    · {r.confusion[cell.i * r.classes.length + cell.j].toLocaleString()} image
                    {r.confusion[cell.i * r.classes.length + cell.j] === 1 ? '' : 's'}
                    {cell.i === cell.j ? ' (right: not listed)' : ''}
                  </span>
                  <button className="mini" title="Back to all misclassified images" onClick={() => set({ cell: null })}>
                    ✕
                  </button>
                </div>
                {cell.i !== cell.j && <Gallery r={r} items={inCell.slice(0, GALLERY)} testid="cell-gallery" />}
              </>
            ) : (
              <>
                <div className="eval-caption">Misclassified</div>
                <Gallery r={r} items={all.slice(0, GALLERY)} testid="misclassified-gallery" />
              </>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
