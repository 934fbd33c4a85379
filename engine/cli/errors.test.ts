// Broken inputs and failing writes end as one line with a code and exit 1 — never a stack, never the wasm
// backend's 56 KB source dump, never a lost model. Every case runs the real command as a child process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDocInput, type Weights } from '../core';
import { until } from '../protocol/testing/until';
import { encodeWeights } from '../train/weights';
import { loadTemplate } from '../../templates';
import { cli, cliAsync, expectOneLineError, unprivileged } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-cli-errors-'));
fs.chmodSync(dir, 0o755); // the unprivileged runs below must reach the folders inside
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const mlp = loadTemplate('mlp') as NetworkDocInput;
const params = inferNetwork(mlp).parameters;
/** The MLP template with a full set of finite weights (what a trained file holds). */
const weights = (): Weights =>
  encodeWeights(
    Object.fromEntries(
      params.map((p) => {
        const n = p.shape.reduce((a, b) => a * b, 1);
        return [p.name, { shape: p.shape, data: Float32Array.from({ length: n }, (_, i) => Math.cos(i) / 20) }];
      }),
    ),
  );
const write = (name: string, doc: unknown): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
};
const first = params[0].name;

describe('damaged network files', { timeout: 300_000 }, () => {
  const cases: [string, () => Weights | string, string][] = [
    [
      'truncated weights',
      () => {
        const w = weights();
        w[first] = { ...w[first], data: w[first].data.slice(0, 1000) };
        return w;
      },
      'E_WEIGHTS_CORRUPT',
    ],
    [
      'weights that are not base64',
      () => {
        const w = weights();
        w[first] = { ...w[first], data: '¡not base64!'.repeat(100) };
        return w;
      },
      'E_WEIGHTS_CORRUPT',
    ],
    [
      'a missing tensor',
      () => {
        const w = weights();
        delete w[params[1].name];
        return w;
      },
      'E_WEIGHTS_MISSING',
    ],
    [
      'a tensor of the wrong shape',
      () => {
        const w = weights();
        w[first] = { ...w[first], shape: [...w[first].shape].reverse() };
        return w;
      },
      'E_WEIGHTS_SHAPE',
    ],
    [
      'weights that are all NaN',
      () =>
        encodeWeights(
          Object.fromEntries(
            params.map((p) => [
              p.name,
              { shape: p.shape, data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)).fill(NaN) },
            ]),
          ),
        ),
      'E_WEIGHTS_NONFINITE',
    ],
  ];
  it.each(cases)('predict refuses %s', (name, make, code) => {
    const file = write(`${name.replace(/\W+/g, '-')}.netloom.json`, { ...mlp, weights: make() });
    const r = cli(['predict', file, '--limit', '5']);
    expectOneLineError(r, { code, status: 1, mentions: /weights/ });
    expect(r.stdout).toBe('');
  });

  it('train refuses NaN weights too, before training', () => {
    const nan = encodeWeights(
      Object.fromEntries(
        params.map((p) => [
          p.name,
          { shape: p.shape, data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)).fill(NaN) },
        ]),
      ),
    );
    const r = cli(['train', write('nan-train.netloom.json', { ...mlp, weights: nan }), '--limit', '64', '--json']);
    expectOneLineError(r, { code: 'E_WEIGHTS_NONFINITE', status: 1 });
    expect(r.stdout).not.toContain('"event":"start"');
  });

  it('a truncated file, and a folder given as the file', () => {
    const text = JSON.stringify({ ...mlp, weights: weights() });
    expectOneLineError(cli(['predict', write('cut.netloom.json', text.slice(0, text.length / 2))]), {
      code: 'E_JSON',
      status: 1,
    });
    expectOneLineError(cli(['predict', dir]), { code: 'E_NOT_A_FILE', status: 1, mentions: /is a folder/ });
    expectOneLineError(cli(['train', dir]), { code: 'E_NOT_A_FILE', status: 1 });
  });
});

