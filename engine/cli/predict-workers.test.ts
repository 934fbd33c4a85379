// `predict` and `evaluate` over data-parallel workers (issue 14), on the real command (child processes, real
// Fashion-MNIST, real tfjs-wasm workers): 2 workers give the same outputs as the engine's one thread — predict's
// logits to 1e-5, evaluate's accuracy and confusion matrix exactly — and `--workers` is train's flag: the same
// values, the same errors, listed by --help.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from './testing';

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

interface Prediction {
  index: number;
  label: number;
  predicted: number;
  logits: number[];
}

/**
 * Equal to 1e-5 relative (at least 1e-5 absolute): predict --json prints 6 significant digits, and a difference
 * in the last bits may round one digit apart, which is within 1e-5 of the value.
 */
function expectSameOutputs(got: Prediction[], want: Prediction[]) {
  expect(got.map((p) => [p.index, p.label, p.predicted])).toEqual(want.map((p) => [p.index, p.label, p.predicted]));
  let worst = 0;
  got.forEach((p, i) =>
    p.logits.forEach((v, k) => {
      const w = want[i].logits[k];
      worst = Math.max(worst, Math.abs(v - w) / Math.max(1, Math.abs(w)));
    }),
  );
  expect(worst).toBeLessThanOrEqual(1e-5);
}

describe('netloom predict / evaluate --workers', { timeout: 600_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-predict-workers-'));
  const project = path.join(dir, 'lenet.netloom.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trains a small LeNet to predict with', () => {
    const r = cli(
      'train lenet --limit 256 --epochs 1 --batch-size 64 --seed 3 --json --save'.split(' ').concat(project),
    );
    expect(r.status, r.stderr).toBe(0);
  });

  // 300 samples: two batches of predict's 256, the second short (the workers' shares differ by one row).
  const LIMIT = ['--limit', '300'];

  it('predict --workers 2: the same labels, predictions and logits (1e-5) as one worker', () => {
    const one = cli(['predict', project, ...LIMIT, '--json']);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stderr).not.toMatch(/workers/);
    const two = cli(['predict', project, ...LIMIT, '--json', '--workers', '2']);
    expect(two.status, two.stderr).toBe(0);
    expect(two.stderr).toMatch(/^workers: 2 data-parallel workers$/m);
    const want = lines(one.stdout) as Prediction[];
    expect(want).toHaveLength(300);
    expectSameOutputs(lines(two.stdout), want);
  });

  it('evaluate --workers 2: the same accuracy, confusion matrix and per-class figures as one worker', () => {
    const one = cli(['evaluate', project, ...LIMIT, '--json']);
    expect(one.status, one.stderr).toBe(0);
    const two = cli(['evaluate', project, ...LIMIT, '--json', '--workers', '2']);
    expect(two.status, two.stderr).toBe(0);
    expect(two.stderr).toMatch(/^workers: 2 data-parallel workers$/m);
    const [a, b] = [JSON.parse(one.stdout), JSON.parse(two.stdout)];
    expect(b.samples).toBe(300);
    expect(b.confusion).toEqual(a.confusion);
    expect(b.accuracy).toBe(a.accuracy);
    expect(b.perClass).toEqual(a.perClass);
  });

  it('predict --workers auto: the same outputs, whoever predicted which batch, and stderr says who did', () => {
    const want = lines(cli(['predict', project, ...LIMIT, '--json']).stdout) as Prediction[];
    const r = cli(['predict', project, ...LIMIT, '--json', '--workers', 'auto']);
    expect(r.status, r.stderr).toBe(0);
    // Which one it is depends on the machine's cores and speed (the workers take over once they have started).
    expect(r.stderr).toMatch(
      /^workers: (auto: \d data-parallel workers predicted \d+ of 300 samples|1 \(auto: .*\))$/m,
    );
    expectSameOutputs(lines(r.stdout), want);
  });

  it('workers need the wasm backend: --backend cpu --workers 2 is one usage line', () => {
    const r = cli(['predict', project, '--limit', '10', '--backend', 'cpu', '--workers', '2']);
    expectOneLineError(r, { code: 'E_USAGE', status: 2, mentions: /--workers 2 needs the wasm backend/ });
    expect(r.stdout).toBe('');
  });

  it('--help of both lists --workers N|auto', () => {
    for (const cmd of ['predict', 'evaluate']) {
      const r = cli([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/\[--workers N\|auto\]/);
      expect(r.stdout).toMatch(/^ {2}--workers N\|auto {2}data-parallel workers on the wasm backend, 1–8 or 'auto'/m);
    }
  });
});
