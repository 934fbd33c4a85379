import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from './testing';

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Accuracy of `predict --json` output, counted here from labels and predictions (not the command's own summary). */
const accuracy = (preds: { label: number; predicted: number }[]) =>
  preds.filter((p) => p.label === p.predicted).length / preds.length;

// Each test runs the real command several times; generous limits, since the command's speed is the machine's.
describe('netloom train / predict', { timeout: 600_000 }, () => {
  it('--json prints one event per line and ends with the done contract; the saved weights are what predict uses', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-cli-'));
    const out = path.join(dir, 'lenet.netloom.json');
    const r = cli([
      'train',
      'lenet',
      '--data',
      'fashion-mnist',
      '--limit',
      '512',
      '--epochs',
      '3',
      '--batch-size',
      '64',
      '--json',
      '--save',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const events = lines(r.stdout);
    const start = events[0];
    // Whatever backend is installed and chosen, start and done name the same one.
    expect(start).toMatchObject({ event: 'start', network: 'LeNet', samples: 461 }); // 512 minus the 10 % validation split
    expect(typeof start.backend).toBe('string');
    expect(events.some((l) => l.event === 'progress')).toBe(true);
    expect(events.find((l) => l.event === 'epoch')).toMatchObject({ valSource: 'validation' });
    const done = events.at(-1);
    expect(done).toMatchObject({ event: 'done', backend: start.backend, epochs: 3, valSource: 'validation' });
    for (const k of ['trainAccuracy', 'valAccuracy', 'testAccuracy', 'imagesPerSecond'])
      expect(typeof done[k]).toBe('number');
    expect(done.testAccuracy).toBeGreaterThan(0.3); // 24 steps of SGD+momentum on real data beat chance (0.1)

    const saved = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(Object.keys(saved.weights)).toContain('sequential0_conv0_weight');
    const p = cli(['predict', out, '--data', 'fashion-mnist', '--split', 'test', '--limit', '512', '--json']);
    expect(p.status, p.stderr).toBe(0);
    const trained = lines(p.stdout);
    expect(trained).toHaveLength(512);
    expect(trained[0]).toMatchObject({ index: 0, label: 9 });
    expect(trained[0].logits).toHaveLength(10);

    // The same network without its weights (a fresh initialisation, as the run started from) on the same samples:
    // if predict ignored the saved weights, the two would score alike.
    const untrainedFile = path.join(dir, 'untrained.netloom.json');
    fs.writeFileSync(untrainedFile, JSON.stringify({ ...saved, weights: undefined }));
    const u = cli(['predict', untrainedFile, '--data', 'fashion-mnist', '--split', 'test', '--limit', '512', '--json']);
    expect(u.status, u.stderr).toBe(0);
    expect(u.stderr).toContain('has no trained weights');
    const untrained = lines(u.stdout);
    expect(untrained.map((x) => x.label)).toEqual(trained.map((x) => x.label));
    expect(accuracy(trained)).toBeGreaterThan(accuracy(untrained) + 0.15);
    // The run's own test figure was measured on these 512 samples (--limit applies to the test set too).
    expect(accuracy(trained)).toBeCloseTo(done.testAccuracy, 1);
  });

  it('--val-split 0, --schedule and --early-stop reach the trainer', () => {
    // lr 1e-30 leaves the weights as they are (far below float32's resolution), so the loss cannot improve
    // and early stopping with patience 1 must end the run after its second epoch, on any machine.
    const r = cli([
      'train',
      'mlp',
      '--limit',
      '128',
      '--batch-size',
      '64',
      '--epochs',
      '20',
      '--lr',
      '1e-30',
      '--momentum',
      '0',
      '--val-split',
      '0',
      '--schedule',
      'step:1:0.5',
      '--early-stop',
      '1',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const events = lines(r.stdout);
    const epochs = events.filter((e) => e.event === 'epoch');
    expect(epochs.map((e) => e.valSource)).toEqual(['test', 'test']); // no validation split: labelled test
    expect(epochs[0].lr).toBeCloseTo(1e-30, 40);
    expect(epochs[1].lr).toBeCloseTo(0.5e-30, 40);
    expect(events.at(-1)).toMatchObject({ event: 'done', earlyStopped: true, epochs: 2 });
  });

  it('the progress output says which figures are validation and which are test', () => {
    const r = cli(['train', 'mlp', '--limit', '128', '--batch-size', '64', '--epochs', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/validation: 13 held-out training samples \(--val-split 0\.1\); test: 128 samples/);
    expect(r.stderr).toMatch(/epoch 1: train loss .* · validation loss .* acc/);
    expect(r.stderr).toMatch(/done: validation accuracy .*% · test accuracy .*%/);
  });

  it('refuses bad input with a clear message', () => {
    expectOneLineError(cli(['train', 'lenet', '--optimizer', 'rmsprop']), {
      code: 'E_USAGE',
      status: 2,
      mentions: '--optimizer must be one of sgd, adam',
    });
    const r = cli(['train', 'fancy-mlp', '--limit', '10']);
    expectOneLineError(r, {
      code: 'E_INPUT_MISMATCH',
      status: 2,
      mentions: 'takes (20) per sample but fashion-mnist gives (1, 28, 28)',
    });
    expectOneLineError(cli(['train', 'lenet', '--backend', 'quantum']), {
      code: 'E_USAGE',
      status: 2,
      mentions: /--backend.*"quantum"/,
    });
  });
});
