// Real data: Debian's dataset-fashion-mnist in /usr/share/datasets/fashion-mnist. Skipped where the
// package is not installed (the download path is covered against a local server in download.test.ts).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batches } from './batches';
import { listDatasets } from './builtin';
import { tempDir } from './fixtures';
import { loadDataset } from './load';
import type { Dataset } from './types';

const SYSTEM = '/usr/share/datasets/fashion-mnist';
const present = existsSync(`${SYSTEM}/train-images-idx3-ubyte.gz`);

describe.skipIf(!present)('Fashion-MNIST from the Debian package', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let ds: Dataset;
  beforeAll(async () => {
    tmp = await tempDir();
    // An empty cache and no network: the lookup must fall through to the system folder.
    ds = await loadDataset({ source: 'fashion-mnist', cacheDir: tmp.dir, download: false });
  });
  afterAll(() => tmp.cleanup());

  it('has the published counts, shapes and classes', () => {
    expect(ds.source).toEqual({ kind: 'builtin', path: SYSTEM, location: 'system' });
    expect(ds.train.n).toBe(60000);
    expect(ds.test.n).toBe(10000);
    expect(ds.inputShape).toEqual([1, 28, 28]);
    expect(ds.train.x.length).toBe(60000 * 784);
    expect(ds.classes).toHaveLength(10);
    expect(ds.classes[9]).toBe('Ankle boot');
  });

  it('has labels 0..9, 6000 / 1000 per class, and the known first labels', () => {
    for (const [split, per] of [
      [ds.train, 6000],
      [ds.test, 1000],
    ] as const) {
      const counts = new Array(10).fill(0);
      for (const y of split.y) counts[y]++;
      expect(counts).toEqual(new Array(10).fill(per));
    }
    expect(Array.from(ds.train.y.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
    expect(Array.from(ds.test.y.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
  });

  it('matches the well-known pixel statistics (mean 0.2860, std 0.3530 on train)', () => {
    let sum = 0;
    let sq = 0;
    for (const v of ds.train.x) {
      sum += v;
      sq += v * v;
    }
    expect(sum).toBe(3431114169); // exact byte sum: any decoding slip changes it
    const mean = sum / ds.train.x.length / 255;
    expect(mean).toBeCloseTo(0.286, 3);
    expect(Math.sqrt(sq / ds.train.x.length / 255 ** 2 - mean ** 2)).toBeCloseTo(0.353, 3);
  });

  it('serves limited, split, resized batches for a 96×96 template', async () => {
    const small = await loadDataset({
      source: 'fashion-mnist',
      cacheDir: tmp.dir,
      download: false,
      limit: 1000,
      split: 0.1,
      resize: [96, 96],
    });
    expect(small.train.n).toBe(900);
    expect(small.validation?.n).toBe(100);
    expect(small.test.n).toBe(1000);
    expect(small.inputShape).toEqual([1, 96, 96]);
    let count = 0;
    let max = 0;
    for await (const b of batches(small, 'validation', { batchSize: 64 })) {
      expect(b.shape).toEqual([b.n, 1, 96, 96]);
      count += b.n;
      for (const v of b.x) max = Math.max(max, v);
    }
    expect(count).toBe(100);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
  });

  it('is listed as present in the system folder', async () => {
    const list = await listDatasets({ cacheDir: tmp.dir });
    expect(list.find((d) => d.name === 'fashion-mnist')).toMatchObject({
      present: true,
      location: 'system',
      dir: SYSTEM,
    });
  });
});
