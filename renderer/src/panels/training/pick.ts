// The data kind switch and the Host's picker for the user's own image folder / CSV file (Electron's dialog;
// the browser shell answers null and the panel's path field takes the path instead).
import type { DataSourceKind } from '../../../../engine/protocol';
import { host } from '../../app/files';
import { useTraining } from './controller';
import { sourceKind, type DataKind, type TrainForm } from './form';

/**
 * Switches the data kind; a folder / CSV asks the shell's dialog (null there: the path field takes it).
 * Resolves true when nothing more is needed from the user (a built-in, or a path from the dialog).
 */
export async function chooseData(kind: DataKind, builtin?: string): Promise<boolean> {
  const put = (p: Partial<TrainForm>) =>
    useTraining.getState().set({ form: { ...useTraining.getState().form, ...p }, inspect: null });
  if (kind === 'builtin') {
    put({ dataKind: 'builtin', dataset: builtin ?? 'fashion-mnist', labelColumn: '' });
    return true;
  }
  const form = useTraining.getState().form;
  // Keep a path typed earlier for the same kind; a built-in's id is no path.
  const keep = form.dataKind === kind ? form.dataset : '';
  put({ dataKind: kind, dataset: keep, labelColumn: kind === 'csv' && keep ? form.labelColumn : '' });
  return pickPath(kind);
}

/** Asks the Host for a path (Electron's dialog); true when one came back. */
export async function pickPath(kind: DataSourceKind): Promise<boolean> {
  const path = await host.pickDataSource(kind).catch(() => null);
  if (!path) return false;
  const form = useTraining.getState().form;
  useTraining
    .getState()
    .set({ form: { ...form, dataKind: sourceKind(path) === 'csv' ? 'csv' : kind, dataset: path, labelColumn: '' } });
  return true;
}
