// Load on `netloom serve` (its own process, loopback only): 40 clients connecting at once, then a burst of
// 2,000 calls spread over them, while a run streams events to all of them. Every call is answered, in full.
// Bounded: the figures are fixed, and nothing here measures speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../protocol';
import { until } from '../protocol/testing/until';
import { connectClient, spawnServe } from './websocket-testing';
import type { ServeProcess } from './websocket-testing';

const CLIENTS = 40;
const BURST = 2000;

describe('netloom serve under load', () => {
  let s: ServeProcess;
  let clients: Client[] = [];
  beforeAll(async () => {
    s = await spawnServe();
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    expect(await s?.stop()).toBe(0);
  });

  it(`${CLIENTS} clients at once, then ${BURST} calls in one burst: all answered`, async () => {
    clients = await Promise.all(Array.from({ length: CLIENTS }, () => connectClient(s)));
    const pids = await Promise.all(clients.map((c) => c.call('engine/info')));
    expect(new Set(pids.map((p) => p.pid)).size).toBe(1);

    // A run broadcasting progress to every client during the burst.
    const seen = new Array<number>(CLIENTS).fill(0);
    clients.forEach((c, i) => c.on('train/progress', () => seen[i]++));
    const { runId } = await clients[0].call('train/start', {
      doc: { any: 1 },
      data: { source: 'fashion-mnist' },
      epochs: 10_000,
      batchSize: 8,
      lr: 0.1,
      optimizer: 'sgd',
    });

    const doc = {
      format: 'netloom/network',
      version: 1,
      name: 'm',
      input: { shape: [4] },
      root: {
        kind: 'sequential',
        id: 'net',
        children: [{ kind: 'layer', id: 'd', type: 'Dense', params: { units: 3 } }],
      },
    };
    const results = await Promise.all(
      Array.from({ length: BURST }, (_, k) => {
        const c = clients[k % CLIENTS];
        return k % 2
          ? c.call('engine/info').then((r) => r.backend)
          : c.call('graph/infer', { doc }).then((r) => r.output);
      }),
    );
    expect(results.filter((r) => r === 'fake-cpu')).toHaveLength(BURST / 2);
    expect(results.filter((r) => Array.isArray(r) && r[0] === 3)).toHaveLength(BURST / 2);
    await until(() => seen.every((n) => n > 0), { what: 'progress events at every client' });
    expect((await clients[1].call('train/stop', { runId })).state).toBe('stopped');
  });
});
