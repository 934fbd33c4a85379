// The debug views' link against a fake engine served over an in-memory transport: the Inside subscription
// follows watch() (subscribe, snapshot on demand, unsubscribe), coded errors reach the view, anomalies become
// warnings, evaluation and its images, and an ended run is kept in the document.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  DEBUG_LIMITS,
  memoryPair,
  RpcError,
  serve,
  type CallContext,
  type Handlers,
  type Params,
  type SnapshotPayload,
} from '../../../../engine/protocol';
import { until as untilCond } from '../../../../engine/protocol/testing/until';
import { useProject } from '../../app/project';
import { docStore, useUi } from '../../app/store';
import { isDirty, toDoc } from '../../doc/history';
import { loadTemplate } from '../../../../templates';
import { bindTraining, resetTraining, useTraining } from '../training/controller';
import { emptyRun } from '../training/run-state';
import { bindDebug, evaluate, loadImages, resetDebug, watch, watchHealth } from './link';
import { runsOf } from './runs';
import { useDebug } from './store';

const until = (cond: () => unknown, what: string) => untilCond(cond, { ms: 5000, what });

function payload(subscriptionId: string, step: number, indices = [0, 1]): SnapshotPayload {
  const n = indices.length;
  const data = new Float32Array(n * 20 * 4).map((_, i) => i * step);
  const ch = () => new Float32Array(20);
  return {
    runId: 'run-1',
    subscriptionId,
    step,
    probe: {
      split: 'test',
      indices: Int32Array.from(indices),
      labels: new Int32Array(n),
      input: new Float32Array(n * 4).map((_, i) => i),
      shape: [n, 1, 2, 2],
    },
    blocks: [
      {
        path: 'conv1',
        shape: [n, 20, 2, 2],
        data,
        dataShape: [n, 20, 2, 2],
        stride: 1,
        stats: { mean: 0, std: 1, min: 0, max: 1, zeros: 0, norm: 1 },
        channels: { mean: ch(), std: ch(), min: ch(), max: ch(), zeros: ch() },
      },
    ],
    params: [],
  };
}

function fakeEngine() {
  const [a, b] = memoryPair();
  const subs = new Map<string, Params<'debug/subscribe'>>();
  const calls: string[] = [];
  let seq = 0;
  let step = 3;
  let ctx: CallContext | null = null;
  let noRun = false;
  let refuse: RpcError | null = null;
  const handlers: Partial<Handlers> = {
    'debug/subscribe': (p, c) => {
      ctx = c;
      if (noRun) throw new RpcError('E_NO_RUN', 'There is no training run.');
      if (refuse) throw refuse;
      calls.push(`subscribe ${p.blocks.join(',') || p.kinds.join(',')}`);
      const bad = p.blocks.find((x) => x !== 'conv1');
      if (bad) throw new RpcError('E_UNKNOWN_BLOCK', `no block "${bad}"`, { path: bad });
      if (subs.size >= DEBUG_LIMITS.subscriptions) throw new RpcError('E_DEBUG_LIMIT', 'too many', { limit: 8 });
      const id = `s${++seq}`;
      subs.set(id, p);
      return { subscriptionId: id, blocks: p.blocks.map((path) => ({ path, shape: [20, 2, 2] })) };
    },
    'debug/unsubscribe': ({ subscriptionId }) => {
      calls.push(`unsubscribe ${subscriptionId}`);
      subs.delete(subscriptionId);
      return {};
    },
    'debug/snapshot': ({ subscriptionId }) => {
      const p = subs.get(subscriptionId);
      if (!p) throw new RpcError('E_BAD_PARAMS', 'no such subscription');
      return payload(subscriptionId, step, p.probe?.indices ?? [0, 1]);
    },
    'evaluate/run': ({ limit }) => {
      if (limit === 1) throw new RpcError('E_NOT_TRAINED', 'the project has no trained weights');
      return {
        split: 'test',
        samples: 4,
        accuracy: 0.5,
        classes: ['a', 'b'],
        precision: new Float32Array([0.5, 0.5]),
        recall: new Float32Array([0.5, 0.5]),
        support: new Int32Array([2, 2]),
        confusion: new Int32Array([1, 1, 1, 1]),
        misclassified: {
          indices: new Int32Array([5, 6]),
          labels: new Int32Array([0, 1]),
          top: new Int32Array([1, 0, -1, 0, 1, -1]),
          probs: new Float32Array([0.6, 0.4, 0, 0.7, 0.3, 0]),
          total: 2,
        },
      };
    },
  };
  serve(handlers, a, { broadcast: (e, p) => a.send({ t: 'event', event: e, payload: p }) });
  const client = createClient(b);
  bindTraining(client);
  bindDebug(client);
  return {
    client,
    subs,
    calls,
    setStep: (s: number) => (step = s),
    setNoRun: (v: boolean) => (noRun = v),
    refuseWith: (e: RpcError | null) => (refuse = e),
    emit: (...args: Parameters<CallContext['emit']>) => ctx!.emit(...args),
  };
}

afterEach(() => {
  resetDebug();
  resetTraining();
  useUi.setState({ warnings: [] });
  docStore.getState().reset(toDoc(loadTemplate('lenet')));
});

