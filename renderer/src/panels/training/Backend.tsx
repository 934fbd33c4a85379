// The Training panel's backend and workers choices (issues 13, 14): Automatic (what the engine would pick and
// why) or a backend by name, each with its availability reason (an unavailable one is disabled, the reason in its
// tooltip and below); Workers (Automatic, or 1…cores, at most 8) for wasm only. The engine's facts come from
// engine/info (the training store's `engine`); the choice is part of the form, so it is kept in the document's
// training settings like the others. RunBackend is the live line: which backend the run trains on, and why.
import { useTraining, type EngineFacts } from './controller';
import { workersApply, type TrainForm } from './form';
import './backend.css';

type Row = NonNullable<EngineFacts['backends']>[number];

const rate = (v: number) => `${Math.round(v).toLocaleString('en-US')} img/s`;

/** What the note under the select says about the current choice (null: nothing to add). */
export function backendNote(form: TrainForm, engine: EngineFacts | null): { text: string; bad: boolean } | null {
  if (!engine) return null;
  if (!form.backend)
    return engine.choice ? { text: `Automatic: ${engine.choice.name} — ${engine.choice.reason}`, bad: false } : null;
  const row = engine.backends?.find((b) => b.name === form.backend);
  if (!row) return { text: `${form.backend} is not a backend this engine knows`, bad: true };
  return row.available
    ? { text: row.note ?? `${row.name} is available`, bad: false }
    : { text: `${row.name} is unavailable here: ${row.note ?? 'no reason given'}`, bad: true };
}

/** Why Start is refused for the backend (an unknown or unavailable one), or null. */
export function backendBlocker(form: TrainForm, engine: EngineFacts | null): string | null {
  const n = backendNote(form, engine);
  return form.backend && n?.bad ? n.text : null;
}

function BackendRow({ b, chosen }: { b: Row; chosen: boolean }) {
  return (
    <li className={b.available ? '' : 'tb-off'} data-testid={`backend-row-${b.name}`} title={b.note}>
      <b>{b.name}</b>
      {chosen && <span className="tb-tag">automatic</span>}
      {b.gpu && <span className="tb-tag">GPU</span>}
      <span className="tb-rate">{b.imagesPerSec ? rate(b.imagesPerSec) : b.available ? '' : 'unavailable'}</span>
      <span className="tb-note">{b.probeError ? `probe failed: ${b.probeError}` : b.note}</span>
    </li>
  );
}

export function BackendChoice({ form, active }: { form: TrainForm; active: boolean }) {
  const engine = useTraining((s) => s.engine);
  const put = (p: Partial<TrainForm>) => useTraining.getState().set({ form: { ...form, ...p } });
  const backends = engine?.backends ?? [];
  const choice = engine?.choice;
  const cores = Math.min(8, Math.max(1, engine?.cores ?? 1));
  const counts = Array.from({ length: cores }, (_, i) => String(i + 1));
  if (form.workers !== 'auto' && !counts.includes(form.workers)) counts.push(form.workers); // from a bigger machine
  const workersOn = workersApply(form.backend, choice?.name);
  const note = backendNote(form, engine);
  // Also the select's tooltip: a long backend name may still outgrow the box on a narrow panel.
  const automatic = `Automatic${choice ? ` (${choice.name})` : ''}`;
  return (
    <div className="tb" data-testid="train-backend-choice">
      <div className="tf-row tb-row">
        <label className="tf-field" title="Which engine trains the network">
          <span className="tf-label">Backend</span>
          <select
            data-testid="train-backend-select"
            title={form.backend ? undefined : automatic}
            value={form.backend}
            disabled={active}
            onChange={(e) => put({ backend: e.target.value })}
          >
            <option value="">{automatic}</option>
            {backends.map((b) => (
              <option key={b.name} value={b.name} disabled={!b.available} title={b.note}>
                {b.available ? b.name : `${b.name} — unavailable`}
              </option>
            ))}
            {form.backend && !backends.some((b) => b.name === form.backend) && (
              <option value={form.backend}>{form.backend}</option>
            )}
          </select>
        </label>
        <label
          className="tf-field"
          title={
            workersOn
              ? 'Data-parallel workers on wasm: Automatic (the default) measures one against one per physical core over the first steps, and keeps the faster'
              : 'Workers apply to the wasm backend only'
          }
        >
          <span className="tf-label">Workers</span>
          <select
            data-testid="train-workers"
            value={form.workers}
            disabled={active || !workersOn}
            onChange={(e) => put({ workers: e.target.value })}
          >
            <option value="auto">Automatic</option>
            {counts.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {note && (
        <p className={`tb-why${note.bad ? ' tb-bad' : ''}`} data-testid="train-backend-why" title={note.text}>
          {note.text}
        </p>
      )}
      {backends.length > 0 && (
        <details className="tb-list">
          <summary>Backends here</summary>
          <ul>
            {backends.map((b) => (
              <BackendRow key={b.name} b={b} chosen={choice?.name === b.name} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** The run's backend and why, and the workers' verdict: the live line above the curves. */
export function RunBackend() {
  const backend = useTraining((s) => s.run.backend);
  const workers = useTraining((s) => s.run.workers);
  if (!backend) return null;
  return (
    <div className="tb-run" data-testid="train-run-backend" data-backend={backend.name}>
      <span>
        Training on <b>{backend.name}</b>
      </span>
      <span className="tb-run-why" title={backend.reason}>
        {backend.reason}
      </span>
      {workers && (
        <span data-testid="train-run-workers" data-workers={workers.count} title={workers.reason}>
          · {workers.reason}
        </span>
      )}
    </div>
  );
}
