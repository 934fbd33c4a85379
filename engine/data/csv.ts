// CSV tables: a header row, one label column chosen by name, every other column a numeric feature.
// A small RFC 4180 parser (quotes, "" escapes, CRLF, newlines inside quotes) keeps line numbers so that
// errors can point at the exact line and column a user must fix in their spreadsheet.
import { readFile } from 'node:fs/promises';
import { DataError } from './errors';
import type { Split } from './types';

export interface CsvRow {
  cells: string[];
  /** 1-based line where the row starts. */
  line: number;
}

/** Parses CSV text into rows; blank lines are skipped. e.g. `parseCsv('a,b\n1,"x,y"')[1].cells` → `['1', 'x,y']`. */
export function parseCsv(text: string, file = 'CSV', delimiter = ','): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // spreadsheet exports often start with a BOM
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0].trim() !== '') rows.push({ cells, line: rowLine });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new DataError('E_DATA_CSV', `line ${rowLine}: a quoted cell is never closed`, file);
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

export interface CsvData {
  classes: string[];
  featureNames: string[];
  /** All rows; the caller carves the test part out. */
  samples: Split;
}

/** Integer labels sort numerically ("2" < "10"); anything else sorts as text. */
function classOrder(labels: Set<string>): string[] {
  const all = [...labels];
  if (all.every((l) => /^-?\d+$/.test(l))) return all.sort((a, b) => Number(a) - Number(b));
  return all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Turns parsed rows into features and labels; `labelColumn` is matched exactly, then case-insensitively. */
export function tableFromRows(rows: CsvRow[], labelColumn: string, file: string): CsvData {
  if (rows.length === 0) throw new DataError('E_DATA_CSV', 'the file is empty (expected a header row)', file);
  const header = rows[0].cells.map((h) => h.trim());
  let li = header.indexOf(labelColumn);
  if (li < 0) {
    const ci = header.map((h, i) => (h.toLowerCase() === labelColumn.toLowerCase() ? i : -1)).filter((i) => i >= 0);
    if (ci.length === 1) li = ci[0];
  }
  if (li < 0) {
    throw new DataError(
      'E_DATA_LABEL_COLUMN',
      `no label column "${labelColumn}"; the columns are: ${header.join(', ')}`,
      file,
    );
  }
  const featureNames = header.filter((_, i) => i !== li);
  if (featureNames.length === 0) throw new DataError('E_DATA_CSV', 'no feature columns besides the label column', file);
  const data = rows.slice(1);
  if (data.length === 0) throw new DataError('E_DATA_CSV', 'no data rows after the header', file);
  const nf = featureNames.length;
  const x = new Float32Array(data.length * nf);
  const raw: string[] = [];
  data.forEach((row, r) => {
    if (row.cells.length !== header.length) {
      throw new DataError(
        'E_DATA_CSV',
        `line ${row.line} has ${row.cells.length} cells, the header has ${header.length}`,
        file,
      );
    }
    let k = 0;
    row.cells.forEach((cell, c) => {
      const s = cell.trim();
      if (c === li) {
        if (s === '')
          throw new DataError('E_DATA_CSV', `line ${row.line}, column "${header[c]}": the label is empty`, file);
        raw.push(s);
        return;
      }
      // Number('') is 0 and Number('0x1f') parses hex: require something that looks like a decimal number.
      const v = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(v)) {
        throw new DataError(
          'E_DATA_CSV',
          `line ${row.line}, column "${header[c]}": ${s === '' ? 'empty cell' : `"${s}" is not a number`}`,
          file,
        );
      }
      x[r * nf + k++] = v;
    });
  });
  const classes = classOrder(new Set(raw));
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(raw, (l) => index.get(l) as number);
  return { classes, featureNames, samples: { x, y, n: data.length, shape: [nf] } };
}

/** Reads a .csv (or tab-separated .tsv) file; e.g. `await loadCsv('iris.csv', 'species')`. */
export async function loadCsv(file: string, labelColumn = 'label'): Promise<CsvData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'E_DATA_NOT_FOUND' : 'E_DATA_FORMAT',
      `cannot read file (${code ?? String(e)})`,
      file,
      { cause: e },
    );
  }
  return tableFromRows(parseCsv(text, file, /\.tsv$/i.test(file) ? '\t' : ','), labelColumn, file);
}
