// predict and evaluate open networks the same way (open.ts's loadPredictable): a `.netloom` zip predicts exactly
// as the legacy JSON project it was made from, and a broken or missing file reads as the same one line from both.
// Workers without --backend choose wasm and say why (train too, even where the speed probe prefers another
// backend), and the memory check counts each worker's replica and gradients. Real commands, real files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDocInput } from '../core';
import { encodeProject, readProject } from '../export';
import { probeCacheAgainstWasm } from '../host/testing/probe-cache';
import { encodeWeights } from '../train/weights';
import { loadTemplate } from '../../templates';
import { CliError } from './args';
import { checkBeforeAllocating } from './open';
import { BIN, cli, expectOneLineError } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-predict-project-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const mlp = loadTemplate('mlp') as NetworkDocInput;
const params = inferNetwork(mlp).parameters;
const weights = encodeWeights(
  Object.fromEntries(
    params.map((p) => {
      const n = p.shape.reduce((a, b) => a * b, 1);
      return [p.name, { shape: p.shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i) / 10) }];
    }),
  ),
);
const legacy = path.join(dir, 'mlp.netloom.json');
fs.writeFileSync(legacy, JSON.stringify({ ...mlp, weights }));
const zip = path.join(dir, 'mlp.netloom');
fs.writeFileSync(zip, encodeProject(readProject(fs.readFileSync(legacy))));
/** The error line without the command's name: what predict and evaluate must both say. */
const said = (r: ReturnType<typeof cli>) =>
  r.stderr
    .trim()
    .split('\n')
    .at(-1)!
    .replace(/^netloom \w+: /, '');

describe('predict and evaluate read the same projects', { timeout: 600_000 }, () => {
  it('predict reads a .netloom zip: the same predictions as the legacy JSON project it came from', () => {
    const fromZip = cli(['predict', zip, '--limit', '20', '--json']);
    expect(fromZip.status, fromZip.stderr).toBe(0);
    expect(fromZip.stderr).not.toMatch(/no trained weights/);
    const fromJson = cli(['predict', legacy, '--limit', '20', '--json']);
    expect(fromZip.stdout).toBe(fromJson.stdout);
    expect(fromZip.stdout.trim().split('\n')).toHaveLength(20);
  });

  it('a truncated zip, a folder, a missing file and broken JSON: one identical coded line from both', () => {
    const cut = path.join(dir, 'cut.netloom');
    const bytes = fs.readFileSync(zip);
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const badJson = path.join(dir, 'cut.netloom.json');
    fs.writeFileSync(badJson, fs.readFileSync(legacy, 'utf8').slice(0, 5000));
    const cases: [string, string, number][] = [
      [cut, 'E_PROJECT_FORMAT', 1],
      [dir, 'E_NOT_A_FILE', 1],
      [path.join(dir, 'nowhere.netloom'), 'E_USAGE', 2],
      [badJson, 'E_JSON', 1],
    ];
    for (const [file, code, status] of cases) {
      const p = cli(['predict', file]);
      const e = cli(['evaluate', file]);
      expectOneLineError(p, { code, status });
      expectOneLineError(e, { code, status });
      expect(said(e)).toBe(said(p));
    }
  });
});

describe('--workers without --backend: wasm, and why', { timeout: 600_000 }, () => {
  it('predict and evaluate --workers auto say they chose wasm for the workers', () => {
    const why = "backend: wasm (workers 'auto' asked for: data-parallel workers run on wasm only)";
    const p = cli(['predict', zip, '--limit', '10', '--workers', 'auto']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stderr.split('\n')).toContain(why);
    const e = cli(['evaluate', zip, '--limit', '10', '--workers', 'auto', '--json']);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stderr.split('\n')).toContain(why);
  });

  it('train --workers 2 trains on wasm where the speed probe would choose another backend', async () => {
    const cache = path.join(dir, 'cache');
    fs.mkdirSync(cache);
    const other = await probeCacheAgainstWasm(cache);
    if (!other) console.warn('wasm is the only CPU backend here: the automatic choice is wasm either way');
    const env: NodeJS.ProcessEnv = { ...process.env, NETLOOM_CACHE: cache };
    delete env.NETLOOM_BACKEND_PROBE;
    const run = (workers: string[]) => {
      const args = ['train', 'mlp', '--limit', '64', '--batch-size', '32', '--epochs', '1', '--json', ...workers];
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 480_000, env });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.split('\n')[0]) as { event: string; backend: string; backendReason: string };
    };
    if (other) expect(run([]).backend).toBe(other); // the cache does make another backend the automatic choice
    expect(run(['--workers', '2'])).toMatchObject({
      event: 'start',
      backend: 'wasm',
      backendReason: expect.stringMatching(/^automatic, 2 workers asked for: data-parallel workers run on wasm only/),
    });
  });
});

describe('the memory check counts the workers', { timeout: 600_000 }, () => {
  it("each worker's replica and gradients: a network that fits alone is refused with 2 workers", () => {
    const net = inferNetwork(mlp);
    const bytes = 4 * (net.params.trainable + net.params.nonTrainable);
    const have = 2 * bytes + 4 * net.activations * 64; // room for one copy, not for 2 more with gradients
    expect(() => checkBeforeAllocating(net, 64, 1, have)).not.toThrow();
    let err: unknown;
    try {
      checkBeforeAllocating(net, 64, 2, have);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'E_EXCEEDS_MEMORY' });
    expect((err as Error).message).toMatch(/\+ 2 workers' replicas and gradients 3\.1 MB \+ .*; try fewer --workers$/);
  });

  it('train and predict --workers 2 count them in the line they print', (ctx) => {
    const cores = os.availableParallelism();
    if (cores < 2) return ctx.skip(`one core here: --workers 2 is clamped to 1, nothing to count`);
    const wide = path.join(dir, 'wide.netloom.json');
    const children = [1, 2]
      .map((i) => ({ kind: 'layer', id: `wide${i}`, type: 'Dense', params: { units: 1 << 20 } }))
      .concat([{ kind: 'layer', id: 'out', type: 'Dense', params: { units: 10 } }]);
    fs.writeFileSync(wide, JSON.stringify({ ...mlp, root: { kind: 'sequential', id: 'net', children } }));
    for (const cmd of ['train', 'predict'])
      expectOneLineError(cli([cmd, wide, '--workers', '2']), {
        code: 'E_EXCEEDS_MEMORY',
        status: 1,
        mentions: /\(parameters .* TB \+ 2 workers' replicas and gradients .* TB \+ activations/,
        alone: cmd === 'train',
      });
  });
});
