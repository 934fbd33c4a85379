// The real engine behind the contract: sessions (document + data → model), the trainer and its controls,
// data listing, predictions and checkpoints. Trainer events are translated once into protocol events here.
import { listDatasets, BUILTINS, ensureBuiltin, isBuiltinName, createFiller, getPart, type BuiltinName } from '../data';
import {
  RpcError,
  workersBackendConflict,
  type CallContext,
  type EventName,
  type EventPayload,
  type HandlerParams,
  type RunState,
} from '../protocol';
import { activeBackend, backendNames, initEngineBackend, predictBatch } from '../runtime';
import {
  openSession,
  Trainer,
  SessionError,
  withWeights,
  type Session,
  type TrainConfig,
  type TrainEvent,
} from '../train';
import type { EngineApi, Emit } from './engine-host';
import * as projects from './project-api';
import { createDebugApi } from './debug-api';
import { exportApi } from './export-api';
import { trainingBackend } from '../runtime/backends/torch';
import { TorchTrainer } from './torch-run';
import { automaticBackend, workersBackend } from './backend-choice';

interface Run {
  id: string;
  trainer: Trainer;
  session: Session;
  emit: Emit;
  finished: Promise<unknown>;
  /** Its run history so far (a resumed project's earlier runs first), saved with the project. */
  runs: () => projects.RunRecord[];
}

const toRunState = (s: TrainEvent & { event: 'state' }): RunState => (s.state === 'idle' ? 'starting' : s.state);

/**
 * The protocol carries measurements, and NaN or ±Infinity is no measurement (its schema refuses them):
 * a figure that is not finite (a diverged model's loss) is left out rather than sent.
 */
function measured<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v !== 'number' || Number.isFinite(v))) as T;
}

/** What a run's state events carry once its start said it: its backend and why. */
interface RunFacts {
  backend?: { name: string; reason: string };
  /** The last state sent (a workers verdict is sent as a state event that changes nothing else). */
  state?: RunState;
}

/** Maps a trainer event to the protocol's event (one place, so the two vocabularies never drift). */
function forward(runId: string, e: TrainEvent, emit: Emit, facts: RunFacts = {}): void {
  const send = <E extends EventName>(name: E, payload: EventPayload<E>) => emit(name, measured(payload));
  switch (e.event) {
    case 'progress':
      return send('train/progress', {
        runId,
        epoch: e.epoch,
        step: e.step,
        stepsPerEpoch: e.batches,
        loss: e.loss,
        acc: e.accuracy,
        lr: e.lr,
        samplesPerSec: e.imagesPerSecond,
      });
    case 'epoch':
      if (!Number.isFinite(e.trainLoss))
        return send('engine/log', {
          level: 'warn',
          message: `epoch ${e.epoch + 1}: every batch had a non-finite loss and was skipped; no training loss to report`,
        });
      return send('train/epoch', {
        runId,
        epoch: e.epoch,
        trainLoss: e.trainLoss,
        trainAcc: e.trainAccuracy,
        valLoss: e.valLoss,
        valAcc: e.valAccuracy,
        valSource: e.valSource,
        durationMs: e.seconds * 1000,
      });
    case 'state':
      facts.state = toRunState(e);
      return send('train/state', { runId, state: facts.state, reason: e.reason, backend: facts.backend });
    case 'workers':
      return send('train/state', {
        runId,
        state: facts.state ?? 'running',
        backend: facts.backend,
        workers: { count: e.count, reason: e.reason },
      });
    case 'anomaly':
      return send('train/anomaly', {
        runId,
        kind: e.kind,
        block: e.block ?? undefined,
        step: e.step,
        message: e.message,
        paused: true,
      });
    case 'done':
      return send('train/done', {
        runId,
        state: e.stopped || e.earlyStopped ? 'stopped' : 'done',
        epochs: e.epochs,
        final: measured({
          acc: e.trainAccuracy,
          // val* only when a validation split measured them; test figures are always called test*.
          ...(e.valSource === 'validation' ? { valLoss: e.valLoss, valAcc: e.valAccuracy } : {}),
          testLoss: e.testLoss,
          testAcc: e.testAccuracy,
        }),
      });
    case 'start':
      facts.backend = { name: e.backend, reason: e.backendReason };
      return send('engine/log', {
        level: 'info',
        message: `training ${e.network} on ${e.samples} samples with ${e.backend} (${e.backendReason})`,
      });
  }
}

