// `data/inspect`: a quick look at a data source for the Training panel before any run. Cheap where it can be:
// a folder's class folders plus one decoded image per class, a CSV's header line; a CSV's rows are then read by
// the real loader (as training will), so a bad cell shows up here, with the loader's code and one-line message.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BUILTINS, DataError, decodeImage, isBuiltinName, loadDataset, locateBuiltin, parseCsv } from '../data';
import type { LocateOptions } from '../data/builtin';
import { scanClasses } from '../data/folder';
import { RpcError, type HandlerParams, type Result } from '../protocol';

export type InspectResult = Result<'data/inspect'>;

/** The loader's test fraction for sources without their own test part (folders, CSV files). */
const TEST_FRACTION = 0.2;
/** A header longer than this is not a CSV header anyone typed. */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * Inspects a built-in id, an image folder or a .csv/.tsv file; throws DataError (code + one-line message).
 * e.g. `await inspectData({ source: '/data/iris.csv' })` → `{ kind: 'csv', columns: [...], labelColumn: 'species', … }`.
 */
export async function inspectData(
  { source, labelColumn }: HandlerParams<'data/inspect'>,
  opts: LocateOptions = {},
): Promise<InspectResult> {
  if (isBuiltinName(source)) {
    const info = BUILTINS[source];
    const found = await locateBuiltin(source, opts);
    return {
      kind: 'builtin',
      name: source,
      classes: info.classes.length,
      classNames: info.classes,
      inputShape: info.inputShape,
      available: !!found,
    };
  }
  const file = path.resolve(source);
  const st = await stat(file).catch(() => null);
  if (!st)
    throw new DataError(
      'E_DATA_NOT_FOUND',
      `"${source}" is neither a built-in data set (fashion-mnist, mnist) nor an existing folder or .csv file`,
      file,
    );
  if (st.isDirectory()) return inspectFolder(file);
  if (/\.(csv|tsv)$/i.test(file)) return inspectCsv(file, labelColumn);
  throw new DataError('E_DATA_FORMAT', 'expected a folder of class folders or a .csv/.tsv file', file);
}

/** Class folders and their image counts; the sample shape from the first image of each class. */
async function inspectFolder(root: string): Promise<InspectResult> {
  const names = new Set(
    (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name),
  );
  const hasParts = names.has('train') && names.has('test');
  const train = await scanClasses(hasParts ? path.join(root, 'train') : root);
  const test = hasParts ? await scanClasses(path.join(root, 'test')) : null;
  let shape: [number, number] | null = null;
  let gray = true;
  for (const files of train.values()) {
    const img = decodeImage(await readFile(files[0]), files[0]);
    shape ??= [img.height, img.width];
    gray &&= img.gray;
  }
  const count = (m: Map<string, string[]>) => [...m.values()].reduce((n, f) => n + f.length, 0);
  const n = count(train);
  // Without train/ and test/ the loader holds out round(n × TEST_FRACTION) samples as the test part.
  const held = test ? count(test) : Math.round(n * TEST_FRACTION);
  const [h, w] = shape as [number, number];
  return {
    kind: 'folder',
    name: path.basename(root),
    classes: train.size,
    classNames: [...train.keys()],
    inputShape: [gray ? 1 : 3, h, w],
    sizes: { train: test ? n : n - held, test: held },
  };
}

/** The first line(s) of a CSV file, enough to hold its header row. */
async function headerOf(file: string): Promise<string[]> {
  const fh = await open(file, 'r');
  try {
    let text = '';
    const buf = new Uint8Array(64 * 1024);
    const decoder = new TextDecoder();
    for (let pos = 0; pos < MAX_HEADER_BYTES;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      text += decoder.decode(buf.subarray(0, bytesRead), { stream: true });
      // A header never holds a quoted newline in practice; the first line break ends it.
      if (/[\r\n]/.test(text)) break;
    }
    const first = text.split(/\r?\n|\r/)[0];
    const rows = parseCsv(first, file, /\.tsv$/i.test(file) ? '\t' : ',');
    if (!rows.length) throw new DataError('E_DATA_CSV', 'the file is empty (expected a header row)', file);
    return rows[0].cells.map((c) => c.trim());
  } finally {
    await fh.close();
  }
}

async function inspectCsv(file: string, labelColumn: string | undefined): Promise<InspectResult> {
  const columns = await headerOf(file);
  // Without a choice: "label" when the header has it (any case, as the loader matches), else the last column.
  const label = labelColumn ?? columns.find((c) => c.toLowerCase() === 'label') ?? columns[columns.length - 1];
  // The real loader reads every row: the classes, the sizes and any bad cell, exactly as training will see them.
  // Its error keeps the header (as data), so the panel can still offer the other columns as the label.
  const ds = await loadDataset({ source: file, labelColumn: label }).catch((e: unknown) => {
    if (e instanceof DataError) throw new RpcError(e.code, e.message, { columns, labelColumn: label });
    throw e;
  });
  return {
    kind: 'csv',
    name: ds.name,
    classes: ds.classes.length,
    classNames: ds.classes,
    inputShape: ds.inputShape,
    sizes: { train: ds.train.n, test: ds.test.n },
    columns,
    labelColumn: label,
  };
}
