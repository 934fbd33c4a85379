// train/start with `workers` and no backend trains on wasm, the only backend with data-parallel workers, and its
// state events say why, even where the speed probe makes another backend the automatic choice (a probe cache in
// which every other CPU backend is 10× wasm: testing/probe-cache.ts). Real engine, in-memory transport; the run
// starts held (startPaused) and is stopped once its backend is known (after its 2 workers have started: each
// transpiles the engine from sources, minutes on a loaded machine, hence the timeout). ('auto': the CLI's tests.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../protocol';
import { until } from '../protocol/testing/until';
import { loadTemplate } from '../../templates';
import { shutdownEngineBackend } from '../runtime/backends/registry';
import { forgetProbe } from './backend-choice';
import { createEngineApi } from './engine-api';
import { createEngineHost } from './engine-host';
import { probeCacheAgainstWasm } from './testing/probe-cache';
import { recordingClient } from './testing/recorder';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-workers-backend-'));
const saved = { cache: process.env.NETLOOM_CACHE, probe: process.env.NETLOOM_BACKEND_PROBE };
let other: string | null = null;
beforeAll(async () => {
  other = await probeCacheAgainstWasm(dir);
  process.env.NETLOOM_CACHE = dir;
  delete process.env.NETLOOM_BACKEND_PROBE;
}, 120_000);
afterAll(async () => {
  for (const [k, v] of Object.entries({ NETLOOM_CACHE: saved.cache, NETLOOM_BACKEND_PROBE: saved.probe }))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  forgetProbe();
  fs.rmSync(dir, { recursive: true, force: true });
  await shutdownEngineBackend();
});

const mlp = (extra: Partial<TrainConfig> = {}): TrainConfig => ({
  doc: loadTemplate('mlp') as object,
  data: { source: 'fashion-mnist', limit: 64, validationSplit: 0 },
  epochs: 1,
  batchSize: 32,
  lr: 0.1,
  optimizer: 'sgd',
  seed: 1,
  startPaused: true,
  ...extra,
});

describe('engine api: workers without a backend', { timeout: 600_000 }, () => {
  it('train/start {workers: 2} without a backend trains on wasm and says why, where the probe would choose another', async () => {
    const host = createEngineHost(createEngineApi());
    const problems: string[] = [];
    const { client, events } = recordingClient(host, problems);
    const backendOf = async (config: TrainConfig) => {
      const before = events('train/state').length;
      const { runId } = await client.call('train/start', config);
      await until(
        () =>
          events('train/state')
            .slice(before)
            .some((s) => s.backend),
        { ms: 480_000, what: 'the run to say its backend' },
      );
      const b = events('train/state')
        .slice(before)
        .find((s) => s.backend)!.backend!;
      await client.call('train/stop', { runId });
      await until(() => events('train/done').some((d) => d.runId === runId), { what: 'the run to stop' });
      return b;
    };
    if (other) expect((await client.call('engine/info')).choice!.name).toBe(other);
    else console.warn('wasm is the only CPU backend here: the automatic choice is wasm either way');
    expect(await backendOf(mlp({ workers: 2 }))).toEqual({
      name: 'wasm',
      reason: expect.stringMatching(/^automatic, 2 workers asked for: data-parallel workers run on wasm only/),
    });
    expect(problems).toEqual([]);
    await host.close();
  });
});
