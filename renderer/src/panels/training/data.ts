// The data choice's link to the engine: `data/inspect` (a CSV's header and classes, a folder's class folders,
// or the loader's one-line error) and `data/download` for a built-in that is not on disk, with its
// `data/progress` events (controller.ts). The shell's picker is pick.ts.
import { RpcError } from '../../../../engine/protocol';
import { engineClient, listDatasets, useTraining, type Inspection } from './controller';
import type { TrainForm } from './form';

const errorOf = (e: unknown) => {
  const r = RpcError.from(e);
  return { code: r.code, message: r.message };
};

/** What an inspection is for: the same source and label column need no second look. */
export const inspectKey = (f: Pick<TrainForm, 'dataset' | 'labelColumn'>) =>
  `${f.dataset.trim()}\n${f.labelColumn.trim()}`;

/**
 * Asks the engine about the form's folder / CSV file (not built-ins: `data/list` covers them). A CSV's label
 * column defaults to the engine's choice ("label", else the last column), which then fills the form.
 */
export async function inspectSource(): Promise<void> {
  const s = useTraining.getState();
  const { form } = s;
  const c = engineClient();
  if (form.dataKind === 'builtin' || !form.dataset.trim() || !c) return;
  const key = inspectKey(form);
  // A new look at the same file keeps the last header meanwhile, so the label column stays choosable.
  const sameFile = s.inspect?.key.split('\n')[0] === form.dataset.trim();
  s.set({ inspect: { key, pending: true, columns: sameFile ? s.inspect?.columns : undefined } });
  const still = () => useTraining.getState().inspect?.key === key;
  // The engine's label choice ("label", else the last column) fills an empty field; the answer is filed under
  // the key the filled form has, so it is not asked again.
  const settle = (labelColumn: string | undefined, inspect: Omit<Inspection, 'key' | 'pending'>) => {
    const now = useTraining.getState().form;
    const fill = labelColumn && !now.labelColumn.trim();
    const f = fill ? { ...now, labelColumn } : now;
    useTraining.getState().set({ form: f, inspect: { key: fill ? inspectKey(f) : key, pending: false, ...inspect } });
  };
  try {
    const result = await c.call('data/inspect', {
      source: form.dataset.trim(),
      ...(form.labelColumn.trim() ? { labelColumn: form.labelColumn.trim() } : {}),
    });
    if (still()) settle(result.labelColumn, { result, columns: result.columns });
  } catch (e) {
    if (!still()) return;
    // A CSV whose rows fail still sends its header along, so another label column can be chosen.
    const data = (RpcError.from(e).data ?? {}) as { columns?: string[]; labelColumn?: string };
    settle(data.labelColumn, { error: errorOf(e), columns: data.columns ?? useTraining.getState().inspect?.columns });
  }
}

/** Downloads a missing built-in into the engine's cache, with progress; the list is asked again after. */
export async function downloadDataset(id: string): Promise<void> {
  const c = engineClient();
  if (!c) return;
  useTraining.getState().set({ download: { id, received: 0, total: null, done: false } });
  try {
    await c.call('data/download', { id });
    useTraining.getState().set({ download: { id, received: 0, total: null, done: true } });
    await listDatasets(c);
  } catch (e) {
    const d = useTraining.getState().download;
    useTraining
      .getState()
      .set({ download: { id, received: d?.received ?? 0, total: d?.total ?? null, done: false, error: errorOf(e) } });
  }
}
