// Data-parallel workers reached through the real engine over the protocol: train/start's `workers` trains a whole
// run on 2 wasm workers; a worker that dies ends its run as failed with the worker's message (E_TRAIN_FAILED), and
// the same engine then trains the next run. (Steps, drift and BatchNorm: runtime/parallel; controls: train/.)
import { afterEach, describe, expect, it } from 'vitest';
import { until as untilCond } from '../protocol/testing/until';
import { createClient, type EventPayload, type TrainConfig } from '../protocol';
import { memoryPair } from '../protocol/transports/memory';
import { loadTemplate } from '../../templates';
import { createEngineHost } from './engine-host';
import { createEngineApi } from './engine-api';
import { availableCores, MAX_WORKERS } from '../runtime';

const until = (cond: () => unknown, what: string) => untilCond(cond, { ms: 480_000, what });
const problems: string[] = [];
afterEach(() => expect(problems.splice(0)).toEqual([]));

const mlp = (extra: Partial<TrainConfig> = {}): TrainConfig => ({
  doc: loadTemplate('mlp') as object,
  data: { source: 'fashion-mnist', limit: 100 },
  epochs: 2,
  batchSize: 30,
  lr: 0.1,
  optimizer: 'sgd',
  seed: 1,
  backend: 'wasm',
  workers: 2,
  ...extra,
});

// Starting workers transpiles the engine in each (tsx): minutes on a loaded machine, hence the longer timeout.
describe('engine api: workers', { timeout: 600_000 }, () => {
  it('a run asking more workers than cores is clamped with a note and finishes; a dying worker fails its run with its message; the engine trains on', async () => {
    const [a, b] = memoryPair();
    createEngineHost(createEngineApi()).connect(a);
    const client = createClient(b);
    client.onProblem((p) => problems.push(`${p.code}: ${p.message}`));
    const done: EventPayload<'train/done'>[] = [];
    client.on('train/done', (e) => void done.push(e));
    const finish = async (config: TrainConfig) => {
      const before = done.length;
      await client.call('train/start', config);
      await until(() => done.length > before, 'the run to end');
      return done.at(-1)!;
    };
    const logs: string[] = [];
    client.on('engine/log', (e) => void logs.push(e.message));
    // More workers than cores is clamped with a note in the run's log line (8 is the most the schema accepts: a
    // machine with 8+ cores has nothing to clamp, and says so).
    const cores = availableCores(),
      asked = Math.min(MAX_WORKERS, cores + 1);
    expect(await finish(mlp({ workers: asked }))).toMatchObject({ state: 'done', epochs: 2 });
    if (asked > cores)
      expect(logs.join('\n')).toContain(`${asked} workers requested, ${cores} cores here: using ${cores}`);
    else console.warn(`clamp not checked: ${cores} cores here, more than the ${MAX_WORKERS} workers a run may ask`);
    process.env.NETLOOM_TEST_WORKER_FAULT = '2';
    let failed: EventPayload<'train/done'>;
    try {
      failed = await finish(mlp());
    } finally {
      delete process.env.NETLOOM_TEST_WORKER_FAULT;
    }
    expect(failed).toMatchObject({
      state: 'failed',
      error: { code: 'E_TRAIN_FAILED', message: 'worker 1 died: injected fault in worker 1 at step 2' },
    });
    expect(await finish(mlp({ epochs: 1 }))).toMatchObject({ state: 'done', epochs: 1 });
  });
});
