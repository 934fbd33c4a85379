// The real engine over the protocol (in-memory transport): real tfjs, a real slice of Fashion-MNIST. Runs are
// held by the deterministic controls (pauseAtStep, startPaused, train/step {batches}), never by a timer, so
// every assertion holds on a machine 10× faster or 3× slower. Backend expectations come from the registry.
import { afterEach, describe, expect, it } from 'vitest';
import { until as untilCond } from '../protocol/testing/until';
import { RpcError, workersBackendConflict, type Client, type TrainConfig } from '../protocol';
import { loadTemplate } from '../../templates';
import { backendNames, initEngineBackend } from '../runtime';
import { createEngineHost, type EngineHost } from './engine-host';
import { connectEngine } from './testing/connect';
import { lenetRun } from './testing/lenet-run';
import { recordingClient } from './testing/recorder';
import { createEngineApi } from './engine-api';

const until = (cond: () => unknown, what: string) => untilCond(cond, { ms: 120_000, what });

const problems: string[] = [];
afterEach(() => expect(problems.splice(0)).toEqual([]));

const connect = (host: EngineHost) => recordingClient(host, problems);
const attach = async (c: Client) => (await c.call('train/attach')).run!;

const lenet = lenetRun; // 576 samples to train (10% held out): 9 batches of 64 per epoch