export function createEngineApi(): EngineApi {
  let run: Run | null = null;
  let runs = 0;
  const status = (r: Run) => ({
    runId: r.id,
    state: (r.trainer.state === 'idle' ? 'starting' : r.trainer.state) as RunState,
    epoch: r.trainer.position.epoch,
    step: r.trainer.position.step,
  });
  const current = (runId?: string): Run => {
    if (!run || (runId && runId !== run.id))
      throw new RpcError('E_NO_RUN', runId ? `no run ${runId}` : 'no training run');
    return run;
  };

  const debug = createDebugApi(current);

  /** Held again (paused or ended): control calls answer where the run really is, not where it was heading. */
  const held = async (r: Run) => {
    await r.trainer.whenHeld();
    return status(r);
  };

  return {
    // The backend a run uses (or, before any, the automatic choice); the registry selects it once.
    backend: async () => ((await activeBackend()) ?? (await initEngineBackend())).name,
    // The figures and the choice as known now: engine/info never waits for the speed probe.
    backends: async () =>
      (await automaticBackend({ measure: false })).backends.map(({ reason, ...b }) => ({ ...b, note: reason })),
    backendChoice: async () => {
      const { name, reason } = await automaticBackend({ measure: false });
      return { name, reason };
    },

    'data/list': async () => {
      const found = await listDatasets();
      return {
        datasets: found.map((d) => ({
          id: d.name,
          name: d.name,
          kind: 'builtin' as const,
          available: d.present,
          location: d.dir ?? undefined,
          inputShape: d.inputShape,
          classes: d.classes.length,
          classNames: d.classes,
        })),
      };
    },
    'data/download': async ({ id }, ctx) => {
      if (!isBuiltinName(id))
        throw new RpcError('E_BAD_PARAMS', `unknown data set "${id}" (built-ins: ${Object.keys(BUILTINS).join(', ')})`);
      const located = await ensureBuiltin(id as BuiltinName, {
        signal: ctx.signal,
        onProgress: (p) =>
          ctx.emit('data/progress', { id, phase: 'download', received: p.bytesDone, total: p.bytesTotal }),
      });
      ctx.emit('data/progress', { id, phase: 'done', received: 0, total: null });
      return { id, path: located.dir };
    },

    'data/inspect': async (p) => (await import('./data-inspect')).inspectData(p),
    'train/start': async (config: HandlerParams<'train/start'>, ctx: CallContext) => {
      if (config.backend !== undefined && !backendNames().includes(config.backend)) {
        throw new RpcError('E_BAD_PARAMS', `unknown backend "${config.backend}" (known: ${backendNames().join(', ')})`);
      }
      // Before anything starts (or the last run is freed): the CLI refuses the same pair with the same words.
      const conflict = workersBackendConflict(config.workers, config.backend);
      if (conflict) throw new RpcError('E_BAD_PARAMS', conflict);
      // The last run's model stays for predictions and checkpoints until the next run starts: free it now.
      if (run) {
        const last = run;
        run = null;
        last.trainer.stop();
        await last.finished;
        last.trainer.dispose();
        last.session.model.dispose();
      }
      let session: Session;
      let torch: Awaited<ReturnType<typeof trainingBackend>>['torch'];
      let auto: { name: string; reason: string } | null = null;
      try {
        // Without a backend: wasm when workers are asked for (only wasm has them), else the automatic choice (a
        // GPU, else the fastest CPU backend in the speed probe).
        if (!config.backend) auto = workersBackend(config.workers) ?? (await automaticBackend());
        const name = config.backend ?? auto!.name;
        torch = name === 'torch' ? (await trainingBackend('torch')).torch : null; // the session stays on tfjs
        // openSession selects the backend (once: the same request reuses the running one).
        session = await openSession({
          doc: config.doc,
          data: config.data.source,
          limit: config.data.limit,
          validationSplit: config.data.validationSplit,
          labelColumn: config.data.labelColumn,
          backend: torch ? undefined : name,
          seed: config.seed,
        });
      } catch (e) {
        throw new RpcError(
          e instanceof SessionError ? e.code : ((e as { code?: string }).code ?? 'E_TRAIN_SETUP'),
          (e as Error).message,
        );
      }
      const settings: TrainConfig = {
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        optimizer: {
          type: config.optimizer,
          lr: config.lr,
          momentum: config.momentum,
          weightDecay: config.weightDecay,
        },
        schedule: config.schedule,
        earlyStopping: config.earlyStop,
        startPaused: config.startPaused,
        pauseAtStep: config.pauseAtStep,
        workers: config.workers,
      };
      // The run says which backend and why: the automatic choice's reason, or the requested one's.
      const why = (reason: string) => (auto ? `automatic, ${auto.reason}` : reason);
      const trainer = torch
        ? new TorchTrainer(session, settings, { ...torch, reason: why(`requested: ${torch.reason}`) })
        : new Trainer(session.model, session.data, settings, {
            name: session.backend.name,
            reason: why(session.backend.reason),
          });
      const id = `run-${Date.now().toString(36)}-${++runs}`;
      let history: projects.RunRecord[] = [];
      if (config.resume) {
        try {
          const dropped = await projects.resumeInto(trainer, session.doc, config.resume);
          history = (projects.readBase(config.resume).runs ?? []) as projects.RunRecord[];
          if (dropped.length)
            ctx.emit('engine/log', {
              level: 'warn',
              message: `resuming without the weights that no longer fit: ${dropped.join('; ')}`,
            });
        } catch (e) {
          trainer.dispose();
          session.model.dispose();
          throw e;
        }
      }
      const record = projects.recordRun(trainer, history);
      const facts: RunFacts = {};
      trainer.on((e) => forward(id, e, ctx.emit, facts));
      debug.attach({ id, trainer, session, emit: ctx.emit });
      const finished = trainer.run().catch((err: Error) => {
        ctx.emit('train/done', {
          runId: id,
          state: 'failed',
          epochs: trainer.position.epoch,
          error: { code: 'E_TRAIN_FAILED', message: err.message },
        });
      });
      run = { id, trainer, session, emit: ctx.emit, finished, runs: record.runs };
      return { runId: id };
    },
    'train/pause': ({ runId }) => {
      const r = current(runId);
      r.trainer.pause();
      return held(r);
    },
    'train/resume': ({ runId }) => {
      const r = current(runId);
      r.trainer.resume();
      return status(r);
    },
    'train/step': ({ runId, batches }) => {
      const r = current(runId);
      r.trainer.step(batches);
      return held(r); // after exactly `batches` batches (fewer only when the run ends first)
    },
    'train/stop': async ({ runId }) => {
      const r = current(runId);
      r.trainer.stop();
      await r.finished;
      return status(r);
    },
    'train/setLr': ({ runId, lr }) => {
      const r = current(runId);
      r.trainer.setLr(lr);
      return status(r);
    },

    'predict/run': async ({ runId, input }) => {
      const r = current(runId);
      if (!('indices' in input)) {
        const n = input.shape[0];
        const { logits, classes } = await predictBatch(r.session.model, input.images, n);
        return softmaxResult(logits, n, classes);
      }
      const split = getPart(r.session.data, input.split);
      const filler = createFiller(split, r.session.data.inputShape, r.session.data.normalize);
      const n = input.indices.length;
      const x = new Float32Array(n * filler.sampleSize),
        labels = new Int32Array(n);
      for (const i of input.indices)
        if (i >= split.n) throw new RpcError('E_BAD_PARAMS', `sample ${i} is outside 0..${split.n - 1}`);
      filler.fill(input.indices, 0, n, x, labels);
      const { logits, classes } = await predictBatch(r.session.model, x, n);
      return { ...softmaxResult(logits, n, classes), labels };
    },
    'checkpoint/save': async ({ runId }) => {
      const r = current(runId);
      const doc = withWeights(r.session.doc, await r.session.model.params.toGluon());
      const { epoch, step } = r.trainer.position;
      return { epoch, step, bytes: new TextEncoder().encode(JSON.stringify(doc)) };
    },
    'project/open': ({ bytes }) => projects.openProject(bytes),
    'project/save': async ({ doc, runId, base }) => {
      const r = runId ? current(runId) : null;
      const source = r
        ? projects.projectOf(r.session.doc, await r.trainer.checkpoint(), r.runs())
        : base
          ? projects.readBase(base)
          : null;
      return projects.saveProject(doc, source);
    },
    'export/check': ({ doc, format }) => projects.exportProblems(doc, format),
    ...exportApi(current),
    ...debug.handlers,
    dispose: async () => {
      if (run) {
        run.trainer.stop();
        await run.finished;
        run.trainer.dispose();
        run.session.model.dispose();
        run = null;
      }
    },
  };
}

function softmaxResult(logits: Float32Array, n: number, classes: number) {
  const probs = new Float32Array(logits.length),
    predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    const max = Math.max(...row);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += probs[i * classes + k] = Math.exp(row[k] - max);
    let best = 0;
    for (let k = 0; k < classes; k++) {
      probs[i * classes + k] /= sum;
      if (row[k] > row[best]) best = k;
    }
    predicted[i] = best;
  }
  return { probs, shape: [n, classes] as [number, number], predicted };
}
