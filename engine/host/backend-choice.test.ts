// The automatic backend choice's cache on real backends and real files (a temporary NETLOOM_CACHE): the first
// CPU choice measures every available CPU backend once and writes backend-probe.json; the next reads it (nothing
// measured again, even in a fresh process: the memory is forgotten, the file stays); a corrupt file is ignored
// and rewritten. The suites run with NETLOOM_BACKEND_PROBE=off (vitest.config.ts); this file turns it on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shutdownEngineBackend } from '../runtime/backends/registry';
import { probeable } from '../runtime/backends/probe';
import { automaticBackend, backendFacts, cpuProbe, forgetProbe, PROBE_FILE, probeRuns } from './backend-choice';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-backend-probe-'));
const file = path.join(dir, PROBE_FILE);
const saved = { cache: process.env.NETLOOM_CACHE, probe: process.env.NETLOOM_BACKEND_PROBE };
beforeAll(() => {
  process.env.NETLOOM_CACHE = dir;
  delete process.env.NETLOOM_BACKEND_PROBE;
});
beforeEach(() => forgetProbe());
afterAll(async () => {
  for (const [k, v] of [
    ['NETLOOM_CACHE', saved.cache],
    ['NETLOOM_BACKEND_PROBE', saved.probe],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  fs.rmSync(dir, { recursive: true, force: true });
  await shutdownEngineBackend();
});

const quick = { budgetMs: 100 };

describe('the speed probe cache', () => {
  it('measures each available CPU backend once, writes the cache, and the next call reads it', async () => {
    const facts = await backendFacts();
    const names = probeable(facts);
    expect(names).toContain('wasm');
    const before = probeRuns();
    const figures = await cpuProbe(facts, quick);
    expect(probeRuns() - before).toBe(names.length);
    expect(figures!.map((f) => f.name)).toEqual(names);
    for (const f of figures!) if (f.error) console.warn(`probe of ${f.name} failed: ${f.error}`);
    expect(figures!.find((f) => f.name === 'wasm')!.imagesPerSec).toBeGreaterThan(0);
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.values(written.entries)).toEqual([{ at: expect.any(Number), figures }]);
    // As a new engine process would: nothing in memory, the file on disk. Nothing is measured again.
    forgetProbe();
    expect(await cpuProbe(facts, quick)).toEqual(figures);
    expect(probeRuns() - before).toBe(names.length);
    // engine/info's view: the figures and the choice they make, without measuring.
    const choice = await automaticBackend({ measure: false });
    expect(choice.reason).toMatch(facts.some((f) => f.gpu) ? /^a GPU/ : /in the probe/);
    expect(choice.backends.find((b) => b.name === 'wasm')!.imagesPerSec).toBe(figures![0].imagesPerSec);
    expect(probeRuns() - before).toBe(names.length);
  });

  it('a corrupt or foreign cache file is ignored and rewritten', async () => {
    const wasmOnly = (await backendFacts()).filter((f) => f.name === 'wasm');
    for (const bad of ['{"entries": {', JSON.stringify({ entries: { k: { at: 1, figures: 'many' } } })]) {
      forgetProbe();
      fs.writeFileSync(file, bad);
      const before = probeRuns();
      const figures = await cpuProbe(wasmOnly, quick);
      expect(probeRuns() - before).toBe(1);
      const written = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(Object.values(written.entries)).toEqual([{ at: expect.any(Number), figures }]);
    }
  });

  it('measure: false never measures, and the probe can be turned off', async () => {
    fs.rmSync(file, { force: true });
    const before = probeRuns();
    const gpu = (await backendFacts()).some((f) => f.gpu); // a GPU is chosen without measuring anything
    const unknown = await automaticBackend({ measure: false });
    expect(probeRuns()).toBe(before);
    expect(unknown.reason).toMatch(gpu ? /^a GPU/ : /not measured yet/);
    process.env.NETLOOM_BACKEND_PROBE = 'off';
    try {
      const off = await automaticBackend();
      expect(probeRuns()).toBe(before);
      expect(off.reason).toMatch(gpu ? /^a GPU/ : /speed probe off/);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      delete process.env.NETLOOM_BACKEND_PROBE;
    }
  });
});
