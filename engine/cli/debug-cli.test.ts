// The CLI contract of visual debugging, on the real command (child processes, real Fashion-MNIST):
// `train --watch … --json` lines (activations per watched block, health over every trainable parameter, at
// each epoch's end or every K steps) and `evaluate --json`, whose confusion matrix is recounted here from
// `predict --json` on the same project and samples; a legacy JSON project and a .netloom zip agree.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { encodeProject, readProject } from '../export';
import { cli, expectOneLineError } from './testing';

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('netloom train --watch / evaluate', { timeout: 600_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-debug-cli-'));
  const saved = path.join(dir, 'lenet.netloom.json');

  it('--watch conv1,dense1 --json: per epoch, one activations line per block and one health line', () => {
    const r = cli(
      'train lenet --limit 256 --epochs 2 --batch-size 64 --seed 1 --watch conv1,dense1 --json --save'
        .split(' ')
        .concat(saved),
    );
    expect(r.status, r.stderr).toBe(0);
    const ev = lines(r.stdout);
    const acts = ev.filter((e) => e.event === 'activations');
    const health = ev.filter((e) => e.event === 'health');
    const steps = ev.filter((e) => e.event === 'epoch').length * 4; // 230 training samples: 4 batches an epoch
    expect(acts.map((a) => [a.block, a.step])).toEqual([
      ['conv1', 4],
      ['dense1', 4],
      ['conv1', steps],
      ['dense1', steps],
    ]);
    expect(acts[0].shape).toEqual([20, 24, 24]);
    expect(acts[1].shape).toEqual([128]);
    for (const a of acts) {
      expect(Object.keys(a.stats).sort()).toEqual(['max', 'mean', 'min', 'std', 'zeros']);
      expect(a.stats.min).toBe(0); // both end in a ReLU
      expect(a.stats.zeros).toBeGreaterThan(0);
      expect(a.stats.zeros).toBeLessThan(1);
      expect(a.stats.max).toBeGreaterThan(a.stats.mean);
    }
    expect(health.map((h) => h.step)).toEqual([4, steps]);
    const info = JSON.parse(cli(['info', 'lenet', '--json']).stdout);
    const trainable = (info.parameters ?? [])
      .filter((p: { trainable?: boolean }) => p.trainable !== false)
      .map((p: { name: string }) => p.name);
    for (const h of health) {
      expect(h.params.map((p: { name: string }) => p.name)).toEqual(
        trainable.length ? trainable : h.params.map((p: { name: string }) => p.name),
      );
      expect(h.params).toHaveLength(8);
      expect(new Set(h.params.map((p: { block: string }) => p.block))).toEqual(
        new Set(['conv1', 'conv2', 'dense1', 'dense2']),
      );
      for (const p of h.params) {
        expect(p.weightNorm).toBeGreaterThan(0);
        expect(p.gradNorm).toBeGreaterThan(0);
        expect(p.updateRatio).toBeGreaterThan(0);
      }
    }
  });

  it('--watch-every K reports every K steps; an unknown block is refused before training', () => {
    const r = cli('train lenet --limit 256 --epochs 1 --batch-size 32 --watch conv2 --watch-every 3 --json'.split(' '));
    expect(r.status, r.stderr).toBe(0);
    const ev = lines(r.stdout);
    expect(ev.filter((e) => e.event === 'activations').map((a) => [a.block, a.step, a.shape])).toEqual([
      ['conv2', 3, [50, 10, 10]],
      ['conv2', 6, [50, 10, 10]],
    ]);
    expect(ev.filter((e) => e.event === 'health').map((h) => h.step)).toEqual([3, 6]);
    expectOneLineError(cli(['train', 'lenet', '--watch', 'conv1,b9/conv1']), {
      code: 'E_UNKNOWN_BLOCK',
      status: 2,
      mentions: 'b9/conv1',
    });
    expectOneLineError(cli(['train', 'lenet', '--watch-every', '0', '--watch', 'conv1']), {
      code: 'E_USAGE',
      status: 2,
    });
  });

  it('evaluate --json: the confusion matrix of exactly the samples predict sees; zip = legacy JSON', () => {
    expect(fs.existsSync(saved), 'the first test saved a trained project').toBe(true);
    const r = cli(['evaluate', saved, '--limit', '120', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out).toHaveLength(1);
    const ev = JSON.parse(out[0]);
    const preds = lines(cli(['predict', saved, '--limit', '120', '--json']).stdout);
    const want = Array.from({ length: 10 }, () => new Array(10).fill(0));
    for (const p of preds) want[p.label][p.predicted]++;
    expect(ev.samples).toBe(120);
    expect(ev.confusion).toEqual(want);
    const correct = preds.filter((p) => p.label === p.predicted).length;
    expect(ev.accuracy).toBeCloseTo(correct / 120, 10);
    expect(ev.perClass).toHaveLength(10);
    expect(ev.perClass[0].class).toBe('T-shirt/top');
    for (let c = 0; c < 10; c++) {
      const row = want[c].reduce((a, b) => a + b, 0),
        col = want.reduce((a, r2) => a + r2[c], 0);
      expect(ev.perClass[c].recall).toBeCloseTo(row ? want[c][c] / row : 0, 6);
      expect(ev.perClass[c].precision).toBeCloseTo(col ? want[c][c] / col : 0, 6);
    }
    const zip = path.join(dir, 'lenet.netloom');
    fs.writeFileSync(zip, encodeProject(readProject(fs.readFileSync(saved))));
    expect(JSON.parse(cli(['evaluate', zip, '--limit', '120', '--json']).stdout)).toEqual(ev);
    const table = cli(['evaluate', zip, '--limit', '120']);
    expect(table.stdout).toMatch(/^accuracy \d+\.\d% on 120 test samples/);
    expect(table.stdout).toMatch(/T-shirt\/top\s+\d+\.\d%\s+\d+\.\d%/);
  });

  it('evaluate refuses a project without trained weights, in one coded line', () => {
    const untrained = path.join(dir, 'untrained.netloom.json');
    fs.writeFileSync(untrained, JSON.stringify(loadTemplate('lenet')));
    expectOneLineError(cli(['evaluate', untrained, '--json']), {
      code: 'E_NOT_TRAINED',
      status: 1,
      mentions: 'no trained weights',
      alone: false, // --json also prints the error as an event on stdout, never on stderr
    });
  });
});
