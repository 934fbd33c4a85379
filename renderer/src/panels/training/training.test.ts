// The training panel's logic without a browser: events → curves, snapshots → restored runs, the form,
// and the controller against a fake engine served over an in-memory transport.
import { until as untilCond } from '../../../../engine/protocol/testing/until';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  memoryPair,
  RpcError,
  serve,
  type CallContext,
  type Handlers,
  type Params,
  type RunSnapshot,
} from '../../../../engine/protocol';
import { docStore, useUi } from '../../app/store';
import {
  bindTraining,
  FLUSH_MS,
  pauseTraining,
  resetTraining,
  startTraining,
  stepTraining,
  syncTraining,
  useTraining,
} from './controller';
import { resumeSeed, withHeldRun, runsOf } from '../debug/runs';
import { downloadDataset, inspectSource } from './data';
import { formFrom } from './form';
import { applyEvents, emptyRun, fromSnapshot, MAX_POINTS, type TrainEvent } from './run-state';

const progress = (step: number, loss: number, runId = 'r1'): TrainEvent => ({
  name: 'train/progress',
  p: { runId, epoch: Math.floor((step - 1) / 8), step, stepsPerEpoch: 8, loss, acc: 0.5, lr: 0.1, samplesPerSec: 900 },
});

describe('run state', () => {
  it('keeps the banner for what paused the run; a health warning does not take it', () => {
    const a = (kind: 'nan' | 'dead', paused: boolean) => ({
      name: 'train/anomaly' as const,
      p: { runId: 'r', kind, step: 1, message: kind, paused, block: 'conv1' },
    });
    expect(applyEvents(emptyRun(), [a('dead', false)]).anomaly).toBeNull();
    expect(applyEvents(emptyRun(), [a('dead', false), a('nan', true)]).anomaly?.kind).toBe('nan');
  });

  it('follows progress, epochs, state and done', () => {
    let v = applyEvents(emptyRun(), [
      { name: 'train/state', p: { runId: 'r1', state: 'running' } },
      progress(1, 2.3),
      progress(2, 2.1),
    ]);
    expect(v).toMatchObject({ runId: 'r1', state: 'running', step: 2, stepsPerEpoch: 8, samplesPerSec: 900 });
    expect(v.loss).toEqual([
      { x: 1, y: 2.3 },
      { x: 2, y: 2.1 },
    ]);
    v = applyEvents(v, [
      progress(8, 1.2),
      {
        name: 'train/epoch',
        p: { runId: 'r1', epoch: 0, trainLoss: 1.5, trainAcc: 0.6, valLoss: 1.1, valAcc: 0.7, valSource: 'validation' },
      },
    ]);
    expect(v.valSource).toBe('validation');
    expect(v.valLoss).toEqual([{ x: 8, y: 1.1 }]);
    expect(v.valAcc).toEqual([{ x: 8, y: 0.7 }]);
    v = applyEvents(v, [
      { name: 'train/done', p: { runId: 'r1', state: 'done', epochs: 1, final: { valAcc: 0.7, testAcc: 0.71 } } },
      { name: 'train/state', p: { runId: 'r1', state: 'running' } },
    ]);
    expect(v.state).toBe('done');
    expect(v.done?.final?.testAcc).toBe(0.71);
  });

  it('keeps which backend trains and why, and the workers verdict, from state events', () => {
    const backend = { name: 'torch', reason: 'automatic, fastest CPU backend in the probe: 1.4× wasm' };
    let v = applyEvents(emptyRun(), [{ name: 'train/state', p: { runId: 'r1', state: 'running', backend } }]);
    expect(v).toMatchObject({ backend, workers: null });
    const workers = { count: 2, reason: '2 workers: 1.6× one worker in the first steps' };
    v = applyEvents(v, [
      { name: 'train/state', p: { runId: 'r1', state: 'running', backend: { name: 'wasm', reason: 'x' }, workers } },
      { name: 'train/done', p: { runId: 'r1', state: 'done', epochs: 1 } },
      { name: 'train/state', p: { runId: 'r1', state: 'running' } }, // late, without them: kept
    ]);
    expect(v).toMatchObject({ state: 'done', backend: { name: 'wasm' }, workers });
    expect(applyEvents(v, [progress(1, 2, 'r2')])).toMatchObject({ backend: null, workers: null });
  });

  it('draws an event sent again (the same step, the same epoch) as one point', () => {
    const epoch: TrainEvent = {
      name: 'train/epoch',
      p: { runId: 'r1', epoch: 0, trainLoss: 1.5, valLoss: 1.1, valAcc: 0.7, valSource: 'validation' },
    };
    const v = applyEvents(emptyRun(), [progress(1, 2.3), progress(1, 2.3), progress(8, 1), epoch, epoch]);
    expect(v.loss).toEqual([
      { x: 1, y: 2.3 },
      { x: 8, y: 1 },
    ]);
    expect(v.valLoss).toEqual([{ x: 8, y: 1.1 }]);
    expect(v.epochs).toHaveLength(1);
  });

  it('skips non-finite losses, keeps the curves bounded, and follows a new run', () => {
    let v = applyEvents(emptyRun(), [progress(1, NaN)]);
    expect(v.loss).toEqual([]);
    v = applyEvents(
      v,
      Array.from({ length: MAX_POINTS + 10 }, (_, i) => progress(i + 2, 1)),
    );
    expect(v.loss.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(v.loss[v.loss.length - 1].x).toBe(MAX_POINTS + 11);
    v = applyEvents(v, [progress(1, 2, 'r2')]);
    expect(v).toMatchObject({ runId: 'r2', step: 1 });
    expect(v.loss).toEqual([{ x: 1, y: 2 }]);
  });

  it('restores a run from its snapshot: per-epoch curves, the last batch and a pending anomaly', () => {
    const anomaly = { runId: 'r9', kind: 'nan' as const, block: 'conv1', step: 20, message: 'NaN', paused: true };
    const snap: RunSnapshot = {
      runId: 'r9',
      state: 'paused',
      startedAt: 5,
      epoch: 2,
      step: 20,
      config: {
        doc: {},
        data: { source: 'fashion-mnist', limit: 512 },
        epochs: 3,
        batchSize: 64,
        lr: 0.1,
        optimizer: 'sgd',
      },
      lastProgress: { runId: 'r9', epoch: 2, step: 20, stepsPerEpoch: 8, loss: 0.9, acc: 0.7, lr: 0.1 },
      epochs: [0, 1].map((epoch) => ({
        runId: 'r9',
        epoch,
        trainLoss: 2 - epoch,
        trainAcc: 0.4 + epoch / 10,
        valLoss: 1.8 - epoch,
        valAcc: 0.5,
      })),
      anomalies: [anomaly],
      done: null,
    };
    const v = fromSnapshot(emptyRun(), snap);
    expect(v).toMatchObject({
      runId: 'r9',
      state: 'paused',
      step: 20,
      config: { epochs: 3, limit: 512, dataset: 'fashion-mnist' },
      anomaly,
    });
    expect(v.loss.map((p) => p.x)).toEqual([8, 16, 20]);
    expect(v.valLoss).toEqual([
      { x: 8, y: 1.8 },
      { x: 16, y: 0.8 },
    ]);
  });
});

/** A fake engine: train/start emits a few events; pause/attach/crash are driven by the test. */
function fakeEngine() {
  const [a, b] = memoryPair();
  let ctx: CallContext | null = null;
  let snapshot: RunSnapshot | null = null;
  let step = 0;
  const started: Params<'train/start'>[] = [];
  let openGate!: () => void;
  const downloadGate = new Promise<void>((r) => (openGate = r));
  const handlers: Partial<Handlers> = {
    'train/attach': () => ({ run: snapshot }),
    'data/list': () => ({
      datasets: [
        {
          id: 'fashion-mnist',
          name: 'fashion-mnist',
          kind: 'builtin',
          available: true,
          inputShape: [1, 28, 28],
          classes: 10,
        },
      ],
    }),
    'train/start': (config, c) => {
      if (config.data.source === 'nope') throw new RpcError('E_DATA', 'no such data set "nope"');
      ctx = c;
      started.push(config);
      c.emit('train/state', { runId: 'run-1', state: config.startPaused ? 'paused' : 'running' });
      return { runId: 'run-1' };
    },
    'train/step': ({ batches }, c) => {
      step += batches;
      c.emit('train/progress', { runId: 'run-1', epoch: 0, step, stepsPerEpoch: 8, loss: 1, lr: 0.1 });
      return { runId: 'run-1', state: 'paused', epoch: 0, step };
    },
    'data/inspect': ({ source, labelColumn }) => {
      if (source.endsWith('bad.csv'))
        throw new RpcError('E_DATA_CSV', `${source}: line 3, column "b": "x" is not a number`, {
          columns: ['a', 'b'],
          labelColumn: 'b',
        });
      return {
        kind: 'csv',
        name: 't',
        classes: labelColumn === 'a' ? 4 : 2,
        inputShape: [1],
        columns: ['a', 'b'],
        labelColumn: labelColumn ?? 'b',
        sizes: { train: 8, test: 2 },
      };
    },
    'data/download': async ({ id }, c) => {
      c.emit('data/progress', { id, phase: 'download', received: 5, total: 10 });
      await downloadGate;
      if (id === 'offline') throw new RpcError('E_DATA_DOWNLOAD', 'getaddrinfo ENOTFOUND fashion-mnist.s3');
      return { id, path: `/cache/${id}` };
    },
    'train/pause': () => {
      ctx!.emit('train/state', { runId: 'run-1', state: 'paused' });
      return { runId: 'run-1', state: 'running', epoch: 0, step: 3 };
    },
  };
  serve(handlers, a, { broadcast: (e, p) => a.send({ t: 'event', event: e, payload: p }) });
  const client = createClient(b);
  return {
    client,
    emit: (...args: Parameters<CallContext['emit']>) => ctx!.emit(...args),
    setSnapshot: (s: RunSnapshot | null) => {
      snapshot = s;
    },
    started,
    openGate: () => openGate(),
    a,
  };
}

const until = (cond: () => unknown, ms = 2000) => untilCond(cond, { ms });

describe('controller', () => {
  afterEach(() => {
    resetTraining();
    useUi.setState({ engineBackend: undefined, flagged: undefined, selected: [], trainOpen: false });
  });

  it('starts a run, batches progress into few renders, pauses, flags an anomaly, and loses the run on a crash', async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    useUi.setState({ engineBackend: 'wasm' });
    useTraining
      .getState()
      .set({ form: { ...formFrom(docStore.getState().doc.training), limit: '512', epochs: '1', batchSize: '64' } });
    await startTraining();
    expect(useTraining.getState().run).toMatchObject({
      runId: 'run-1',
      state: 'running',
      config: { limit: 512, epochs: 1, batchSize: 64 },
    });

    let renders = 0;
    const un = useTraining.subscribe(() => renders++);
    for (let i = 1; i <= 5; i++)
      e.emit('train/progress', { runId: 'run-1', epoch: 0, step: i, stepsPerEpoch: 8, loss: 2 / i, lr: 0.1 });
    await until(() => useTraining.getState().run.step === 5, FLUSH_MS * 5);
    un();
    expect(renders).toBeLessThanOrEqual(2); // leading edge + one trailing flush
    expect(useTraining.getState().run.loss).toHaveLength(5);

    await pauseTraining();
    await until(() => useTraining.getState().run.state === 'paused');
    expect(useTraining.getState().intent).toBeNull();

    e.emit('train/anomaly', {
      runId: 'run-1',
      kind: 'nan',
      block: 'conv2',
      step: 6,
      message: 'the loss became NaN',
      paused: true,
    });
    await until(() => useTraining.getState().run.anomaly !== null);
    expect(useUi.getState()).toMatchObject({ flagged: 'conv2', selected: ['conv2'], trainOpen: true });

    e.emit('engine/crashed', { code: 'E_ENGINE_CRASHED', message: 'gone', exitCode: null, signal: 'SIGKILL' });
    await until(() => useTraining.getState().run.lost);
    expect(useTraining.getState().run.error?.message).toMatch(/SIGKILL.*run was lost.*document is untouched/);
  });

  it('keeps the settings a run started with in the document, undoably, without clearing the form', async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    useUi.setState({ engineBackend: 'wasm' });
    const before = docStore.getState().doc.training;
    useTraining.getState().set({
      form: { ...formFrom(before), optimizer: 'adam', lr: '0.002', momentum: '0.9', epochs: '2', limit: '512' },
    });
    await startTraining();
    expect(docStore.getState().doc.training).toEqual({
      ...before,
      optimizer: 'adam',
      lr: 0.002,
      epochs: 2,
      momentum: undefined,
    });
    expect(docStore.getState().doc.training).not.toHaveProperty('momentum'); // adam has none
    expect(useTraining.getState().form).toMatchObject({ optimizer: 'adam', lr: '0.002', limit: '512' });
    docStore.getState().undo();
    expect(docStore.getState().doc.training).toEqual(before);
  });

  it('shows a start error with its code and restores a run on attach', async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    useUi.setState({ engineBackend: 'wasm' });
    useTraining.getState().set({ form: { ...formFrom(undefined), dataset: 'nope' } });
    await startTraining();
    expect(useTraining.getState().run).toMatchObject({
      state: null,
      error: { code: 'E_DATA', message: 'no such data set "nope"' },
    });

    e.setSnapshot({
      runId: 'run-7',
      state: 'running',
      startedAt: 1,
      epoch: 0,
      step: 4,
      epochs: [],
      anomalies: [],
      done: null,
      config: { doc: {}, data: { source: 'fashion-mnist' }, epochs: 2, batchSize: 64, lr: 0.05, optimizer: 'adam' },
      lastProgress: { runId: 'run-7', epoch: 0, step: 4, stepsPerEpoch: 10, loss: 1.5, lr: 0.05 },
    });
    await syncTraining(e.client);
    expect(useTraining.getState().run).toMatchObject({
      runId: 'run-7',
      state: 'running',
      step: 4,
      loss: [{ x: 4, y: 1.5 }],
      config: { optimizer: 'adam' },
    });
    expect(useTraining.getState().datasets?.[0].available).toBe(true);
    expect(useUi.getState().trainOpen).toBe(true);

    e.setSnapshot(null); // the engine restarted under a reconnecting page
    await syncTraining(e.client);
    expect(useTraining.getState().run.lost).toBe(true);
  });

  it('Step with no run starts one held before its first batch and takes exactly that batch', async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    useUi.setState({ engineBackend: 'wasm' });
    useTraining.getState().set({ form: { ...formFrom(undefined), limit: '64', epochs: '1', schedule: 'cosine' } });
    await stepTraining();
    expect(e.started).toHaveLength(1);
    expect(e.started[0]).toMatchObject({ startPaused: true, schedule: { type: 'cosine', minLr: 0 } });
    await until(() => useTraining.getState().run.step === 1);
    expect(useTraining.getState().run.state).toBe('paused');
    await until(() => useTraining.getState().intent === null);
    await stepTraining(); // a paused run: one more batch, no second start
    await until(() => useTraining.getState().run.step === 2);
    expect(e.started).toHaveLength(1);
  });

  it("Resume: the chart begins with the saved run's curves and the resumed steps continue them, no jump, no gap", async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    useUi.setState({ engineBackend: 'wasm' });
    useTraining.getState().set({ form: { ...formFrom(undefined), limit: '64', epochs: '2' } });
    await startTraining({ startPaused: true });
    // The first run: three batches and an epoch's validation figure, held, then saved (its curves go along).
    for (const [step, loss] of [
      [1, 2.3],
      [2, 2.1],
      [3, 1.9],
    ])
      e.emit('train/progress', { runId: 'run-1', epoch: 0, step, stepsPerEpoch: 3, loss, acc: step / 10, lr: 0.1 });
    e.emit('train/epoch', { runId: 'run-1', epoch: 0, trainLoss: 2, valLoss: 1.8, valAcc: 0.3 });
    await until(() => useTraining.getState().run.loss.length === 3);
    const saved = withHeldRun(docStore.getState().doc, useTraining.getState().run);
    expect(runsOf(docStore.getState().doc)).toEqual([]); // the editor's document is not changed by a save
    expect(runsOf(saved).map((r) => [r.id, r.state, r.steps])).toEqual([['run-1', 'paused', 3]]);

    // Reopened (no run of this session), resumed from the saved position, step 3: the stored curves come back.
    resetTraining();
    bindTraining(e.client);
    const seed = resumeSeed(null, runsOf(saved), 3);
    await startTraining({ startPaused: true, resume: new Uint8Array([1]) }, seed);
    expect(e.started[1].resume).toEqual(new Uint8Array([1]));
    const run = () => useTraining.getState().run;
    expect(run().step).toBe(3);
    expect(run().loss).toEqual([
      { x: 1, y: 2.3 },
      { x: 2, y: 2.1 },
      { x: 3, y: 1.9 },
    ]);
    expect(run().valLoss).toEqual([{ x: 3, y: 1.8 }]);
    // The engine goes on at step 4: appended after the last step of the earlier run.
    e.emit('train/progress', { runId: 'run-1', epoch: 1, step: 4, stepsPerEpoch: 3, loss: 1.7, acc: 0.4, lr: 0.1 });
    await until(() => run().step === 4);
    expect(run().loss.map((p) => p.x)).toEqual([1, 2, 3, 4]);
    expect(run().acc.map((p) => p.y)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it('adds the next-Start extras a spec sets (pauseAtStep) once', async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    useUi.setState({ engineBackend: 'wasm' });
    useTraining.getState().set({ startExtras: { pauseAtStep: 12 } });
    await startTraining();
    expect(e.started[0].pauseAtStep).toBe(12);
    expect(useTraining.getState().startExtras).toBeNull();
  });

  it("asks the engine about a CSV file: the label column fills from its choice, a bad file shows the loader's line", async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    const put = (p: object) => useTraining.getState().set({ form: { ...useTraining.getState().form, ...p } });
    put({ dataKind: 'csv', dataset: '/d/t.csv', labelColumn: '' });
    await inspectSource();
    expect(useTraining.getState().form.labelColumn).toBe('b');
    expect(useTraining.getState().inspect).toMatchObject({
      key: '/d/t.csv\nb',
      pending: false,
      result: { classes: 2 },
    });
    put({ labelColumn: 'a' });
    await inspectSource();
    expect(useTraining.getState().inspect?.result?.classes).toBe(4);
    put({ dataset: '/d/bad.csv', labelColumn: '' });
    await inspectSource();
    expect(useTraining.getState().inspect?.error).toEqual({
      code: 'E_DATA_CSV',
      message: '/d/bad.csv: line 3, column "b": "x" is not a number',
    });
    // The header came with the error: the label column is filled and the others stay choosable.
    expect(useTraining.getState().form.labelColumn).toBe('b');
    expect(useTraining.getState().inspect).toMatchObject({ key: '/d/bad.csv\nb', columns: ['a', 'b'] });
  });

  it('downloads a built-in with progress, and keeps a failure with its code', async () => {
    const e = fakeEngine();
    bindTraining(e.client);
    const done = downloadDataset('mnist');
    await until(() => useTraining.getState().download?.received === 5);
    expect(useTraining.getState().download).toMatchObject({ id: 'mnist', total: 10, done: false });
    e.openGate();
    await done;
    expect(useTraining.getState().download).toMatchObject({ id: 'mnist', done: true });
    expect(useTraining.getState().datasets).not.toBeNull(); // the list was asked again
    await downloadDataset('offline');
    expect(useTraining.getState().download?.error).toEqual({
      code: 'E_DATA_DOWNLOAD',
      message: 'getaddrinfo ENOTFOUND fashion-mnist.s3',
    });
  });
});
