// The data choice at the top of the settings: a built-in (with Download when it is not on disk) or the user's
// own image folder / CSV file (the shell's dialog, else a path field), what the engine saw there (classes,
// features, sizes) or the loader's one-line error, and a CSV's label column from its header.
import { useEffect, useRef } from 'react';
import { useUi } from '../../app/store';
import { fmtShape } from '../../canvas/format';
import { useTraining, type DatasetInfo } from './controller';
import { downloadDataset, inspectKey, inspectSource } from './data';
import { chooseData, pickPath } from './pick';
import { builtinLabel, type DataKind, type TrainForm } from './form';

const OWN: Record<Exclude<DataKind, 'builtin'>, { option: string; label: string; placeholder: string }> = {
  folder: { option: 'Image folder…', label: 'Image folder', placeholder: '/path/to/folder (one sub-folder per class)' },
  csv: { option: 'CSV file…', label: 'CSV file', placeholder: '/path/to/table.csv' },
};

/** How long typing in the path field waits before the engine is asked (each look reads the file). */
const INSPECT_DELAY_MS = 350;

function Builtin({ id, disabled }: { id: string; disabled: boolean }) {
  const datasets = useTraining((s) => s.datasets);
  const download = useTraining((s) => s.download);
  const d: DatasetInfo | undefined = datasets?.find((x) => x.id === id);
  if (!datasets) return <div className="tf-avail muted">looking for data sets…</div>;
  if (!d) return <div className="tf-avail tf-warn">not known to the engine</div>;
  const mine = download?.id === id ? download : null;
  const facts = `${d.classes} classes · ${fmtShape(d.inputShape)}`;
  if (d.available)
    return (
      <div className="tf-avail tf-ok" data-testid="train-availability" title={d.location}>
        ● on disk · {facts}
      </div>
    );
  const frac = mine?.total ? Math.min(1, mine.received / mine.total) : 0;
  return (
    <div className="tf-download" data-testid="train-availability" data-available="false">
      {mine && !mine.error && !mine.done ? (
        <>
          <span className="tf-bar" data-testid="train-download-progress" data-received={mine.received}>
            <i style={{ width: `${frac * 100}%` }} />
          </span>
          <span className="muted">
            {mine.total ? `${(frac * 100).toFixed(0)}%` : `${(mine.received / 2 ** 20).toFixed(1)} MiB`}
          </span>
        </>
      ) : (
        <>
          <span className="tf-warn">not on disk · {facts}</span>
          <button
            className="btn mini-btn"
            data-testid="train-download"
            disabled={disabled}
            onClick={() => void downloadDataset(id)}
            title={`Download ${builtinLabel(id)} into the engine's cache`}
          >
            ↓ Download
          </button>
        </>
      )}
      {mine?.error && (
        <div className="tf-data-error" data-testid="train-download-error">
          <b>{mine.error.code}</b> {mine.error.message}
        </div>
      )}
    </div>
  );
}

