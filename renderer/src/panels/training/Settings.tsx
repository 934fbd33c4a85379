// The run's settings (filled from the document's `training`) and its controls: Start, Pause/Resume,
// Step, Stop. The learning rate stays editable during a run and applies live (`train/setLr`).
import { useState } from 'react';
import { useInference, useUi } from '../../app/store';
import {
  pauseTraining,
  resumeTraining,
  setLearningRate,
  startTraining,
  stepTraining,
  stopTraining,
  useTraining,
} from './controller';
import { inspectKey } from './data';
import { BackendChoice, backendBlocker } from './Backend';
import { DataChoice } from './DataChoice';
import { parseForm, startBlocker, type ScheduleKind, type TrainForm } from './form';
import { isActive } from './run-state';
import { ResumeButton } from '../Trained';

function Field({
  label,
  name,
  error,
  children,
  live,
  title,
}: {
  label: string;
  name: string;
  error?: string;
  live?: boolean;
  title?: string;
  children: React.ReactNode;
}) {
  return (
    <label
      className={live ? 'tf-field tf-live' : 'tf-field'}
      title={error ?? (live ? 'Applies to the running training (Enter)' : title)}
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

/** Why Start is refused now (the engine, the network, the form, or the engine's look at the chosen data). */
function useStartBlocker(): string | null {
  const form = useTraining((s) => s.form);
  const state = useTraining((s) => s.run.state);
  const intent = useTraining((s) => s.intent);
  const inspect = useTraining((s) => s.inspect);
  const engineUp = useUi((s) => s.engineBackend !== undefined);
  const engine = useTraining((s) => s.engine);
  const inf = useInference();
  const data = form.dataKind !== 'builtin' && inspect?.key === inspectKey(form) ? inspect.error : null;
  return startBlocker({
    backend: backendBlocker(form, engine),
    engineUp,
    errors: inf.errors,
    state,
    form: parseForm(form).errors,
    starting: intent === 'start',
    data,
  });
}

/** Start, Pause/Resume, Step, Stop: in the panel's header, always in view. */
export function Controls() {
  const state = useTraining((s) => s.run.state);
  const intent = useTraining((s) => s.intent);
  const why = useStartBlocker();
  const paused = state === 'paused';
  // Step with no run starts one held before its first batch and takes that batch.
  const idle = !isActive(state) && intent === null;
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
      <ResumeButton />
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
        disabled={!(paused && intent !== 'step') && !(idle && why === null)}
        onClick={() => void stepTraining()}
        title={idle ? (why ?? 'Start paused and train one batch') : 'Train one batch, then pause'}
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
  const state = useTraining((s) => s.run.state);
  const intent = useTraining((s) => s.intent);
  const parsed = parseForm(form);
  const active = isActive(state) || intent === 'start';
  const why = useStartBlocker();
  const put = (p: Partial<TrainForm>) => useTraining.getState().set({ form: { ...form, ...p } });
  type TextField =
    'epochs' | 'batchSize' | 'momentum' | 'limit' | 'validation' | 'stepEvery' | 'stepGamma' | 'minLr' | 'patience';
  const text = (name: TextField, placeholder?: string) => (
    <input
      data-testid={`train-${name}`}
      value={form[name]}
      placeholder={placeholder}
      disabled={active || (name === 'momentum' && form.optimizer === 'adam')}
      className={parsed.errors[name] ? 'invalid' : ''}
      inputMode={name === 'stepGamma' || name === 'minLr' ? 'decimal' : 'numeric'}
      onChange={(e) => put({ [name]: e.target.value })}
    />
  );
  const field = (label: string, name: TextField, placeholder?: string, title?: string) => (
    <Field label={label} name={name} error={parsed.errors[name]} title={title}>
      {text(name, placeholder)}
    </Field>
  );
  return (
    <div className="train-settings" data-testid="train-settings">
      <DataChoice form={form} disabled={active} error={parsed.errors.dataset} />
      <BackendChoice form={form} active={active} />
      <div className="tf-row">
        {field('Epochs', 'epochs')}
        {field('Batch size', 'batchSize')}
        {field('Limit samples', 'limit', 'all')}
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
        {field('Momentum', 'momentum', form.optimizer === 'adam' ? 'n/a' : '0')}
      </div>
      <div className="tf-row">
        {field(
          'Validation %',
          'validation',
          '0',
          'Share of the training data held out to validate each epoch (seeded)',
        )}
        <Field label="LR schedule" name="schedule">
          <select
            data-testid="train-schedule"
            value={form.schedule}
            disabled={active}
            onChange={(e) => put({ schedule: e.target.value as ScheduleKind })}
          >
            <option value="constant">constant</option>
            <option value="step">step</option>
            <option value="cosine">cosine</option>
          </select>
        </Field>
        {field('Early stop', 'patience', 'off', 'Stop after this many epochs without a better validation loss')}
      </div>
      {form.schedule === 'step' && (
        <div className="tf-row">
          {field('Every (epochs)', 'stepEvery')}
          {field('Multiply lr by', 'stepGamma')}
        </div>
      )}
      {form.schedule === 'cosine' && (
        <div className="tf-row">
          {field('Down to lr', 'minLr', '0', 'Cosine annealing from the learning rate down to this one')}
        </div>
      )}
      {why && !active && (
        <p className="train-why" data-testid="train-why">
          {why}
        </p>
      )}
    </div>
  );
}
