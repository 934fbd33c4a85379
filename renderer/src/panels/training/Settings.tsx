// The run's settings (filled from the document's `training`) and its controls: Start, Pause/Resume,
// Step, Stop. The learning rate stays editable during a run and applies live (`train/setLr`).
import { useState } from 'react';
import { useInference, useUi } from '../../app/store';
import { fmtShape } from '../../canvas/format';
import {
  pauseTraining,
  resumeTraining,
  setLearningRate,
  startTraining,
  stepTraining,
  stopTraining,
  useTraining,
  type DatasetInfo,
} from './controller';
import { isActive, parseForm, startBlocker, type TrainForm } from './run-state';

function Field({
  label,
  name,
  error,
  children,
  live,
}: {
  label: string;
  name: string;
  error?: string;
  live?: boolean;
  children: React.ReactNode;
}) {
  return (
    <label
      className={live ? 'tf-field tf-live' : 'tf-field'}
      title={error ?? (live ? 'Applies to the running training (Enter)' : undefined)}
    >
      <span className="tf-label">{label}</span>
      {children}
      {error && (
        <span className="tf-error" data-testid={`train-error-${name}`}>
          {error}
        </span>
      )}
    </label>
  );
}

function Availability({ d }: { d: DatasetInfo | undefined }) {
  const datasets = useTraining((s) => s.datasets);
  if (!datasets) return <div className="tf-avail muted">looking for data sets…</div>;
  if (!d) return <div className="tf-avail tf-warn">not known to the engine</div>;
  return (
    <div
      className={d.available ? 'tf-avail tf-ok' : 'tf-avail tf-warn'}
      data-testid="train-availability"
      title={d.location}
    >
      {d.available ? '● on disk' : '↓ downloaded on Start'} · {d.classes} classes · {fmtShape(d.inputShape)}
    </div>
  );
}

/** The learning rate: part of the form before a run, a live control during one. */
function LrInput({ form, live, error }: { form: TrainForm; live: boolean; error?: string }) {
  const runLr = useTraining((s) => s.run.lr);
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? (live && runLr !== null ? String(runLr) : form.lr);
  const commit = () => {
    if (draft === null) return;
    const lr = Number(draft);
    if (live) {
      if (lr > 0 && Number.isFinite(lr)) void setLearningRate(lr);
    } else useTraining.getState().set({ form: { ...form, lr: draft } });
    setDraft(null);
  };
  return (
    <input
      data-testid="train-lr"
      value={value}
      className={error ? 'invalid' : ''}
      inputMode="decimal"
      onChange={(e) => {
        setDraft(e.target.value);
        if (!live) useTraining.getState().set({ form: { ...form, lr: e.target.value } });
      }}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(null);
      }}
    />
  );
}

/** Start, Pause/Resume, Step, Stop: in the panel's header, always in view. */
export function Controls() {
  const form = useTraining((s) => s.form);
  const state = useTraining((s) => s.run.state);
  const intent = useTraining((s) => s.intent);
  const engineUp = useUi((s) => s.engineBackend !== undefined);
  const inf = useInference();
  const why = startBlocker({
    engineUp,
    errors: inf.errors,
    state,
    form: parseForm(form).errors,
    starting: intent === 'start',
  });
  const paused = state === 'paused';
  return (
    <div className="train-buttons">
      <button
        className="btn btn-primary"
        data-testid="train-start"
        disabled={why !== null}
        onClick={() => void startTraining()}
        title={why ?? 'Train this network'}
      >
        {intent === 'start' ? 'Starting…' : '▶ Start'}
      </button>
      <button
        className="btn"
        data-testid="train-pause"
        disabled={!(state === 'running' || paused) || intent === 'stop'}
        onClick={() => void (paused ? resumeTraining() : pauseTraining())}
      >
        {intent === 'pause' ? 'Pausing…' : paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <button
        className="btn"
        data-testid="train-step"
        disabled={!paused || intent === 'step'}
        onClick={() => void stepTraining()}
        title="Train one batch, then pause"
      >
        Step
      </button>
      <button
        className="btn"
        data-testid="train-stop"
        disabled={!isActive(state) || intent === 'stop'}
        onClick={() => void stopTraining()}
        title="Stop and evaluate on the test set"
      >
        {intent === 'stop' ? 'Stopping…' : '■ Stop'}
      </button>
    </div>
  );
}

export function Settings() {
  const form = useTraining((s) => s.form);
  const datasets = useTraining((s) => s.datasets);
  const state = useTraining((s) => s.run.state);
  const intent = useTraining((s) => s.intent);
  const engineUp = useUi((s) => s.engineBackend !== undefined);
  const inf = useInference();
  const parsed = parseForm(form);
  const active = isActive(state) || intent === 'start';
  const why = startBlocker({ engineUp, errors: inf.errors, state, form: parsed.errors, starting: intent === 'start' });
  const put = (p: Partial<TrainForm>) => useTraining.getState().set({ form: { ...form, ...p } });
  const text = (name: 'epochs' | 'batchSize' | 'momentum' | 'limit', placeholder?: string) => (
    <input
      data-testid={`train-${name}`}
      value={form[name]}
      placeholder={placeholder}
      disabled={active || (name === 'momentum' && form.optimizer === 'adam')}
      className={parsed.errors[name] ? 'invalid' : ''}
      inputMode="numeric"
      onChange={(e) => put({ [name]: e.target.value })}
    />
  );
  const options = datasets?.some((d) => d.id === form.dataset)
    ? datasets
    : [...(datasets ?? []), { id: form.dataset, name: form.dataset } as DatasetInfo];
  return (
    <div className="train-settings" data-testid="train-settings">
      <Field label="Data set" name="dataset">
        <select
          data-testid="train-dataset"
          value={form.dataset}
          disabled={active}
          onChange={(e) => put({ dataset: e.target.value })}
        >
          {options.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
              {d.available === false ? ' (download)' : ''}
            </option>
          ))}
        </select>
      </Field>
      <Availability d={datasets?.find((d) => d.id === form.dataset)} />
      <div className="tf-row">
        <Field label="Epochs" name="epochs" error={parsed.errors.epochs}>
          {text('epochs')}
        </Field>
        <Field label="Batch size" name="batchSize" error={parsed.errors.batchSize}>
          {text('batchSize')}
        </Field>
        <Field label="Limit samples" name="limit" error={parsed.errors.limit}>
          {text('limit', 'all')}
        </Field>
      </div>
      <div className="tf-row">
        <Field label="Optimizer" name="optimizer">
          <select
            data-testid="train-optimizer"
            value={form.optimizer}
            disabled={active}
            onChange={(e) => put({ optimizer: e.target.value as TrainForm['optimizer'] })}
          >
            <option value="sgd">SGD</option>
            <option value="adam">Adam</option>
          </select>
        </Field>
        <Field label="Learning rate" name="lr" error={parsed.errors.lr} live={active}>
          <LrInput form={form} live={active} error={parsed.errors.lr} />
        </Field>
        <Field label="Momentum" name="momentum" error={parsed.errors.momentum}>
          {text('momentum', form.optimizer === 'adam' ? 'n/a' : '0')}
        </Field>
      </div>
      {why && !active && (
        <p className="train-why" data-testid="train-why">
          {why}
        </p>
      )}
    </div>
  );
}