function Own({ form, kind, disabled }: { form: TrainForm; kind: 'folder' | 'csv'; disabled: boolean }) {
  const inspect = useTraining((s) => s.inspect);
  const engineUp = useUi((s) => s.engineBackend !== undefined);
  const key = inspectKey(form);
  const current = inspect?.key === key ? inspect : null;
  // Ask the engine once typing pauses; an answer for another key (an older path) is simply not shown.
  useEffect(() => {
    if (!engineUp || !form.dataset.trim() || useTraining.getState().inspect?.key === key) return;
    const t = setTimeout(() => void inspectSource(), INSPECT_DELAY_MS);
    return () => clearTimeout(t);
  }, [key, engineUp, form.dataset]);
  const put = (p: Partial<TrainForm>) => useTraining.getState().set({ form: { ...form, ...p } });
  const sameFile = inspect?.key.split('\n')[0] === form.dataset.trim();
  const columns = (sameFile && inspect?.columns) || (form.labelColumn ? [form.labelColumn] : []);
  return (
    <>
      <div className="tf-path">
        <input
          data-testid="train-path"
          value={form.dataset}
          title={form.dataset}
          placeholder={OWN[kind].placeholder}
          disabled={disabled}
          spellCheck={false}
          className={current?.error ? 'invalid' : ''}
          onChange={(e) => put({ dataset: e.target.value, labelColumn: '' })}
          aria-label={OWN[kind].label}
        />
        <button
          className="btn mini-btn"
          data-testid="train-browse"
          disabled={disabled}
          title="Choose with the system's dialog (where the shell has one)"
          onClick={(e) => {
            const input = e.currentTarget.previousElementSibling as HTMLInputElement | null;
            void pickPath(kind).then((picked) => picked || input?.focus());
          }}
        >
          Browse…
        </button>
      </div>
      {kind === 'csv' && (
        <label className="tf-field tf-inline">
          <span className="tf-label">Label column</span>
          <select
            data-testid="train-labelColumn"
            value={form.labelColumn}
            disabled={disabled || columns.length === 0}
            onChange={(e) => put({ labelColumn: e.target.value })}
          >
            {columns.length === 0 && <option value="">from the header</option>}
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
      {current?.error ? (
        <div className="tf-data-error" data-testid="train-data-error" data-code={current.error.code} role="alert">
          <b>{current.error.code}</b> {current.error.message}
        </div>
      ) : current?.result ? (
        <div className="tf-avail tf-ok" data-testid="train-data-info">
          ● {current.result.classes} classes ·{' '}
          {current.result.kind === 'csv'
            ? `${current.result.inputShape[0]} features`
            : fmtShape(current.result.inputShape)}
          {current.result.sizes &&
            ` · ${current.result.sizes.train.toLocaleString()} train / ${current.result.sizes.test.toLocaleString()} test`}
        </div>
      ) : (
        form.dataset.trim() && (
          <div className="tf-avail muted" data-testid="train-data-info">
            {engineUp ? 'looking…' : 'the engine looks at it once it is connected'}
          </div>
        )
      )}
    </>
  );
}

export function DataChoice({ form, disabled, error }: { form: TrainForm; disabled: boolean; error?: string }) {
  const datasets = useTraining((s) => s.datasets);
  const builtins = datasets?.map((d) => d.id) ?? [];
  if (form.dataKind === 'builtin' && form.dataset && !builtins.includes(form.dataset)) builtins.push(form.dataset);
  const value = form.dataKind === 'builtin' ? form.dataset : `:${form.dataKind}`;
  const box = useRef<HTMLDivElement>(null);
  // Without a path from a dialog, the path field is where the user goes next.
  const focusPath = (done: boolean) => done || box.current?.querySelector<HTMLInputElement>('.tf-path input')?.focus();
  return (
    <div className="tf-data" ref={box}>
      <label className="tf-field">
        <span className="tf-label">Data</span>
        <select
          data-testid="train-dataset"
          value={value}
          disabled={disabled}
          onChange={(e) => {
            const v = e.target.value;
            void (v.startsWith(':') ? chooseData(v.slice(1) as DataKind) : chooseData('builtin', v)).then(focusPath);
          }}
        >
          {builtins.map((id) => (
            <option key={id} value={id}>
              {builtinLabel(id)}
            </option>
          ))}
          <option value=":folder">{OWN.folder.option}</option>
          <option value=":csv">{OWN.csv.option}</option>
        </select>
      </label>
      {form.dataKind === 'builtin' ? (
        <Builtin id={form.dataset} disabled={disabled} />
      ) : (
        <Own form={form} kind={form.dataKind} disabled={disabled} />
      )}
      {error && form.dataKind !== 'builtin' && (
        <span className="tf-error" data-testid="train-error-dataset">
          {error}
        </span>
      )}
    </div>
  );
}
