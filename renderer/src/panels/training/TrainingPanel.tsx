// The training drawer under the editor: settings and controls on the left, the run's status line,
// anomaly / error banners, live curves and the epoch table. Everything comes from the training store.
import { useEffect } from 'react';
import { useDoc, useUi } from '../../app/store';
import { DebugArea } from '../debug/DebugArea';
import { revealBlock, useTraining } from './controller';
import { Curves, Results } from './Live';
import { RunBackend } from './Backend';
import { formFrom } from './form';
import { isActive } from './run-state';
import { Controls, Settings } from './Settings';
import './training.css';

const STATE_LABEL: Record<string, string> = {
  starting: 'Preparing',
  running: 'Training',
  paused: 'Paused',
  stopping: 'Stopping',
  done: 'Done',
  stopped: 'Stopped',
  failed: 'Failed',
};

function fmtRate(v: number | null) {
  if (v === null || !Number.isFinite(v)) return '—';
  return v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0);
}

function Status() {
  const run = useTraining((s) => s.run);
  const backend = useUi((s) => s.engineBackend);
  const total = run.config && run.stepsPerEpoch ? run.config.epochs * run.stepsPerEpoch : 0;
  const frac = total ? Math.min(1, run.step / total) : 0;
  const state = run.lost ? 'lost' : (run.state ?? 'idle');
  return (
    <div className="train-status" data-testid="train-status">
      <span className={`train-pill pill-${state}`} data-testid="train-state" data-state={state}>
        {run.lost ? 'Run lost' : run.state ? STATE_LABEL[run.state] : 'Ready'}
      </span>
      {run.state && (
        <>
          <span>
            Epoch <b data-testid="train-epoch">{Math.min(run.epoch + 1, run.config?.epochs ?? Infinity)}</b>
            {run.config ? ` / ${run.config.epochs}` : ''}
          </span>
          <span>
            Step{' '}
            <b data-testid="train-stepcount" data-step={run.step}>
              {run.step.toLocaleString()}
            </b>
            {total ? ` / ${total.toLocaleString()}` : ''}
          </span>
          <span className="train-progress" title={`${(frac * 100).toFixed(0)}%`}>
            <i style={{ width: `${frac * 100}%` }} />
          </span>
          <span>
            <b data-testid="train-rate">{fmtRate(run.samplesPerSec)}</b> img/s
          </span>
          {run.lr !== null && (
            <span>
              lr <b>{run.lr}</b>
            </span>
          )}
        </>
      )}
      <span className="spacer" />
      <span className="muted" data-testid="train-backend" title={run.backend?.reason}>
        {run.backend ? `backend ${run.backend.name}` : backend ? `backend ${backend}` : 'engine offline'}
      </span>
    </div>
  );
}

function Banners() {
  const anomaly = useTraining((s) => s.run.anomaly);
  const error = useTraining((s) => s.run.error);
  const lost = useTraining((s) => s.run.lost);
  return (
    <>
      {anomaly && (
        <div className="train-banner banner-anomaly" data-testid="train-anomaly" role="alert">
          <b>
            ⚠ {anomaly.kind === 'nan' ? 'NaN' : anomaly.kind} at step {anomaly.step}
          </b>
          <span className="msg">{anomaly.message}</span>
          {anomaly.block && (
            <button className="btn" onClick={() => revealBlock(anomaly.block)}>
              Show {anomaly.block}
            </button>
          )}
        </div>
      )}
      {error && (
        <div
          className={`train-banner ${lost ? 'banner-lost' : 'banner-error'}`}
          data-testid="train-error"
          data-code={error.code}
          role="alert"
        >
          <b>{lost ? 'Run lost' : error.code}</b>
          <span className="msg">{error.message}</span>
          <button
            className="mini"
            title="Dismiss"
            onClick={() => useTraining.getState().set({ run: { ...useTraining.getState().run, error: null } })}
          >
            ✕
          </button>
        </div>
      )}
    </>
  );
}

/** Refills the form (the next run's settings) when the document's training settings change. */
function useFormDefaults() {
  const training = useDoc((s) => s.doc.training);
  useEffect(() => {
    const key = JSON.stringify(training ?? null);
    const s = useTraining.getState();
    if (key !== s.formSource) s.set({ form: formFrom(training), formSource: key });
  }, [training]);
}

export function TrainingPanel() {
  useFormDefaults();
  return (
    <section className="train-panel" data-testid="train-panel" aria-label="Training">
      <header className="train-head">
        <span className="train-title">Training</span>
        <Controls />
        <Status />
        <button
          className="mini"
          data-testid="train-close"
          title="Hide the training panel (the run goes on)"
          onClick={() => showTraining(false)}
        >
          ✕
        </button>
      </header>
      <Banners />
      <RunBackend />
      <div className="train-body">
        <Settings />
        <DebugArea
          curves={
            <>
              <Curves />
              <Results />
            </>
          }
        />
      </div>
    </section>
  );
}

/** Opens or closes the drawer; the canvas gets a different height, so it fits the network again. */
export function showTraining(open: boolean) {
  const ui = useUi.getState();
  ui.set({ trainOpen: open, fitSeq: ui.fitSeq + 1 });
}

/** The toolbar's Train button: opens the drawer; a dot shows a run in progress. */
export function TrainButton() {
  const open = useUi((s) => s.trainOpen);
  const state = useTraining((s) => s.run.state);
  return (
    <button
      className={`btn btn-train${open ? ' on' : ''}`}
      data-testid="btn-train"
      title="Train this network (show/hide the training panel)"
      onClick={() => showTraining(!open)}
    >
      {isActive(state) && <i className={`train-dot dot-${state}`} />}▶ Train
    </button>
  );
}
