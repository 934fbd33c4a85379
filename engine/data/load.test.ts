import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheRoot, datasetCacheDir, listDatasets } from './builtin';
import { idxSetFiles, tempDir, writeFiles } from './fixtures';
import { encodeIdx } from './idx';
import { loadDataset } from './load';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => void (tmp = await tempDir()));
afterAll(() => tmp.cleanup());

describe('loadDataset with built-ins in the cache', () => {
  it('finds gzipped or plain IDX files in <cache>/datasets/<name> before the system folder', async () => {
    for (const gz of [true, false]) {
      const cacheDir = path.join(tmp.dir, gz ? 'gz' : 'plain');
      await writeFiles(datasetCacheDir('fashion-mnist', cacheDir), idxSetFiles(30, 12, gz));
      const ds = await loadDataset({ source: 'fashion-mnist', cacheDir, download: false, limit: 20 });
      expect(ds.source.location).toBe('cache');
      expect(ds.train.n).toBe(20);
      expect(ds.test.n).toBe(12);
      expect(ds.train.x[1 * 784 + 2 * 28 + 3]).toBe(6); // generated pixel (i + r + c) % 256
      expect(ds.normalize).toEqual({ scale: 1 / 255 });
    }
  });

  it('reports a corrupt cached file by code and file name', async () => {
    const cacheDir = path.join(tmp.dir, 'bad');
    const files = idxSetFiles(10, 5, false);
    files['t10k-labels-idx1-ubyte'] = encodeIdx('labels', [4], new Uint8Array(4)); // 5 images, 4 labels
    await writeFiles(datasetCacheDir('mnist', cacheDir), files);
    const err = await loadDataset({ source: 'mnist', cacheDir, download: false }).catch((e) => e);
    expect(err.code).toBe('E_DATA_COUNT_MISMATCH');
    expect(err.message).toContain('t10k-labels-idx1-ubyte');
  });

  it('says where a missing built-in would go and what is present', async () => {
    const cacheDir = path.join(tmp.dir, 'empty');
    await expect(loadDataset({ source: 'mnist', cacheDir, download: false })).rejects.toMatchObject({
      code: 'E_DATA_NOT_FOUND',
    });
    const list = await listDatasets({ cacheDir, systemDirs: [] });
    expect(list.map((d) => [d.name, d.present, d.location])).toEqual([
      ['fashion-mnist', false, null],
      ['mnist', false, null],
    ]);
    expect(list[1].dir).toBe(path.join(cacheDir, 'datasets', 'mnist'));
  });

  it('resolves the cache root from the parameter, then NETLOOM_CACHE', () => {
    const saved = process.env.NETLOOM_CACHE;
    process.env.NETLOOM_CACHE = '/env/cache';
    try {
      expect(cacheRoot('/param')).toBe('/param');
      expect(cacheRoot()).toBe('/env/cache');
      expect(datasetCacheDir('mnist')).toBe('/env/cache/datasets/mnist');
    } finally {
      if (saved === undefined) delete process.env.NETLOOM_CACHE;
      else process.env.NETLOOM_CACHE = saved;
    }
  });
});

describe('loadDataset options', () => {
  it('rejects bad options and unknown sources with clear codes', async () => {
    const bad = [
      { split: 1 },
      { split: -0.1 },
      { limit: 0 },
      { limit: 2.5 },
      { resize: [0, 5] },
      { resize: [28] },
      { testFraction: 0 },
    ];
    for (const o of bad) {
      await expect(loadDataset({ source: 'mnist', ...(o as object) })).rejects.toMatchObject({ code: 'E_DATA_OPTION' });
    }
    await expect(loadDataset({ source: 'mnist', labelColumn: 'y', download: false })).rejects.toMatchObject({
      code: 'E_DATA_OPTION',
    });
    const missing = await loadDataset({ source: path.join(tmp.dir, 'no-such-thing') }).catch((e) => e);
    expect(missing.code).toBe('E_DATA_NOT_FOUND');
    expect(missing.message).toMatch(/neither a built-in/);
    await writeFiles(tmp.dir, { 'x.bin': 'binary' });
    await expect(loadDataset({ source: path.join(tmp.dir, 'x.bin') })).rejects.toMatchObject({ code: 'E_DATA_FORMAT' });
  });

  it('applies a user mean/std on top of the [0,1] scaling', async () => {
    const cacheDir = path.join(tmp.dir, 'norm');
    await writeFiles(datasetCacheDir('mnist', cacheDir), idxSetFiles(10, 5));
    const ds = await loadDataset({
      source: 'mnist',
      cacheDir,
      download: false,
      normalize: { mean: [0.286], std: [0.353] },
    });
    expect(ds.normalize).toEqual({ scale: 1 / 255, mean: [0.286], std: [0.353] });
  });
});
