// `netloom export` as a user runs it: a trained project exports its trained weights (the ONNX file, run in
// onnxruntime-node, predicts as the trained model does), a legacy JSON project becomes a .netloom with the same
// weights, a template exports initialised weights and says so, and a block a format cannot express ends the
// command with one line naming it (exit 1) and nothing written.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { readProject, writeProject } from '../export';
import { fashionBatch, haveFashion, maxDiff, trainedModel } from '../export/testing/fixtures';
import { predictBatch, selectBackend } from '../runtime';
import { withWeights } from '../train';
import type { NetworkDoc } from '../core';

const bin = path.resolve(__dirname, '../../bin/netloom.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'export', ...args], { encoding: 'utf8' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-cli-export-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('wasm');
});

describe.skipIf(!haveFashion())('netloom export', () => {
  it('exports a trained project’s weights to ONNX, and a legacy JSON project to .netloom', async () => {
    const doc = loadTemplate('lenet-bn') as NetworkDoc;
    const { net, model } = await trainedModel(doc, { steps: 3 });
    const n = 4;
    const { x } = fashionBatch(net.input, n);
    const want = await predictBatch(model, x, n);
    const weights = await model.params.toGluon();
    model.dispose();
    const project = path.join(dir, 'lenet-bn.netloom');
    await writeProject(project, { doc: net.doc!, weights });

    const onnxFile = path.join(dir, 'lenet-bn.onnx');
    const r = run(project, '--format', 'onnx', '--out', onnxFile);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*lenet-bn\.onnx: ONNX .*trained weights/);
    expect(r.stderr).not.toMatch(/initialised/);
    const session = await ort.InferenceSession.create(fs.readFileSync(onnxFile));
    const out = await session.run({ input: new ort.Tensor('float32', x, [n, ...net.input]) });
    expect(maxDiff(out.output.data as Float32Array, want.logits)).toBeLessThan(1e-4);
    await session.release();

    const legacy = path.join(dir, 'legacy.netloom.json');
    fs.writeFileSync(legacy, JSON.stringify(withWeights(net.doc!, weights)));
    const migrated = path.join(dir, 'migrated.netloom');
    const m = run(legacy, '--format', 'project', '--out', migrated);
    expect(m.status, m.stderr).toBe(0);
    const back = readProject(fs.readFileSync(migrated));
    for (const [name, t] of Object.entries(weights)) expect(back.weights![name].data).toEqual(t.data);
  }, 300_000);

  it('exports a template with initialised weights and says so', () => {
    const out = path.join(dir, 'mlp-tfjs');
    const r = run('mlp', '--format', 'tfjs', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/template mlp: the weights are freshly initialised/);
    expect(fs.readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
  }, 120_000);

  it('refuses what the format cannot express with one line naming the block, exit 1, nothing written', () => {
    const out = path.join(dir, 'centered-tfjs');
    const r = run('centered', '--format', 'tfjs', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^netloom export: tfjs cannot express Centered at centered: .*\(E_EXPORT_UNSUPPORTED\)$/),
    ]);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  it('answers a bad command line with usage (exit 2)', () => {
    expect(run('lenet', '--format', 'onnx').status).toBe(2);
    const r = run('lenet', '--format', 'keras', '--out', path.join(dir, 'x'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--format must be one of project, onnx, tfjs/);
  }, 120_000);
});
