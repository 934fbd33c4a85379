import { afterEach, describe, expect, it } from 'vitest';
import { until as untilCond } from '../protocol/testing/until';
import { createClient, memoryPair } from '../protocol';
import type { Client, TrainConfig } from '../protocol';
import { expectCode } from '../protocol/testing/rpc-suite';
import lenet from '../../templates/lenet.json';
import { createEngineHost } from './engine-host';
import type { EngineHost } from './engine-host';
import { createEngineApi } from './testing/training-api';

const config: TrainConfig = {
  doc: { any: 1 },
  data: { source: 'fashion-mnist', limit: 100 },
  epochs: 1000,
  batchSize: 8,
  lr: 0.1,
  optimizer: 'sgd',
};
const until = (cond: () => unknown, ms = 3000) => untilCond(cond, { ms });

describe('engine host', () => {
  let host: EngineHost;
  const clients: Client[] = [];
  const connect = () => {
    const [server, end] = memoryPair();
    host.connect(server);
    const c = createClient(end);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await host?.close();
  });

  it('answers engine/info itself, with the api backend', async () => {
    host = createEngineHost(createEngineApi());
    const info = await connect().call('engine/info');
    expect(info.backend).toBe('fake-cpu');
    expect(info.versions.node).toBe(process.versions.node);
    expect(info.memory.rss).toBeGreaterThan(0);
  });

  it('answers graph/infer with engine/core inference on a real template', async () => {
    host = createEngineHost(createEngineApi());
    const r = await connect().call('graph/infer', { doc: lenet });
    expect(r.errors).toEqual([]);
    expect(r.output).toEqual([10]);
    expect(r.params.trainable).toBeGreaterThan(0);
    expect(r).not.toHaveProperty('tree');
  });

  it('allows one run at a time: a second train/start gets E_BUSY, also from another client', async () => {
    host = createEngineHost(createEngineApi());
    const a = connect();
    const b = connect();
    const [first, second] = await Promise.allSettled([a.call('train/start', config), b.call('train/start', config)]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && (second.reason as { code: string }).code).toBe('E_BUSY');
    await a.call('train/stop', {});
    // After the run ends, a new one may start.
    expect((await b.call('train/start', config)).runId).toBe('run-2');
  });

  it('a run that reports from inside its start (a paused start) is tracked from the first event', async () => {
    host = createEngineHost(createEngineApi());
    const a = connect();
    const { runId } = await a.call('train/start', { ...config, startPaused: true });
    expect((await a.call('train/attach')).run).toMatchObject({ runId, state: 'paused', step: 0 });
    expect(await a.call('train/step', { batches: 3 })).toMatchObject({ runId, state: 'paused', step: 3 });
    expect((await a.call('train/attach')).run).toMatchObject({ state: 'paused', step: 3, lastProgress: { step: 3 } });
    await a.call('train/stop', {});
    // The next run, held by pauseAtStep, is not confused with the last one.
    const next = await a.call('train/start', { ...config, pauseAtStep: 4 });
    await until(() => host.run()!.state === 'paused');
    expect(host.run()).toMatchObject({ runId: next.runId, step: 4 });
  });

  it('control calls without a run answer E_NO_RUN', async () => {
    host = createEngineHost(createEngineApi());
    await expectCode(connect().call('train/pause', {}), 'E_NO_RUN');
  });

  it('keeps training when the client disconnects; a new client re-attaches to the run', async () => {
    host = createEngineHost(createEngineApi());
    const a = connect();
    const { runId } = await a.call('train/start', config);
    await until(() => (host.run()?.step ?? 0) > 3);
    a.close();
    await until(() => host.connections === 0);
    const stepAtDisconnect = host.run()!.step;
    await until(() => host.run()!.step > stepAtDisconnect + 5); // still training with nobody connected

    const b = connect();
    const progress: number[] = [];
    b.on('train/progress', (p) => progress.push(p.step));
    const { run } = await b.call('train/attach');
    expect(run).toMatchObject({ runId, state: 'running', config: { lr: 0.1 } });
    expect(run!.step).toBeGreaterThan(stepAtDisconnect);
    expect(run!.lastProgress!.step).toBe(run!.step);
    await until(() => progress.length > 2); // and the new client gets the live stream
    expect((await b.call('train/pause', {})).state).toBe('paused');
    expect((await b.call('train/attach')).run!.state).toBe('paused');
    expect((await b.call('train/step', { batches: 2 })).step).toBe(host.run()!.step);
    await b.call('train/stop', {});
    expect((await b.call('train/attach')).run).toMatchObject({ state: 'stopped', done: { state: 'stopped' } });
  });

  it('close() stops a running run and disconnects clients', async () => {
    host = createEngineHost(createEngineApi());
    const a = connect();
    await a.call('train/start', config);
    await host.close();
    expect(host.run()!.state).toBe('stopped');
    await until(() => host.connections === 0);
  });
});
