// The backend choice over the protocol (real engine, in-memory transport): engine/info lists every backend with
// its availability and the automatic choice with its reason (and the cores, for the workers setting), without
// waiting for a probe; a run says in its state events which backend trains and why, and with workers 'auto' which
// worker count the first steps chose. Whatever is chosen, only that a reason is given is checked: these tests run
// with the probe off (vitest.config.ts), and pass on any machine.
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../protocol';
import { loadTemplate } from '../../templates';
import { backendNames } from '../runtime';
import { shutdownEngineBackend } from '../runtime/backends/registry';
import { createEngineHost } from './engine-host';
import { recordingClient } from './testing/recorder';
import { createEngineApi } from './engine-api';
import { autoWorkers } from '../train/workers-choice';

afterAll(() => shutdownEngineBackend());

const lenet = (extra: Partial<TrainConfig> = {}): TrainConfig => ({
  doc: loadTemplate('lenet') as object,
  data: { source: 'fashion-mnist', limit: 320, validationSplit: 0 },
  epochs: 1,
  batchSize: 32,
  lr: 0.05,
  optimizer: 'sgd',
  seed: 3,
  ...extra,
});

describe('engine api: the backend choice', () => {
  it('engine/info lists every backend and the automatic choice with its reason, and the cores', async () => {
    const host = createEngineHost(createEngineApi());
    const problems: string[] = [];
    const { client } = recordingClient(host, problems);
    const info = await client.call('engine/info');
    expect(info.backends!.map((b) => b.name)).toEqual(backendNames());
    for (const b of info.backends!) expect(b.note).toEqual(expect.any(String));
    const chosen = info.backends!.find((b) => b.name === info.choice!.name)!;
    expect(chosen.available).toBe(true);
    expect(info.choice!.reason.length).toBeGreaterThan(10);
    expect(info.cores).toBeGreaterThanOrEqual(1);
    expect(problems).toEqual([]);
    await host.close();
  });

  it('a run without a backend says which one trains and why; a requested one says so', async () => {
    const host = createEngineHost(createEngineApi());
    const problems: string[] = [];
    const { client, events, finish } = recordingClient(host, problems);
    const info = await client.call('engine/info');
    await finish(lenet({ data: { source: 'fashion-mnist', limit: 64, validationSplit: 0 } }));
    const first = events('train/state').find((s) => s.backend)!;
    expect(first.backend).toEqual({ name: info.choice!.name, reason: expect.stringMatching(/^automatic, /) });
    expect(first.backend!.reason).toContain(info.choice!.reason);
    // Every later state event carries it too (a panel that joins late still learns it).
    expect(
      events('train/state')
        .slice(events('train/state').indexOf(first))
        .every((s) => s.backend),
    ).toBe(true);

    const before = events('train/state').length;
    await finish(lenet({ backend: 'wasm', data: { source: 'fashion-mnist', limit: 64, validationSplit: 0 } }));
    const requested = events('train/state')
      .slice(before)
      .find((s) => s.backend)!;
    // Named, it is no longer the automatic choice (the registry's reason: a fresh start says 'requested').
    expect(requested.backend).toEqual({ name: 'wasm', reason: expect.not.stringMatching(/^automatic/) });
    expect(problems).toEqual([]);
    await host.close();
  });

  it(
    "workers 'auto': the first steps choose 1 or W workers, and a state event says which and why",
    {
      timeout: 240_000,
    },
    async () => {
      const host = createEngineHost(createEngineApi());
      const problems: string[] = [];
      const { events, finish } = recordingClient(host, problems);
      const w = autoWorkers(); // the physical cores, at most 8
      const done = await finish(lenet({ backend: 'wasm', workers: 'auto' }));
      expect(done.state).toBe('done');
      const verdicts = events('train/state').filter((s) => s.workers);
      if (w < 2) {
        // One core: nothing to measure, one worker from the start.
        expect(verdicts).toEqual([]);
        return host.close();
      }
      expect(verdicts).toHaveLength(1);
      const { count, reason } = verdicts[0].workers!;
      if (count === 1) expect(reason).toMatch(new RegExp(`^1 worker: ${w} workers were slower for this network/batch`));
      else {
        expect(count).toBe(w);
        expect(reason).toMatch(new RegExp(`^${w} workers: \\d+\\.\\d× one worker`));
      }
      expect(verdicts[0].backend?.name).toBe('wasm');
      expect(problems).toEqual([]);
      await host.close();
    },
  );
});