describe('networks too large for this machine are refused before allocating', { timeout: 300_000 }, () => {
  it('by their parameters', () => {
    const wide = {
      ...mlp,
      root: {
        kind: 'sequential',
        id: 'net',
        children: [1, 2]
          .map((i) => ({ kind: 'layer', id: `wide${i}`, type: 'Dense', params: { units: 1 << 20 } }))
          .concat([{ kind: 'layer', id: 'out', type: 'Dense', params: { units: 10 } }]),
      },
    };
    const r = cli(['train', write('wide.netloom.json', wide), '--epochs', '1']);
    expectOneLineError(r, { code: 'E_EXCEEDS_MEMORY', status: 1, mentions: /needs at least .* TB \(parameters .* TB/ });
  });

  it('by one batch of activations, with the way out', () => {
    const broad = {
      ...mlp,
      input: { shape: [1, 224, 224] },
      root: {
        kind: 'sequential',
        id: 'net',
        children: [
          { kind: 'layer', id: 'conv', type: 'Conv2D', params: { channels: 65536, kernelSize: 1 } },
          { kind: 'layer', id: 'pool', type: 'MaxPool2D', params: { poolSize: 224, strides: 224 } },
          { kind: 'layer', id: 'flatten', type: 'Flatten' },
          { kind: 'layer', id: 'out', type: 'Dense', params: { units: 10 } },
        ],
      },
    };
    const file = write('broad.netloom.json', broad);
    expect(inferNetwork(broad).errors).toEqual([]);
    const r = cli(['train', file, '--epochs', '1', '--batch-size', '64']);
    expectOneLineError(r, {
      code: 'E_EXCEEDS_MEMORY',
      status: 1,
      mentions: /activations of a batch of 64 .*try a smaller --batch-size/,
    });
    expectOneLineError(cli(['predict', file, '--limit', '256']), { code: 'E_EXCEEDS_MEMORY', status: 1 });
  });
});

describe('train --save never loses the trained model', { timeout: 300_000 }, () => {
  // Read-only folders mean nothing to root: those runs use an unprivileged uid, or are skipped, saying why.
  const asUser = unprivileged();
  const needsUser = typeof asUser === 'string' ? it.skip : it;
  if (typeof asUser === 'string') console.warn(`skipping the read-only folder tests: ${asUser}`);
  const user = typeof asUser === 'string' ? {} : asUser;

  const quick = ['train', 'mlp', '--limit', '128', '--batch-size', '64', '--epochs', '1', '--json'];

  it('checks the target before training: a missing folder, a folder', () => {
    const missing = cli([...quick, '--save', path.join(dir, 'nope', 'm.json')]);
    expectOneLineError(missing, { code: 'E_WRITE_NO_DIR', status: 1, mentions: /does not exist/ });
    expect(missing.stdout).not.toContain('"event":"start"'); // nothing was trained

    expectOneLineError(cli([...quick, '--save', dir]), { code: 'E_WRITE_IS_DIR', status: 1 });
  });

  needsUser('checks the target before training: a read-only folder', () => {
    const ro = fs.mkdtempSync(path.join(dir, 'ro-'));
    fs.writeFileSync(path.join(ro, 'm.json'), 'previous model');
    fs.chmodSync(ro, 0o555);
    const denied = cli([...quick, '--save', path.join(ro, 'm.json')], user);
    expectOneLineError(denied, { code: 'E_WRITE_DENIED', status: 1, mentions: /no permission/ });
    expect(denied.stdout).not.toContain('"event":"start"');
    expect(fs.readFileSync(path.join(ro, 'm.json'), 'utf8')).toBe('previous model');
  });

  needsUser(
    'a save that fails after training keeps the previous file and writes the model to a rescue file',
    async () => {
      // The run is as long as the contract allows; Ctrl-C is what ends it, after the folder became read-only.
      const out = fs.mkdtempSync(path.join(dir, 'out-'));
      fs.chmodSync(out, 0o777);
      const target = path.join(out, 'model.netloom.json');
      fs.writeFileSync(target, 'previous model');
      fs.chmodSync(target, 0o666);
      const run = cliAsync(
        ['train', 'mlp', '--limit', '128', '--batch-size', '64', '--epochs', '10000', '--json', '--save', target],
        user,
      );
      try {
        await until(() => run.out.stdout.includes('"event":"progress"') || run.child.exitCode !== null, {
          ms: 150_000,
          what: 'the first progress event',
        });
        expect(run.child.exitCode, run.out.stderr).toBeNull();
        fs.chmodSync(out, 0o555);
        run.child.kill('SIGINT');
        const r = await run.exited;
        const line = expectOneLineError(r, { code: 'E_WRITE_DENIED', status: 1, alone: false });
        expect(fs.readFileSync(target, 'utf8')).toBe('previous model');
        const rescue = /written to "([^"]+)" instead/.exec(line)?.[1];
        expect(rescue, line).toBeTruthy();
        const saved = JSON.parse(fs.readFileSync(rescue!, 'utf8'));
        fs.rmSync(rescue!);
        expect(Object.keys(saved.weights)).toEqual(params.map((p) => p.name));
        expect(fs.readdirSync(out)).toEqual(['model.netloom.json']); // no temporary file left behind
      } finally {
        run.child.kill('SIGKILL');
      }
    },
  );
});

describe('a run whose loss becomes NaN', { timeout: 300_000 }, () => {
  it('stops with a coded line instead of waiting for a resume that never comes', () => {
    const r = cli(['train', 'mlp', '--limit', '256', '--batch-size', '64', '--epochs', '3', '--lr', '1e10', '--json']);
    expect(r.stdout).toContain('"event":"anomaly"');
    expectOneLineError(r, { code: 'E_TRAIN_NONFINITE', status: 1, alone: false, mentions: /NaN|Infinity/ });
  });
});
