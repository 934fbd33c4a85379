// The packaged app has no tsx: its workers run the worker that electron/bundle.ts bundles beside engine.mjs. The
// real bundle step (its CLI, as `npm start` runs it) writes into a temporary folder inside the repository (the
// bundle keeps tfjs external, resolved from node_modules), then a DataParallel starts its workers from that file
// and trains a step, and the bundled engine looks for the worker where the bundle put it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../../core';
import { loadTemplate } from '../../../templates';
import { initEngineBackend } from '../backends/registry';
import { Model } from '../model';
import { Optimizer } from '../optim';
import { DataParallel } from './data-parallel';
import { rawWeights } from './replica';

const REPO = path.resolve(import.meta.dirname, '../../..');
let dir = '';
beforeAll(async () => {
  await initEngineBackend('wasm', { threads: 1 });
  fs.mkdirSync(path.join(REPO, 'out'), { recursive: true });
  dir = fs.mkdtempSync(path.join(REPO, 'out', 'bundled-worker-test-'));
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/tsx/dist/cli.mjs'), 'electron/bundle.ts', dir], {
    cwd: REPO,
    stdio: 'pipe',
  });
});
afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

describe('the bundled data-parallel worker', { timeout: 300_000 }, () => {
  it('starts from the bundle (no tsx), trains a step in step with the engine, and sits where engine.mjs looks', async () => {
    const entry = path.join(dir, 'worker-entry.mjs');
    const text = fs.readFileSync(entry, 'utf8');
    expect(text).not.toMatch(/tsx/);
    expect(fs.readFileSync(path.join(dir, 'engine.mjs'), 'utf8')).toContain(
      'new URL("./worker-entry.mjs", import.meta.url)',
    );
    const model = new Model(inferNetwork(loadTemplate('mlp')), 1);
    const opt = new Optimizer({ type: 'sgd', lr: 0.1 });
    const dp = await DataParallel.start(model, opt, { workers: 2, entry: pathToFileURL(entry) });
    try {
      const n = 16,
        x = Float32Array.from({ length: n * 784 }, (_, i) => (i % 255) / 255),
        y = Int32Array.from({ length: n }, (_, i) => i % 10);
      const r = await dp.trainStep(model, opt, x, y, n);
      expect(r).toMatchObject({ n, applied: true });
      expect(Number.isFinite(r.loss)).toBe(true);
      const mine = await rawWeights(model),
        theirs = await dp.replicaWeights(1);
      for (const k of Object.keys(mine))
        expect(Buffer.from(theirs[k].buffer).equals(Buffer.from(mine[k].buffer))).toBe(true);
    } finally {
      await dp.close();
    }
  });
});
