// `netloom info` and `netloom train` read a `.netloom` zip (what the editor and `train --save` write): its network,
// its training settings, and for train its trained weights, which the run starts from (said in one line) unless
// --fresh asks for new initial weights. A broken zip is one coded line. Real commands, real files written by the
// project writer (engine/export's encodeProject, and the CLI's own --save); --backend wasm, so the figures compared
// below come from one deterministic engine on any machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkDocInput, TrainingSettings } from '../core';
import { encodeProject, readProject } from '../export';
import { loadTemplate } from '../../templates';
import { cli, expectOneLineError } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-train-project-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// The editor's Training panel settings, unlike the template's (sgd 0.1, batch 256, 10 epochs, 10 % validation).
const training: TrainingSettings = {
  dataset: 'fashion-mnist',
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0.9,
  batchSize: 32,
  epochs: 2,
  validationSplit: 0,
  backend: 'wasm',
};
/** A project zip of `doc` (through its JSON form, as the editor's save reads a document). */
function writeProject(file: string, doc: NetworkDocInput) {
  fs.writeFileSync(`${file}.json`, JSON.stringify(doc));
  fs.writeFileSync(file, encodeProject(readProject(fs.readFileSync(`${file}.json`))));
}
const doc = { ...(loadTemplate('mlp') as NetworkDocInput), training };
const untrained = path.join(dir, 'untrained.netloom');
writeProject(untrained, doc);
const legacy = `${untrained}.json`;
const trained = path.join(dir, 'trained.netloom');

const events = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });
/** The first epoch's training loss of a run's human output ("epoch 1: train loss 0.8017 acc …"). */
const firstLoss = (stderr: string) => Number(/epoch 1: train loss ([\d.]+)/.exec(stderr)?.[1]);

describe('info and train read .netloom projects', { timeout: 600_000 }, () => {
  it('info: a zip reads as the JSON document it holds', () => {
    const fromZip = cli(['info', untrained, '--json']);
    expect(fromZip.status, fromZip.stderr).toBe(0);
    expect(fromZip.stdout).toBe(cli(['info', legacy, '--json']).stdout);
    expect(JSON.parse(fromZip.stdout)).toMatchObject({ name: 'MLP', output: [10], errors: [] });
    const table = cli(['info', untrained]);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^MLP — input \(1, 28, 28\)/);
  });

  it("train: the project's network and training settings; its trained weights start the next run, or --fresh", () => {
    // An untrained project: its settings (2 epochs of batch 32 at lr 0.05, no validation split), no weights line.
    const first = cli(['train', untrained, '--limit', '512', '--json', '--save', trained]);
    expect(first.status, first.stderr).toBe(0);
    const ev = events(first.stdout);
    expect(ev[0]).toMatchObject({ event: 'start', backend: 'wasm', epochs: 2, batchSize: 32, samples: 512 });
    const epochs = ev.filter((e) => e.event === 'epoch');
    expect(epochs.map((e) => [e.lr, e.valSource])).toEqual([
      [0.05, 'test'],
      [0.05, 'test'],
    ]);
    expect(first.stderr).not.toContain('starting from the trained weights');

    // The trained project (the CLI's own --save): the run trains on from its weights and says so.
    const on = cli(['train', trained, '--limit', '512', '--epochs', '1']);
    expect(on.status, on.stderr).toBe(0);
    expect(on.stderr).toContain(`starting from the trained weights in ${trained} (--fresh: new initial weights)\n`);
    // --fresh: new initial weights, the same as the untrained project's first epoch (same seed, data and settings).
    const fresh = cli(['train', trained, '--limit', '512', '--epochs', '1', '--fresh']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stderr).not.toContain('starting from the trained weights');
    expect(firstLoss(fresh.stderr)).toBeCloseTo(epochs[0].trainLoss as number, 3);
    // Two epochs of training already behind it: its first epoch's loss is far below a fresh network's.
    expect(firstLoss(on.stderr)).toBeLessThan(0.8 * firstLoss(fresh.stderr));
  });

  it('a truncated zip: one coded line from info and train, before any work', () => {
    const cut = path.join(dir, 'cut.netloom');
    const bytes = fs.readFileSync(untrained);
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    for (const cmd of ['info', 'train'])
      expectOneLineError(cli([cmd, cut]), {
        code: 'E_PROJECT_FORMAT',
        status: 1,
        mentions: `cannot read "${cut}": not a readable .netloom zip`,
      });
  });

  it('--fresh with --resume, and workers the document asks for on a backend without them: one usage line', () => {
    // Refused before the file is read (this one has nothing to resume: that would be another error).
    expectOneLineError(cli(['train', '--resume', untrained, '--fresh']), {
      code: 'E_USAGE',
      status: 2,
      mentions: '--fresh starts from new initial weights, --resume continues',
    });
    const odd = path.join(dir, 'odd.netloom');
    writeProject(odd, { ...doc, training: { ...training, backend: 'cpu', workers: 2 } });
    expectOneLineError(cli(['train', odd]), {
      code: 'E_USAGE',
      status: 2,
      mentions: "the document's training.workers 2 needs the wasm backend (each worker runs a replica on it), not cpu",
    });
  });
});