describe('debug link', () => {
  it('subscribes to the watched block, takes a snapshot when no run streams, and unsubscribes on deselect', async () => {
    const e = fakeEngine();
    await watch('conv1');
    expect([...e.subs.values()][0]).toMatchObject({ blocks: ['conv1'], kinds: ['activation', 'weight', 'gradient'] });
    // Every probe sample of conv1's 20×24×24 output fits.
    expect([...e.subs.values()][0].maxValues).toBe(20 * 24 * 24 * 8);
    await until(() => useDebug.getState().inside.blocks.conv1, 'the first snapshot');
    expect(useDebug.getState().inside.step).toBe(3);
    await watch('conv1'); // the same block again: nothing new
    expect(e.calls.filter((c) => c.startsWith('subscribe'))).toHaveLength(1);
    await watch(null);
    expect(e.subs.size).toBe(0);
    expect(useDebug.getState().inside.blocks).toEqual({});
  });

  it('subscribes once a run exists when the engine had none (E_NO_RUN is no error to show)', async () => {
    const e = fakeEngine();
    e.setNoRun(true);
    await watch('conv1');
    await watchHealth(true);
    expect(useDebug.getState().insideError).toBeNull();
    expect(e.subs.size).toBe(0);
    e.setNoRun(false);
    useTraining.setState({ run: { ...emptyRun(), runId: 'run-1', state: 'paused', step: 3 } });
    await until(() => e.subs.size === 2, 'the Inside and health subscriptions');
    await until(() => useDebug.getState().inside.blocks.conv1, 'a snapshot of the paused run');
    expect(useDebug.getState().healthSub).not.toBeNull();
  });

  it('shows the engine’s coded error for a block it does not know', async () => {
    fakeEngine();
    await watch('nope/dense9');
    expect(useDebug.getState().insideError).toMatchObject({ code: 'E_UNKNOWN_BLOCK' });
    expect(useDebug.getState().insideError!.message).toMatch(/nope\/dense9/);
  });

  it('says in both views why a run cannot be watched (a torch run), and clears it when one can', async () => {
    const e = fakeEngine();
    e.refuseWith(new RpcError('E_NOT_IMPLEMENTED', 'this run trains on the torch backend: train on wasm'));
    await watch('conv1');
    await watchHealth(true);
    expect(useDebug.getState().insideError).toMatchObject({ code: 'E_NOT_IMPLEMENTED' });
    expect(useDebug.getState().healthError!.message).toMatch(/torch/);
    e.refuseWith(null);
    await watchHealth(true, true);
    expect(useDebug.getState().healthError).toBeNull();
    expect(useDebug.getState().healthSub).not.toBeNull();
  });

  it('takes a new snapshot when a paused run steps', async () => {
    const e = fakeEngine();
    useTraining.setState({ run: { ...emptyRun(), runId: 'run-1', state: 'paused', step: 3 } });
    await watch('conv1');
    await until(() => useDebug.getState().inside.step === 3, 'step 3');
    e.setStep(7);
    useTraining.setState({ run: { ...useTraining.getState().run, step: 7 } });
    await until(() => useDebug.getState().inside.step === 7, 'the snapshot after the step');
  });

  it('turns health anomalies into warnings, replaced when a new run starts', async () => {
    const e = fakeEngine();
    await watchHealth(true);
    e.emit('train/anomaly', {
      runId: 'run-1',
      kind: 'vanishing',
      block: 'dense0',
      step: 4,
      message: 'gradient norm 1e-9',
      paused: false,
    });
    await until(() => useUi.getState().warnings.length === 1, 'a warning');
    expect(useUi.getState().warnings[0]).toMatchObject({ path: 'dense0', kind: 'vanishing', step: 4 });
    e.emit('train/anomaly', { runId: 'run-2', kind: 'dead', block: 'dense1', step: 1, message: 'dead', paused: false });
    await until(() => useUi.getState().warnings[0]?.kind === 'dead', 'the new run’s warning');
    expect(useUi.getState().warnings).toHaveLength(1);
  });

  it('evaluates, fetches images of misclassified samples, and shows E_NOT_TRAINED', async () => {
    const e = fakeEngine();
    await evaluate();
    expect(useDebug.getState().evaluation!.accuracy).toBe(0.5);
    await loadImages([5, 6]);
    expect(Object.keys(useDebug.getState().images)).toEqual(['5', '6']);
    expect(useDebug.getState().images[6].shape).toEqual([1, 2, 2]);
    expect(e.subs.size).toBe(0); // the probe subscription for the pixels ended
    await evaluate(1);
    expect(useDebug.getState().evalError).toMatchObject({ code: 'E_NOT_TRAINED' });
  });

  it('keeps an ended run in the document, once', async () => {
    fakeEngine();
    const run = { ...emptyRun(), runId: 'run-1', state: 'running' as const, step: 5, loss: [{ x: 5, y: 1 }] };
    useTraining.setState({ run });
    useTraining.setState({
      run: { ...run, state: 'done', done: { runId: 'run-1', state: 'done', epochs: 1, final: { testAcc: 0.7 } } },
    });
    expect(runsOf(docStore.getState().doc).map((r) => [r.id, r.final.testAcc])).toEqual([['run-1', 0.7]]);
    useTraining.setState({ run: { ...useTraining.getState().run, done: null } });
    useTraining.setState({
      run: { ...useTraining.getState().run, done: { runId: 'run-1', state: 'done', epochs: 1 } },
    });
    expect(runsOf(docStore.getState().doc)).toHaveLength(1);
  });

  it('does not record the end of a run of the document open before this one (Stop, then Open at once)', async () => {
    fakeEngine();
    const run = { ...emptyRun(), runId: 'run-9', state: 'stopping' as const, step: 5, loss: [{ x: 5, y: 1 }] };
    useTraining.setState({ run });
    useProject.setState({ foreignRun: 'run-9' }); // another document was opened meanwhile
    useTraining.setState({ run: { ...run, state: 'stopped', done: { runId: 'run-9', state: 'stopped', epochs: 0 } } });
    expect(runsOf(docStore.getState().doc)).toEqual([]);
    expect(isDirty(docStore.getState())).toBe(false);
    useProject.setState({ foreignRun: null });
  });
});
