import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsv, parseCsv, tableFromRows } from './csv';
import { tempDir, writeFiles } from './fixtures';
import { batches } from './batches';
import { loadDataset } from './load';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => void (tmp = await tempDir()));
afterAll(() => tmp.cleanup());

describe('CSV parsing', () => {
  it('handles quotes, escaped quotes, CRLF, a BOM, blank lines and newlines inside quotes', () => {
    const rows = parseCsv('\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",z');
    expect(rows.map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', 'z'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(() => parseCsv('a\n"open', 'f.csv')).toThrow(/f\.csv.*line 2.*never closed/);
  });

  it('maps string labels to sorted class names and integer labels numerically', () => {
    const t = tableFromRows(
      parseCsv('x1,species,x2\n1.5,setosa,2\n-3e1,virginica,.5\n0,setosa,4'),
      'species',
      'iris.csv',
    );
    expect(t.classes).toEqual(['setosa', 'virginica']);
    expect(t.featureNames).toEqual(['x1', 'x2']);
    expect(Array.from(t.samples.y)).toEqual([0, 1, 0]);
    expect(Array.from(t.samples.x)).toEqual([1.5, 2, -30, 0.5, 0, 4]);
    expect(t.samples.shape).toEqual([2]);
    const n = tableFromRows(parseCsv('Label,f\n10,1\n2,1\n1,1'), 'label', 'n.csv'); // case-insensitive fallback
    expect(n.classes).toEqual(['1', '2', '10']);
    expect(Array.from(n.samples.y)).toEqual([2, 1, 0]);
  });

  it('names the row and column of a non-numeric cell', () => {
    const rows = parseCsv('a,label,b\n1,x,2\n3,y,abc');
    expect(() => tableFromRows(rows, 'label', 'd.csv')).toThrow(
      expect.objectContaining({ code: 'E_DATA_CSV', message: 'd.csv: line 3, column "b": "abc" is not a number' }),
    );
    expect(() => tableFromRows(parseCsv('a,label\n,x'), 'label', 'e.csv')).toThrow(/line 2, column "a": empty cell/);
    expect(() => tableFromRows(parseCsv('a,label\n0x1f,x'), 'label', 'h.csv')).toThrow(/"0x1f" is not a number/);
    expect(() => tableFromRows(parseCsv('a,label\n1,x\n2'), 'label', 'r.csv')).toThrow(
      /line 3 has 1 cells, the header has 2/,
    );
  });

  it('reports a missing label column with the columns it has', () => {
    expect(() => tableFromRows(parseCsv('a,b\n1,2'), 'label', 'm.csv')).toThrow(
      expect.objectContaining({
        code: 'E_DATA_LABEL_COLUMN',
        message: expect.stringContaining('the columns are: a, b'),
      }),
    );
    expect(() => tableFromRows(parseCsv('label\nx'), 'label', 'o.csv')).toThrow(/no feature columns/);
    expect(() => tableFromRows([], 'label', 'z.csv')).toThrow(/empty/);
  });
});

describe('CSV data sets', () => {
  it('loads a file through loadDataset, standardizing features from the train part', async () => {
    const lines = ['h,w,kind'];
    for (let i = 0; i < 40; i++) lines.push(`${i},${100 + 2 * i},${i % 2 ? 'odd' : 'even'}`);
    const file = path.join(tmp.dir, 'table.csv');
    await writeFiles(tmp.dir, { 'table.csv': lines.join('\n') + '\n' });
    const ds = await loadDataset({ source: file, labelColumn: 'kind', testFraction: 0.25 });
    expect(ds).toMatchObject({ name: 'table', classes: ['even', 'odd'], inputShape: [2], source: { kind: 'csv' } });
    expect(ds.train.n).toBe(30);
    expect(ds.test.n).toBe(10);
    let sum = 0;
    let sq = 0;
    for await (const b of batches(ds, 'train', { batchSize: 7 })) {
      for (let k = 0; k < b.n; k++) {
        sum += b.x[2 * k];
        sq += b.x[2 * k] ** 2;
        // Labels stay with their rows: odd h ↔ "odd".
        expect(b.y[k]).toBe(Math.round(b.x[2 * k] * ds.normalize.std![0] + ds.normalize.mean![0]) % 2);
      }
    }
    expect(sum / 30).toBeCloseTo(0, 5);
    expect(sq / 30).toBeCloseTo(1, 4);
    await expect(loadDataset({ source: file, labelColumn: 'kind', resize: [2, 2] })).rejects.toMatchObject({
      code: 'E_DATA_OPTION',
    });
    await expect(loadDataset({ source: file })).rejects.toMatchObject({ code: 'E_DATA_LABEL_COLUMN' });
    await expect(loadCsv(path.join(tmp.dir, 'none.csv'))).rejects.toMatchObject({ code: 'E_DATA_NOT_FOUND' });
  });
});
