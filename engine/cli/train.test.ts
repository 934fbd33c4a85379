import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(__dirname, '../../bin/netloom.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('netloom train / predict', () => {
  it('--json prints one event per line and ends with the done contract; --save then predict works', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-cli-'));
    const out = path.join(dir, 'lenet.netloom.json');
    const r = run(
      'train',
      'lenet',
      '--data',
      'fashion-mnist',
      '--limit',
      '512',
      '--epochs',
      '1',
      '--batch-size',
      '64',
      '--json',
      '--save',
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ event: 'start', backend: 'wasm', network: 'LeNet' });
    expect(lines.some((l) => l.event === 'progress')).toBe(true);
    expect(lines.some((l) => l.event === 'epoch')).toBe(true);
    const done = lines.at(-1);
    expect(done).toMatchObject({ event: 'done', backend: 'wasm', epochs: 1 });
    for (const k of ['trainAccuracy', 'testAccuracy', 'imagesPerSecond']) expect(typeof done[k]).toBe('number');
    expect(done.testAccuracy).toBeGreaterThan(0.3); // 8 steps of SGD+momentum on real data beat chance (0.1)

    const saved = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(Object.keys(saved.weights)).toContain('sequential0_conv0_weight');
    const p = run('predict', out, '--data', 'fashion-mnist', '--split', 'test', '--limit', '5', '--json');
    expect(p.status, p.stderr).toBe(0);
    const preds = p.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(preds).toHaveLength(5);
    expect(preds[0]).toMatchObject({ index: 0, label: 9 });
    expect(preds[0].logits).toHaveLength(10);
    expect(preds[0].predicted).toBe(preds[0].logits.indexOf(Math.max(...preds[0].logits)));
  });

  it('refuses bad input with a clear message', () => {
    expect(run('train', 'lenet', '--optimizer', 'rmsprop').stderr).toContain('--optimizer must be sgd or adam');
    const r = run('train', 'fancy-mlp', '--limit', '10');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('takes (20) per sample but fashion-mnist gives (1, 28, 28)');
    expect(run('train', 'lenet', '--backend', 'quantum').stderr).toContain("Unknown backend 'quantum'");
  });
});
