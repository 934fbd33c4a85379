// The torch runner reads the data sets itself (engine/runtime/torch/data.py): for the same seed its batches are the
// wasm engine's batches, value for value (the same files, test and validation hold-outs, limit, normalisation and
// visiting order: a port of mulberry32's Fisher–Yates), for Fashion-MNIST's IDX files and for a CSV table; and a
// data set changed under it is an error naming the part, not a silent difference. Skipped, saying why, without a
// Python that imports torch (and the Fashion-MNIST case without the Debian package).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFiller, epochOrder, loadDataset, type Dataset } from '../data';
import { probeTorch } from '../runtime/backends/torch';
import { dataConfig } from './torch-data';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the torch data tests: ${probe.reason}`);
const FASHION = '/usr/share/datasets/fashion-mnist';
const hasFashion = fs.existsSync(FASHION);
if (probe.ok && !hasFashion) console.warn(`skipping the Fashion-MNIST case: ${FASHION} is not installed`);
const DATA_PY = path.join(import.meta.dirname, '..', 'runtime', 'torch', 'data.py');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-torch-data-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The batch the runner trains on at (epoch, batch): data.py, from the config.json the engine writes. */
function runnerBatch(ds: Dataset, seed: number, batchSize: number, epoch: number, batch: number) {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const config = { batchSize, seed, inputShape: ds.inputShape, normalize: ds.normalize, data: dataConfig(ds, dir) };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const out = path.join(dir, 'batch');
  const r = spawnSync(probe.python!, [DATA_PY, dir, String(epoch), String(batch), out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`data.py failed: ${r.stderr.trim().split('\n').at(-1)}`);
  const xb = fs.readFileSync(`${out}.x`);
  const yb = fs.readFileSync(`${out}.y`);
  return {
    kind: config.data.kind,
    x: new Float32Array(xb.buffer, xb.byteOffset, xb.length / 4),
    y: new Int32Array(yb.buffer, yb.byteOffset, yb.length / 4),
  };
}

/** The wasm trainer's batch at (epoch, batch): engine/train/trainer.ts fills it exactly so. */
function engineBatch(ds: Dataset, seed: number, batchSize: number, epoch: number, batch: number) {
  const filler = createFiller(ds.train, ds.inputShape, ds.normalize);
  const n = Math.min(batchSize, ds.train.n - batch * batchSize);
  const x = new Float32Array(n * filler.sampleSize);
  const y = new Int32Array(n);
  filler.fill(epochOrder(ds.train.n, true, seed, epoch), batch * batchSize, n, x, y);
  return { x, y };
}

function expectSameBatch(ds: Dataset, seed: number, batchSize: number, epoch: number, batch: number, kind: string) {
  const ours = runnerBatch(ds, seed, batchSize, epoch, batch);
  const engine = engineBatch(ds, seed, batchSize, epoch, batch);
  expect(ours.kind).toBe(kind);
  expect([...ours.y]).toEqual([...engine.y]);
  expect(ours.x.length).toBe(engine.x.length);
  let worst = 0;
  for (let i = 0; i < engine.x.length; i++) worst = Math.max(worst, Math.abs(engine.x[i] - ours.x[i]));
  expect(worst, `epoch ${epoch} batch ${batch}: the samples differ by ${worst}`).toBeLessThan(1e-6);
}

describe.skipIf(!probe.ok)('the torch runner reads the data sets itself', { timeout: 180_000 }, () => {
  it.skipIf(!hasFashion)(
    'Fashion-MNIST (IDX): limit, validation hold-out and the visiting order give the wasm engine’s batches',
    async () => {
      const ds = await loadDataset({ source: 'fashion-mnist', limit: 700, split: 0.15, seed: 5, download: false });
      expect(ds.validation?.n).toBe(105);
      expectSameBatch(ds, 7, 64, 0, 0, 'idx'); // the first batch
      expectSameBatch(ds, 7, 64, 2, 9, 'idx'); // a later epoch's last (smaller) batch
    },
  );

  it('a CSV table (quoted cells, label column by name, standardised): the same batches', async () => {
    const file = path.join(tmp, 'table.csv');
    const rows = ['a,"Species",b,c'];
    for (let i = 0; i < 90; i++) rows.push(`${(i * 0.37) % 5},${['x', 'y', '"z"'][i % 3]},${i % 7},${(i * i) % 11}e-1`);
    fs.writeFileSync(file, rows.join('\r\n') + '\r\n');
    const ds = await loadDataset({ source: file, labelColumn: 'species', split: 0.2, seed: 11 });
    expect(ds.classes).toEqual(['x', 'y', 'z']);
    expectSameBatch(ds, 2, 16, 0, 0, 'csv');
    expectSameBatch(ds, 2, 16, 1, 3, 'csv');
  });

  it('a data set that no longer matches what the engine loaded is an error naming the part', async () => {
    const file = path.join(tmp, 'grows.csv');
    fs.writeFileSync(file, 'x,label\n' + Array.from({ length: 40 }, (_, i) => `${i},${i % 2}`).join('\n'));
    const ds = await loadDataset({ source: file, seed: 1 });
    fs.appendFileSync(file, '\n41,1\n42,0');
    expect(() => runnerBatch(ds, 0, 8, 0, 0)).toThrow(
      /^data\.py failed: ValueError: the train part has 34 samples here but 32 in the engine: the data set changed$/,
    );
  });
});