describe('engine api over the protocol', () => {
  it('holds a run exactly where asked: pauseAtStep, step N, pause, re-attach, stop; E_BUSY while it lives', async () => {
    const host = createEngineHost(createEngineApi());
    const { client, events, lastState } = connect(host);
    const info = await client.call('engine/info');
    expect(info.backend).toBe((await initEngineBackend()).name); // whatever the registry picks here
    expect(info.backends!.find((b) => b.name === info.backend)).toMatchObject({ available: true });

    // 20 epochs: far more batches than the test takes, so a resume → pause round trip never meets the end.
    const { runId } = await client.call('train/start', lenet({ pauseAtStep: 2, epochs: 20 }));
    await expect(client.call('train/start', lenet())).rejects.toMatchObject({ code: 'E_BUSY' });
    await until(() => lastState() === 'paused', 'the run to pause at step 2');
    expect(await attach(client)).toMatchObject({ state: 'paused', step: 2, lastProgress: { step: 2 } });

    // train/step answers once the batches are taken and the run holds again.
    expect(await client.call('train/step', { runId, batches: 3 })).toMatchObject({ state: 'paused', step: 5 });
    expect(events('train/progress').at(-1)).toMatchObject({ step: 5 });
    expect(await client.call('train/step', { runId })).toMatchObject({ state: 'paused', step: 6 });

    // A client that disconnects does not stop training; a new one re-attaches to the run, still held at 6.
    client.close();
    const again = connect(host);
    const snap = await attach(again.client);
    expect(snap).toMatchObject({ runId, state: 'paused', step: 6 });
    expect(await again.client.call('train/resume', { runId })).toMatchObject({ state: 'running' });
    const paused = await again.client.call('train/pause', { runId });
    expect(paused.state).toBe('paused');
    expect(paused.step).toBeGreaterThanOrEqual(6);
    expect(await again.client.call('train/step', { runId, batches: 2 })).toMatchObject({ step: paused.step + 2 });

    const stopped = await again.client.call('train/stop', { runId });
    expect(stopped).toMatchObject({ state: 'stopped', step: paused.step + 2 });
    await until(() => again.events('train/done').length === 1, 'the done event');
    expect(again.events('train/done')[0]).toMatchObject({ state: 'stopped', final: { testAcc: expect.any(Number) } });
    const err = await again.client.call('train/pause', { runId: 'nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe('E_NO_RUN');
    await host.close();
  });

  it('starts paused and stops without taking a batch; the test set is still reported, as test', async () => {
    const host = createEngineHost(createEngineApi());
    const { client, events, lastState } = connect(host);
    const { runId } = await client.call('train/start', lenet({ startPaused: true }));
    await until(() => lastState() === 'paused', 'the paused start');
    expect(await attach(client)).toMatchObject({ runId, state: 'paused', step: 0 });
    expect(await client.call('train/stop', { runId })).toMatchObject({ state: 'stopped', step: 0 });
    await until(() => events('train/done').length === 1, 'the done event');
    expect(events('train/progress')).toHaveLength(0);
    const done = events('train/done')[0];
    expect(done).toMatchObject({ state: 'stopped', epochs: 0 });
    expect(done.final).toEqual({ acc: 0, testLoss: expect.any(Number), testAcc: expect.any(Number) });
    await host.close();
  });

  it('validates on a seeded held-out split; the test set is evaluated at the end and called test', async () => {
    const host = createEngineHost(createEngineApi());
    const mlp = (validationSplit: number): TrainConfig => ({
      doc: loadTemplate('mlp') as object,
      data: { source: 'fashion-mnist', limit: 200, validationSplit },
      epochs: 2,
      batchSize: 50,
      lr: 0.1,
      optimizer: 'sgd',
      seed: 5,
    });
    const run = async (validationSplit: number) => {
      const c = connect(host);
      await c.client.call('train/start', mlp(validationSplit));
      await until(() => c.events('train/done').length === 1, 'the done event');
      c.client.close();
      return { epochs: c.events('train/epoch'), done: c.events('train/done')[0], log: c.events('engine/log') };
    };

    const held = await run(0.25);
    expect(held.log.at(-1)!.message).toMatch(/ on 150 samples /); // 200 − 25 % held out
    expect(held.epochs.map((e) => e.valSource)).toEqual(['validation', 'validation']);
    const last = held.epochs[1];
    expect(held.done.final).toMatchObject({ valLoss: last.valLoss, valAcc: last.valAcc });
    expect(held.done.final!.testLoss).toEqual(expect.any(Number));
    expect(held.done.final!.testLoss).not.toBe(last.valLoss);
    // Seeded: the same seed holds out the same samples and trains the same way.
    expect((await run(0.25)).epochs[1].valLoss).toBe(last.valLoss);

    // A split of 0: no validation part; the per-epoch figures are the test set's, labelled so, never valAcc.
    const none = await run(0);
    expect(none.log.at(-1)!.message).toMatch(/ on 200 samples /);
    expect(none.epochs.map((e) => e.valSource)).toEqual(['test', 'test']);
    expect(none.done.final).not.toHaveProperty('valAcc');
    expect(none.done.final!.testLoss).toBe(none.epochs[1].valLoss); // the same model on the same test set
    await host.close();
  });

  it('refuses a network with errors, naming the problem', async () => {
    const host = createEngineHost(createEngineApi());
    const { client } = connect(host);
    const doc = loadTemplate('lenet') as { root: { children: unknown[] } };
    doc.root.children.splice(
      4,
      0,
      { kind: 'layer', id: 'flat', type: 'Flatten' },
      { kind: 'layer', id: 'bad', type: 'Conv2D' },
    );
    const err = await client
      .call('train/start', {
        doc,
        data: { source: 'fashion-mnist', limit: 64 },
        epochs: 1,
        batchSize: 32,
        lr: 0.1,
        optimizer: 'sgd',
      })
      .catch((e) => e);
    expect(err.code).toBe('E_INVALID_NETWORK');
    expect(err.message).toContain('E_RANK at bad');
    await host.close();
  });

  it('answers an unknown backend as a bad parameter, naming the known ones', async () => {
    const host = createEngineHost(createEngineApi());
    const { client } = connect(host);
    const err = await client
      .call('train/start', {
        doc: loadTemplate('mlp'),
        data: { source: 'fashion-mnist', limit: 64 },
        epochs: 1,
        batchSize: 32,
        lr: 0.1,
        optimizer: 'sgd',
        backend: 'nope',
      })
      .catch((e) => e);
    expect(err.code).toBe('E_BAD_PARAMS');
    expect(err.message).toMatch(/unknown backend "nope" \(known: .*wasm/);
    await host.close();
  });

  it("refuses workers > 1 on a named non-wasm backend at start, in the CLI's words, and starts nothing", async () => {
    const { host, client, problems: seen } = connectEngine();
    // Every backend the registry names besides wasm, whether or not it can start here: the refusal comes first.
    const others = backendNames().filter((n) => n !== 'wasm');
    expect(others).toEqual(expect.arrayContaining(['cpu', 'tensorflow', 'torch']));
    for (const backend of others) {
      const err = await client.call('train/start', { ...lenet(), backend, workers: 2, startPaused: true }).then(
        () => null,
        (e: RpcError) => e,
      );
      expect(err, backend).toBeInstanceOf(RpcError);
      expect({ code: err!.code, message: err!.message }).toEqual({
        code: 'E_BAD_PARAMS',
        message: `workers 2 needs the wasm backend (each worker runs a replica on it), not ${backend}`,
      });
    }
    expect((await client.call('train/attach')).run).toBeNull();
    // One worker on those backends, and workers on wasm, are not this refusal (the pair is the fault, not either).
    expect(workersBackendConflict(1, 'cpu')).toBeNull();
    expect(workersBackendConflict(8, 'wasm')).toBeNull();
    expect(workersBackendConflict('auto', 'torch')).toBeNull();
    expect(seen).toEqual([]);
    await host.close();
  });
});
