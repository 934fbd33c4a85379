// data/inspect on real files written here (CSV tables, PNG class folders) and served over the protocol, so the
// loader's error codes and one-line messages are what a client sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { pngBytes, rgbaImage, tempDir, writeFiles } from '../data/fixtures';
import { createClient, memoryPair, serve, RpcError } from '../protocol';
import { inspectData } from './data-inspect';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('netloom-inspect-'));
  const rows = Array.from({ length: 40 }, (_, i) => `${i / 10},${(i * 7) % 5},${i % 3 === 0 ? 'a' : 'b'}`);
  await writeFiles(dir, {
    'table.csv': `width,height,kind\n${rows.join('\n')}\n`,
    'labelled.csv': 'f1,Label,f2\n1,0,2\n3,1,4\n5,0,6\n7,1,8\n9,2,1\n',
    'bad.csv': 'f1,f2,label\n1,2,0\n3,oops,1\n',
    'notes.txt': 'not data',
  });
  for (const [cls, gray] of [
    ['cat', true],
    ['dog', false],
  ] as const) {
    await mkdir(path.join(dir, 'pets', cls), { recursive: true });
    for (let i = 0; i < 5; i++)
      await writeFiles(path.join(dir, 'pets', cls), { [`${i}.png`]: pngBytes(6, 4, rgbaImage(6, 4, i, gray)) });
  }
  await mkdir(path.join(dir, 'broken', 'empty'), { recursive: true });
  await mkdir(path.join(dir, 'grey', 'a'), { recursive: true });
  await writeFiles(path.join(dir, 'grey', 'a'), { 'x.png': pngBytes(3, 3, rgbaImage(3, 3, 1, true)) });
});
afterAll(() => cleanup?.());

describe('data/inspect', () => {
  it('reads a CSV header, picks the last column without a "label", and counts classes and parts', async () => {
    const r = await inspectData({ source: path.join(dir, 'table.csv') });
    expect(r).toMatchObject({
      kind: 'csv',
      name: 'table',
      columns: ['width', 'height', 'kind'],
      labelColumn: 'kind',
      classes: 2,
      classNames: ['a', 'b'],
      inputShape: [2],
      sizes: { train: 32, test: 8 },
    });
    // Another label column leaves a text column among the features: the loader's own refusal.
    await expect(inspectData({ source: path.join(dir, 'table.csv'), labelColumn: 'height' })).rejects.toMatchObject({
      code: 'E_DATA_CSV',
      message: expect.stringMatching(/line 2, column "kind": "a" is not a number/),
    });
  });

  it('prefers a "label" column in any case', async () => {
    const r = await inspectData({ source: path.join(dir, 'labelled.csv') });
    expect(r).toMatchObject({ labelColumn: 'Label', classes: 3, columns: ['f1', 'Label', 'f2'] });
  });

  it('looks at a folder of class folders: classes, channels, sizes', async () => {
    const r = await inspectData({ source: path.join(dir, 'pets') });
    // One colour class makes the set RGB (the loader repeats grey images into three channels).
    expect(r).toMatchObject({
      kind: 'folder',
      name: 'pets',
      classes: 2,
      classNames: ['cat', 'dog'],
      inputShape: [3, 4, 6],
      sizes: { train: 8, test: 2 },
    });
    await expect(inspectData({ source: path.join(dir, 'broken') })).rejects.toMatchObject({
      code: 'E_DATA_EMPTY_CLASS',
    });
    const g = await inspectData({ source: path.join(dir, 'grey') });
    expect(g).toMatchObject({ kind: 'folder', classes: 1, inputShape: [1, 3, 3], sizes: { train: 1, test: 0 } });
  });

  it('names the built-ins without reading them', async () => {
    const r = await inspectData({ source: 'mnist' }, { cacheDir: dir, systemDirs: [] });
    expect(r).toMatchObject({ kind: 'builtin', classes: 10, inputShape: [1, 28, 28], available: false });
  });

  it("crosses the protocol with the loader's code and one-line message", async () => {
    const [a, b] = memoryPair();
    serve({ 'data/inspect': (p) => inspectData(p) }, a);
    const client = createClient(b);
    const fail = (params: { source: string; labelColumn?: string }) =>
      client.call('data/inspect', params).then(
        () => null,
        (e) => RpcError.from(e),
      );
    const bad = await fail({ source: path.join(dir, 'bad.csv') });
    expect(bad?.code).toBe('E_DATA_CSV');
    expect(bad?.message).toMatch(/bad\.csv: line 3, column "f2": "oops" is not a number$/);
    expect(bad?.message).not.toContain('\n');
    // The header comes with the error, so another label column can be chosen.
    expect(bad?.data).toEqual({ columns: ['f1', 'f2', 'label'], labelColumn: 'label' });
    const col = await fail({ source: path.join(dir, 'table.csv'), labelColumn: 'colour' });
    expect(col).toMatchObject({ code: 'E_DATA_LABEL_COLUMN' });
    expect(col?.message).toMatch(/no label column "colour"; the columns are: width, height, kind/);
    expect(await fail({ source: path.join(dir, 'missing.csv') })).toMatchObject({ code: 'E_DATA_NOT_FOUND' });
    expect(await fail({ source: path.join(dir, 'notes.txt') })).toMatchObject({ code: 'E_DATA_FORMAT' });
    const ok = await client.call('data/inspect', { source: path.join(dir, 'grey') });
    expect(ok.classNames).toEqual(['a']);
    client.close();
  });
});
