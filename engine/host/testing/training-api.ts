// A fake engine API for host and server tests: "trains" by emitting progress on a timer, obeys
// pause/resume/step/stop/setLr and the deterministic holds (startPaused, pauseAtStep), and can crash its
// process on request. Not an engine: it never touches tfjs.
import type { EngineApi } from '../engine-host';
import type { EventName, EventPayload, RunState, TrainConfig } from '../../protocol';
import { RpcError } from '../../protocol';

const STEPS_PER_EPOCH = 10;

export function createEngineApi(opts: { stepMs?: number } = {}): EngineApi {
  const stepMs = opts.stepMs ?? 5;
  let seq = 0;
  let run: {
    runId: string;
    state: RunState;
    epoch: number;
    step: number;
    lr: number;
    config: TrainConfig;
    timer: ReturnType<typeof setInterval> | null;
    emit: Emit;
  } | null = null;
  type Emit = <E extends EventName>(e: E, p: EventPayload<E>) => void;

  const status = () => ({ runId: run!.runId, state: run!.state, epoch: run!.epoch, step: run!.step });
  const setState = (state: RunState) => {
    run!.state = state;
    run!.emit('train/state', { runId: run!.runId, state });
  };
  const tick = () => {
    const r = run!;
    if (r.state !== 'running' && r.state !== 'paused') return;
    r.step++;
    r.emit('train/progress', {
      runId: r.runId,
      epoch: r.epoch,
      step: r.step,
      stepsPerEpoch: STEPS_PER_EPOCH,
      loss: 2 / r.step,
      lr: r.lr,
    });
    if (r.step % STEPS_PER_EPOCH === 0) {
      r.emit('train/epoch', { runId: r.runId, epoch: r.epoch, trainLoss: 2 / r.step });
      r.epoch++;
      if (r.epoch >= r.config.epochs) return finish('done');
    }
    if (r.step === r.config.pauseAtStep) hold();
  };
  const hold = () => {
    halt();
    if (run!.state !== 'paused') setState('paused');
  };
  const halt = () => {
    if (run?.timer) clearInterval(run.timer);
    if (run) run.timer = null;
  };
  const finish = (state: 'done' | 'stopped') => {
    halt();
    setState(state);
    run!.emit('train/done', { runId: run!.runId, state, epochs: run!.epoch });
  };
  const need = (runId?: string) => {
    if (!run || (runId && runId !== run.runId)) throw new RpcError('E_NO_RUN');
    return run;
  };

  return {
    backend: () => 'fake-cpu',
    'train/start': (config, ctx) => {
      const doc = config.doc as { crash?: boolean };
      // Lets a test kill the engine process from inside a call.
      if (doc.crash) setTimeout(() => process.exit(3), 5);
      run = {
        runId: `run-${++seq}`,
        state: 'running',
        epoch: 0,
        step: 0,
        lr: config.lr,
        config,
        timer: null,
        emit: ctx.emit,
      };
      if (config.startPaused || config.pauseAtStep === 0) setState('paused');
      else {
        run.timer = setInterval(tick, stepMs);
        setState('running');
      }
      return { runId: run.runId };
    },
    'train/pause': ({ runId }) => {
      need(runId);
      halt();
      setState('paused');
      return status();
    },
    'train/resume': ({ runId }) => {
      const r = need(runId);
      if (!r.timer) r.timer = setInterval(tick, stepMs);
      setState('running');
      return status();
    },
    'train/step': ({ runId, batches }) => {
      const r = need(runId);
      halt();
      for (let i = 0; i < batches && r.state !== 'done'; i++) tick();
      if (r.state === 'running') setState('paused');
      return status();
    },
    'train/stop': ({ runId }) => {
      const r = need(runId);
      if (r.state !== 'done' && r.state !== 'stopped') finish('stopped');
      return status();
    },
    'train/setLr': ({ runId, lr }) => {
      need(runId).lr = lr;
      return status();
    },
    // Hangs until cancelled: lets a test have a call in flight when the process is killed. The progress
    // event it sends first tells the test that the call has reached the engine.
    'data/download': ({ id }, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(new RpcError('E_CANCELLED', `download ${id} cancelled`)));
        ctx.emit('data/progress', { id, phase: 'download', received: 0, total: null });
      }),
    dispose: () => halt(),
  };
}
