import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(__dirname, '../../bin/netloom.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('netloom info', () => {
  it('prints LeNet’s per-block shapes as the seed does', () => {
    const out = execFileSync(process.execPath, [bin, 'info', 'lenet', '--json'], { encoding: 'utf8' });
    const info = JSON.parse(out);
    expect(info.blocks.slice(1).map((b: { outputShape: number[] }) => b.outputShape)).toEqual([
      [20, 24, 24],
      [20, 12, 12],
      [50, 10, 10],
      [50, 5, 5],
      [1250],
      [128],
      [10],
    ]);
    expect(info.params).toEqual({ trainable: 170988, nonTrainable: 0 });
    expect(info.errors).toEqual([]);
  });

  it('shows a table for people', () => {
    const r = run('info', 'lenet');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/conv1\s+Conv2D\s+\(20, 24, 24\)\s+520/);
    expect(r.stdout).toContain('170,988 trainable');
  });

  it('exits non-zero and lists the errors of a bad document', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-')), 'bad.netloom.json');
    const doc = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../templates/lenet.json'), 'utf8'));
    doc.root.children.splice(4, 0, { kind: 'layer', id: 'early', type: 'Flatten' });
    doc.root.children.splice(5, 0, { kind: 'layer', id: 'conv3', type: 'Conv2D', params: { channels: 8 } });
    fs.writeFileSync(file, JSON.stringify(doc));
    const r = run('info', file, '--json');
    expect(r.status).toBe(1);
    const info = JSON.parse(r.stdout);
    expect(info.errors).toEqual([expect.objectContaining({ code: 'E_RANK', path: 'conv3', port: 0 })]);
  });

  it('refuses an unknown template with a clear message', () => {
    const r = run('info', 'no-such-net');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('neither a template');
  });
});
