// Every flag is validated (by the protocol's trainConfig / dataSpec schemas) before any work: a bad value is one
// stderr line naming the flag, exit 2, and nothing trained. Each row failed on the old CLI (it trained, ran 2
// epochs for 1.5, dumped 56 KB, or reported "accuracy 0.00% on -5 samples").
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from './testing';

const train = (...a: string[]) => ['train', 'lenet', '--limit', '64', ...a];
const predict = (...a: string[]) => ['predict', 'lenet', ...a];

const CASES: [string[], RegExp][] = [
  [train('--epochs', '-1'), /--epochs must be > 0, got "-1"/],
  [train('--epochs', '0'), /--epochs must be > 0/],
  [train('--epochs', '1.5'), /--epochs must be a whole number/],
  [train('--epochs', 'abc'), /--epochs must be a number, got "abc"/],
  [train('--epochs='), /--epochs must be a number, got ""/],
  [train('--lr', '-1'), /--lr must be > 0/],
  [train('--lr', '0'), /--lr must be > 0/],
  [train('--momentum', '5'), /--momentum must be <= 1/],
  [train('--batch-size', '0'), /--batch-size must be > 0/],
  [train('--optimizer', 'rmsprop'), /--optimizer must be one of sgd, adam/],
  [train('--backend', 'nope'), /--backend must be one of .*wasm.*, got "nope"/],
  [train('--val-split', '1'), /--val-split must be <= 0.9/],
  [train('--val-split', '-0.1'), /--val-split must be >= 0/],
  [train('--schedule', 'step:0:0.5'), /--schedule EVERY must be > 0, got "step:0:0.5"/],
  [train('--schedule', 'step:2:1.5'), /--schedule GAMMA must be <= 1/],
  [train('--schedule', 'cosine:-1'), /--schedule MINLR must be >= 0/],
  [train('--schedule', 'warp'), /--schedule must be step:EVERY:GAMMA, cosine\[:MINLR\] or constant/],
  [train('--early-stop', '0'), /--early-stop must be > 0/],
  [train('--early-stop', '1.5'), /--early-stop must be a whole number/],
  [train('--epoch', '3'), /unknown flag --epoch \(did you mean --epochs\?\)/],
  [train('--json=yes'), /--json takes no value/],
  [train('--limit', '0'), /--limit must be a whole number >= 1/],
  [train('--workers', '0'), /--workers must be >= 1, got "0"/],
  [train('--workers', '9'), /--workers must be <= 8, got "9"/],
  [train('--workers', '1.5'), /--workers must be a whole number/],
  [train('--workers', '2', '--backend', 'cpu'), /--workers 2 needs the wasm backend .*, not cpu/],
  [predict('--limit', '-5'), /--limit must be a whole number >= 1, got "-5"/],
  [predict('--limit', '0'), /--limit must be a whole number >= 1/],
  [predict('--backend', 'nope'), /--backend must be one of/],
  [predict('--split', 'dev'), /--split must be test or train/],
  [predict('--workers', '0'), /--workers must be >= 1, got "0"/],
  [predict('--workers', '9'), /--workers must be <= 8, got "9"/],
  [predict('--workers', 'many'), /--workers must be a number, got "many"/],
  [['evaluate', 'lenet.netloom', '--workers', '1.5'], /--workers must be a whole number, got "1.5"/],
];

describe('netloom flags are validated before any work', { timeout: 120_000 }, () => {
  it.each(CASES)('%j', (args, message) => {
    const r = cli(args);
    expectOneLineError(r, { code: 'E_USAGE', status: 2, mentions: message });
    expect(r.stdout).toBe('');
  });

  it('--json also ends stdout with an error event', () => {
    const r = cli(train('--json', '--lr', '0'));
    expectOneLineError(r, { code: 'E_USAGE', status: 2, mentions: /--lr/ });
    expect(JSON.parse(r.stdout.trim())).toEqual({
      event: 'error',
      code: 'E_USAGE',
      message: expect.stringMatching(/^--lr/),
    });
  });

  it('train --help lists the flags, including validation, schedules and early stopping', () => {
    const r = cli(['train', '--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--val-split F', '--schedule S', '--early-stop N', '--save FILE', '--epochs N'])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('step:EVERY:GAMMA');
  });
});
