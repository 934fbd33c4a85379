// `netloom train --resume` continues a saved run exactly: one epoch saved as a .netloom project, then resumed
// for a second, ends with the same weights as two epochs in one go (position, optimizer state and RNG restored),
// and the run history keeps both runs. The real command, as a child process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject } from '../export';
import { cli, expectOneLineError } from './testing';

const common = ['--data', 'fashion-mnist', '--limit', '100', '--batch-size', '10', '--seed', '4', '--json'];
const events = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; step?: number });

describe('netloom train --resume / --save FILE.netloom', () => {
  it('one epoch saved and resumed for another ends where two epochs in one go end', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-resume-'));
    const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(dir, `${n}.netloom`));
    const first = cli(['train', 'mlp', '--epochs', '1', ...common, '--save', a]);
    expect(first.status, first.stderr).toBe(0);
    const saved = readProject(fs.readFileSync(a));
    expect(saved.optimizer!.position).toMatchObject({ epoch: 1, step: 9 }); // 90 training samples, batch 10
    expect(saved.runs).toHaveLength(1);

    const resumed = cli(['train', '--resume', a, '--epochs', '2', ...common, '--save', b]);
    expect(resumed.status, resumed.stderr).toBe(0);
    const steps = events(resumed.stdout)
      .filter((e) => e.event === 'progress')
      .map((e) => e.step!);
    expect(steps[0]).toBeGreaterThan(9); // the steps continue; nothing of epoch 1 is repeated
    const continued = readProject(fs.readFileSync(b));
    expect(continued.optimizer!.position).toMatchObject({ epoch: 2, step: 18 });
    expect(continued.runs).toHaveLength(2);

    const straight = cli(['train', 'mlp', '--epochs', '2', ...common, '--save', c]);
    expect(straight.status, straight.stderr).toBe(0);
    const once = readProject(fs.readFileSync(c));
    for (const [name, t] of Object.entries(once.weights!)) expect(continued.weights![name].data, name).toEqual(t.data);
  }, 600_000);

  it('refuses a project without weights and a missing file, each in one line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-resume-'));
    const json = path.join(dir, 'plain.netloom.json');
    fs.writeFileSync(json, fs.readFileSync(path.join(__dirname, '../../templates/mlp.json')));
    expectOneLineError(cli(['train', '--resume', json, ...common]), {
      code: 'E_NOTHING_TO_RESUME',
      status: 1,
      mentions: 'no trained weights',
    });
    expectOneLineError(cli(['train', '--resume', path.join(dir, 'missing.netloom'), ...common]), {
      code: 'E_NOT_A_FILE',
      status: 1,
    });
  }, 300_000);
});
