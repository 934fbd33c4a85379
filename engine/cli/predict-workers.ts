// `--workers N|auto` of predict and evaluate (issue 14): the batches run over runtime's DataParallel, whose
// predictBatch has runtime predictBatch's contract (each worker predicts its rows with a replica of the engine's
// model), so the commands keep one loop and only swap the function. W workers give the same outputs as one (to
// 1e-5; tested in predict-workers.test.ts).
// 'auto' cannot measure 1 against W as training does without paying the workers' start first (seconds of CPU: each
// worker loads its own wasm backend, and from sources compiles the engine), which dwarfs predicting LeNet's 10 000
// test images. So the engine's thread predicts the first batch and times it; only when the rest would take it more
// than AUTO_MIN_MS do the workers start, in the background while it goes on, and take over the batches once ready.
// The stderr line says what was chosen and why.
import type { DataParallel, predictBatch } from '../runtime';
import type { Session } from '../train';
import { CliError } from './args';
import { checkBackend, checkWorkersBackend, flagLine, workerCount, workersFlag } from './options';

/** 'auto' starts workers only for more one-thread work than this: below it their start costs more than they save. */
export const AUTO_MIN_MS = 10_000;

/** predict's and evaluate's `--workers` (train's definition; what 'auto' does here). */
export const INFERENCE_WORKERS = workersFlag(
  `the physical cores when the engine's first batch says the rest takes one thread over ${AUTO_MIN_MS / 1000} s: they start while it goes on, and take over once ready`,
  '1',
);

/** The commands' `--help`: their usage line, then the flags that need more than it says. */
export const inferenceHelp = (usage: string) => `${usage}\n\n${flagLine('workers', INFERENCE_WORKERS)}\n`;

/**
 * The backend predict and evaluate open: the one named (checked against the registry and the workers), else wasm
 * when workers are asked for (said on stderr, with why), else the registry's default; and how many workers will
 * hold a replica (for the memory check). Loads the runtime: call it once the command line is valid.
 */
export async function inferenceBackend(
  named: string | undefined,
  workers: number | 'auto' | undefined,
): Promise<{ backend: string | undefined; replicas: number }> {
  checkBackend(named, (await import('../runtime')).backendNames());
  checkWorkersBackend(workers, named);
  const forWorkers = named === undefined ? (await import('../host/backend-choice')).workersBackend(workers) : null;
  if (forWorkers) process.stderr.write(`backend: ${forWorkers.name} (${forWorkers.reason})\n`);
  const backend = named ?? forWorkers?.name;
  return { backend, replicas: await workerCount(workers, backend) };
}

type Predict = typeof predictBatch;

export interface InferenceWorkers {
  /** runtime predictBatch's contract, over the workers when they run. */
  predict: Predict;
  /** For stderr once the batches are done: who predicted how many samples; null with one worker as asked. */
  summary(): string | null;
  /** 'auto' only, once it started workers: resolves when they have started (or failed to). Tests wait on it. */
  started?: Promise<void>;
  /** Stops the workers (ones still starting are stopped once started; the command's exit ends them anyway). */
  close(): Promise<void>;
}

/** A worker that died mid-run fails the command with its message, coded, not as an internal error. */
const workerFailure = (e: unknown) => new CliError((e as Error).message.split('\n')[0], 'E_WORKER_FAILED', 1);

export async function inferenceWorkers(
  session: Session,
  requested: number | 'auto' | undefined,
  samples: number,
  /** Tests: the one-thread work above which 'auto' starts workers (default AUTO_MIN_MS). */
  opts: { autoMinMs?: number } = {},
): Promise<InferenceWorkers> {
  const minMs = opts.autoMinMs ?? AUTO_MIN_MS;
  // Loaded here, not at the top: the commands import this file before their flags are known to be valid.
  const runtime = await import('../runtime');
  const { autoWorkers } = await import('../train/workers-choice');
  const one = (why: string | null): InferenceWorkers => ({
    predict: runtime.predictBatch,
    summary: () => why,
    close: async () => {},
  });
  if (requested === undefined || requested === 1) return one(null);
  const auto = requested === 'auto';
  const backend = session.backend.name;
  if (backend !== 'wasm') {
    if (auto) return one(`workers: 1 (auto: workers need the wasm backend; this run uses ${backend})`);
    checkWorkersBackend(requested, backend);
  }
  let resolved: { workers: number; note?: string };
  try {
    resolved = runtime.resolveWorkers(auto ? autoWorkers() : requested);
  } catch (e) {
    throw new CliError(`--workers ${(e as Error).message.replace(/^workers /, '')}`);
  }
  const { workers, note } = resolved;
  const noted = note ? `; ${note}` : '';
  if (workers < 2) return one(`workers: 1 (${auto ? 'auto: one physical core here' : note})`);
  // The workers replicate the model only; DataParallel also carries an optimizer, which inference never steps.
  const opt = new runtime.Optimizer({ type: 'sgd', lr: 0 });
  const start = () => runtime.DataParallel.start(session.model, opt, { workers });

  if (!auto) {
    const dp = await start().catch((e) => {
      throw workerFailure(e);
    });
    return {
      predict: (model, x, n) => dp.predictBatch(model, x, n).catch((e) => Promise.reject(workerFailure(e))),
      summary: () => `workers: ${workers} data-parallel workers${noted}`,
      close: () => dp.close(),
    };
  }

  let dp: DataParallel | null = null;
  let starting = false;
  let failed: string | null = null;
  let closed = false;
  let estimateMs = 0;
  const counted = { engine: 0, workers: 0 };
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const pool: InferenceWorkers = {
    predict: async (model, x, n) => {
      if (dp) {
        counted.workers += n;
        return dp.predictBatch(model, x, n).catch((e) => Promise.reject(workerFailure(e)));
      }
      const t0 = performance.now();
      const r = await runtime.predictBatch(model, x, n);
      const first = counted.engine === 0;
      counted.engine += n;
      if (first) {
        estimateMs = ((performance.now() - t0) / n) * (samples - n);
        if (estimateMs > minMs) {
          starting = true;
          pool.started = start().then(
            (started) => {
              if (closed) return void started.close();
              dp = started;
            },
            (e: Error) => void (failed = e.message.split('\n')[0]),
          );
        }
      }
      // tfjs resolves data() without a macrotask: without this the workers' "ready" would wait for the last batch.
      if (starting) await new Promise<void>((r2) => setImmediate(r2));
      return r;
    },
    summary: () =>
      !starting
        ? `workers: 1 (auto: the first batch says about ${seconds(estimateMs)} of one thread for the rest, below the ${seconds(minMs)} that pays for starting ${workers} workers)`
        : failed
          ? `workers: 1 (auto: ${workers} workers did not start: ${failed})`
          : counted.workers === 0
            ? `workers: 1 (auto: the engine's thread predicted all ${counted.engine} samples before ${workers} workers had started)`
            : `workers: auto: ${workers} data-parallel workers predicted ${counted.workers} of ${counted.engine + counted.workers} samples (the engine's thread the first ${counted.engine}, while they started)${noted}`,
    close: async () => {
      closed = true;
      await dp?.close();
    },
  };
  return pool;
}
