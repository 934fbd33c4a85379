// train.py, the exported training script: one short epoch under python3, then as 2 DDP processes under torchrun
// (gloo on CPU); the weights it saves come back into Netloom by their Gluon names and predict there as they do
// in PyTorch. And model.py run as a script, including its one-line refusal of a wrongly shaped input.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../templates';
import { inferNetwork, type InferResult } from '../../core';
import { Model, predictBatch, selectBackend } from '../../runtime';
import { runExport } from '../formats';
import type { Tensor } from '../layout';
import { decodeSafetensors } from '../project/safetensors';
import { fashionBatch, haveFashion, maxDiff } from '../testing/fixtures';
import { localRendezvous, torchPython, torchrunCommand } from './python';
import { decodeNpy, encodeNpy } from './testing/npy';
import { tempDir } from './testing/roundtrip';

const run = promisify(execFile);
const python = torchPython();
const skip = !python
  ? 'no python3 with torch (Debian: apt-get install python3-torch)'
  : !haveFashion()
    ? 'no Fashion-MNIST in /usr/share/datasets'
    : null;
if (skip) console.log(`train.py tests skipped: ${skip}`);

const dir = tempDir();
let net: InferResult;
let model: Model;
let initial: Record<string, Tensor>;

beforeAll(async () => {
  if (skip) return;
  await selectBackend('wasm');
  net = inferNetwork(loadTemplate('lenet-bn'));
  model = new Model(net, 3);
  initial = await model.params.toGluon();
  runExport('pytorch', { net, doc: net.doc!, weights: initial, trained: false }, dir);
}, 120_000);
afterAll(() => {
  model?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!skip)('train.py (lenet-bn)', () => {
  it('trains one short epoch under python3; its saved weights predict in Netloom as in PyTorch', async () => {
    const saved = path.join(dir, 'trained.safetensors');
    const { stdout } = await run(python!, ['train.py', '--limit', '512', '--epochs', '1', '--save', saved], {
      cwd: dir,
      timeout: 600_000,
    });
    expect(stdout).toContain('batch 128 on 1 process(es)');
    const loss = Number(/epoch 1\/1: loss ([0-9.]+)/.exec(stdout)?.[1]);
    expect(loss, stdout).toBeGreaterThan(0);
    expect(loss, stdout).toBeLessThan(2.3); // below chance (ln 10) after one pass over 512 images

    const { tensors } = decodeSafetensors(fs.readFileSync(saved));
    expect(Object.keys(tensors).sort()).toEqual(net.parameters.map((p) => p.name).sort());
    const w = net.parameters[0].name;
    expect(maxDiff(tensors[w].data, initial[w].data)).toBeGreaterThan(1e-3); // it trained
    model.params.load(tensors);
    const { x } = fashionBatch(net.input, 6);
    const want = await predictBatch(model, x, 6);
    fs.writeFileSync(path.join(dir, 'x.npy'), encodeNpy(x, [6, ...net.input]));
    await run(python!, ['model.py', '--input', 'x.npy', '--output', 'y.npy', '--weights', saved], { cwd: dir });
    expect(maxDiff(decodeNpy(fs.readFileSync(path.join(dir, 'y.npy'))).data, want.logits)).toBeLessThan(1e-4);
  }, 600_000);

  it('runs as 2 DDP processes under torchrun (gloo on CPU), rank 0 reporting', async () => {
    // Debian 12's torchrun fails ("'NoneType' object has no attribute 'get'") without --redirects/--tee.
    const [cmd, ...pre] = torchrunCommand(python!);
    const args = [...pre, ...(await localRendezvous()), '--redirects', '1', '--tee', '1', '--nproc_per_node', '2'];
    const { stdout } = await run(cmd, [...args, 'train.py', '--limit', '256', '--epochs', '1'], {
      cwd: dir,
      timeout: 600_000,
    });
    expect(stdout).toContain('batch 128 on 2 process(es)');
    expect(stdout).toMatch(/epoch 1\/1: loss [0-9.]+, train acc [0-9.]+, test acc [0-9.]+/);
    expect(stdout.match(/epoch 1\/1/g)).toHaveLength(1); // only rank 0 prints
  }, 600_000);

  it('follows the document’s schedules as Netloom does (step decay per epoch, cosine per step)', async () => {
    const code = [
      'import json, train',
      'train.SETTINGS.update(lr=1.0, schedule={"type": "step", "every": 2, "gamma": 0.1})',
      'step = [train.lr_at(e, 0, 8) for e in range(5)]',
      'train.SETTINGS.update(schedule={"type": "cosine", "minLr": 0.2})',
      'print(json.dumps([step, [train.lr_at(0, s, 8) for s in (0, 4, 8, 9)]]))',
    ].join('\n');
    const { stdout } = await run(python!, ['-c', code], { cwd: dir });
    const [step, cosine] = JSON.parse(stdout) as number[][];
    expect(step.map((v) => +v.toFixed(12))).toEqual([1, 1, 0.1, 0.1, 0.01]);
    expect(cosine.map((v) => +v.toFixed(12))).toEqual([1, 0.6, 0.2, 0.2]);
  }, 120_000);

  it('model.py refuses an input of the wrong shape with one line and exit code 2', async () => {
    fs.writeFileSync(path.join(dir, 'bad.npy'), encodeNpy(new Float32Array(2 * 784), [2, 784]));
    const err = await run(python!, ['model.py', '--input', 'bad.npy', '--output', 'y.npy'], { cwd: dir }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr.trim()).toBe(
      'model.py: --input is (2, 784); the network takes (N, 1, 28, 28)',
    );
  }, 120_000);
});
