// Test helper (not a test): templates trained a few steps in Netloom, exported, and run by their own model.py in
// ONE python3 process (torch's start-up paid once), with what Netloom predicts for the same real images.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { InferResult } from '../../../core';
import { predictBatch } from '../../../runtime';
import { fashionBatch, trainedModel } from '../../testing/fixtures';
import { runExport } from '../../formats';
import { decodeNpy, encodeNpy } from './npy';

export interface Roundtrip {
  net: InferResult;
  /** Netloom's logits and PyTorch's for the same images. */
  want: Float32Array;
  got?: Float32Array;
  gotShape?: number[];
  /** What python counted in the built model: distinct Parameters, their elements, trainable elements, buffers. */
  counts?: { parameters: number; elements: number; trainable: number; buffers: string[] };
  dir: string;
  error?: Error;
}

const RUNNER = path.join(import.meta.dirname, 'run_exports.py');

/** A fresh folder for exports; remove it with `fs.rmSync(dir, { recursive: true })`. */
export const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-pt-'));

/**
 * Exports each network (by id) into `root` (224-input ones: 1 step on 2 images, 2 images predicted) and runs them all in
 * one python process.
 */
export async function roundtrip(
  python: string,
  docs: Record<string, unknown>,
  root: string,
): Promise<Map<string, Roundtrip>> {
  const out = new Map<string, Roundtrip>();
  const jobs: { dir: string; input: string; output: string }[] = [];
  for (const [id, d] of Object.entries(docs)) {
    const dir = path.join(root, id);
    const doc = d as { input: { shape: number[] } };
    const big = (doc.input.shape[1] ?? 0) >= 200;
    const { net, model, losses } = await trainedModel(doc, big ? { steps: 1, batch: 2 } : {});
    try {
      if (!losses.every(Number.isFinite)) throw new Error(`training diverged: losses ${losses}`);
      const n = big ? 2 : 6;
      const { x } = fashionBatch(net.input, n);
      const { logits } = await predictBatch(model, x, n);
      const doc = net.doc!;
      runExport('pytorch', { net, doc, weights: await model.params.toGluon(), trained: true }, dir);
      fs.writeFileSync(path.join(dir, 'x.npy'), encodeNpy(x, [n, ...net.input]));
      jobs.push({ dir, input: path.join(dir, 'x.npy'), output: path.join(dir, 'y.npy') });
      out.set(id, { net, want: logits, dir });
    } catch (e) {
      out.set(id, { net, want: new Float32Array(), dir, error: e as Error });
    } finally {
      model.dispose();
    }
  }
  fs.writeFileSync(path.join(root, 'jobs.json'), JSON.stringify(jobs));
  const { stdout } = await promisify(execFile)(python, [RUNNER, path.join(root, 'jobs.json')], {
    maxBuffer: 1 << 26,
    timeout: 900_000,
  });
  for (const line of stdout.trim().split('\n')) {
    const c = JSON.parse(line) as Roundtrip['counts'] & { dir: string };
    const r = [...out.values()].find((v) => v.dir === c.dir)!;
    const y = decodeNpy(fs.readFileSync(path.join(c.dir, 'y.npy')));
    Object.assign(r, { counts: c, got: y.data, gotShape: y.shape });
  }
  return out;
}
