// Data-parallel training over worker_threads: W workers each hold a replica of the engine's model on a
// single-threaded wasm backend and compute the gradients of their share of every batch; they meet at Atomics
// barriers, each reduces its chunk of the update (reduce-scatter), and every replica, the engine's own model
// included, applies the same reduced update (replica.ts). So the engine's thread computes no gradients (its wasm
// backend may keep its own threads: they idle while the workers run), replicas stay bit-identical, and the engine's
// model is always the trained one: checkpoints, NaN diagnosis and the debugging streams read it as with one worker.
import { tf } from '../backends/tf';
import { batchFloats, type BatchInput } from '../input';
import type { StepProbe } from '../inspect';
import type { Model } from '../model';
import type { Optimizer } from '../optim';
import { evalBatch, predictBatch, type StepResult } from '../step';
import { ABORT, CONTROL_CELLS, PHASES, PROGRESS, REDUCED, type Fault, type Phase } from './messages';
import { portable } from './transfer';
import { applyReduced, batchResult, layoutOf, rawWeights, slotBytes, slotViews, type Slot } from './replica';
import { WorkerLink, workerEntry } from './link';
import { availableCores } from './cores';

export const MAX_WORKERS = 8;

/**
 * NETLOOM_TEST_WORKER_FAULT=N (worker 1 throws at step N), hang:N, or start (worker 1 fails to start): how the
 * Trainer's and engine's tests inject.
 */
const envFault = (): Fault | undefined => {
  if (process.env.NETLOOM_TEST_WORKER_FAULT === 'start') return { kind: 'start', atStep: 0 };
  const m = /^(?:(throw|hang):)?(\d+)$/.exec(process.env.NETLOOM_TEST_WORKER_FAULT ?? '');
  return m && Number(m[2]) > 0 ? { kind: (m[1] ?? 'throw') as Fault['kind'], atStep: Number(m[2]) } : undefined;
};

/**
 * Checks a requested worker count: a whole number 1…8 (else an error), clamped to the cores with a note,
 * because more workers than cores only adds contention.
 */
export function resolveWorkers(requested: number, cores = availableCores()): { workers: number; note?: string } {
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_WORKERS)
    throw new Error(`workers must be a whole number from 1 to ${MAX_WORKERS}, got ${requested}`);
  if (requested <= cores) return { workers: requested };
  return { workers: cores, note: `${requested} workers requested, ${cores} cores here: using ${cores}` };
}

export interface DataParallelOptions {
  workers: number;
  /** Tests only: a worker throws or hangs at a step. Also NETLOOM_TEST_WORKER_FAULT (see envFault). */
  fault?: Fault;
  /** @deprecated the same as fault: {kind: 'throw', atStep}. */
  faultAtStep?: number;
  /**
   * A step whose workers have not all answered after max(minMs, factor × the slowest step so far) fails the run
   * as hung (default 60 s and 20×; the first step, which compiles kernels, gets 10 × minMs).
   */
  hangTimeout?: { minMs?: number; factor?: number };
  /** The worker script (default: ./worker-entry.mjs beside this file, or the bundled engine's; see link.ts). */
  entry?: URL | string;
}

/** Per-phase wall time (ms, cumulative since start) of each worker and of the engine's side of the steps. */
export interface PhaseTimes {
  workers: Record<Phase, number>[];
  engine: { copy: number; wait: number; apply: number };
  steps: number;
}

export class DataParallel {
  private gen = 0;
  private control: Int32Array;
  private slots: Slot[];
  private reduced: Float32Array;
  private timers: Float64Array;
  private x = new SharedArrayBuffer(0);
  private y = new SharedArrayBuffer(0);
  private logits = new SharedArrayBuffer(0);
  private failure: Error | null = null;
  private closed = false;
  private slowestMs = 0;
  private engineTimes = { copy: 0, wait: 0, apply: 0 };
  /**
   * The engine model's variables' data ids when the replicas last held the same weights (after a W-worker step or
   * a sync). tfjs's assign gives a variable a new data id, so any update made outside (a one-worker step, a load)
   * shows as a changed id: evaluation then stays on the engine's model rather than read stale replicas.
   */
  private stamp: unknown[] = [];

  private constructor(
    readonly model: Model,
    readonly ranks: number,
    private links: WorkerLink[],
    bufs: {
      control: SharedArrayBuffer;
      slots: SharedArrayBuffer[];
      reduced: SharedArrayBuffer;
      timers: SharedArrayBuffer;
    },
    private hang: { minMs: number; factor: number },
    private layout = layoutOf(model),
  ) {
    this.control = new Int32Array(bufs.control);
    this.slots = bufs.slots.map((b) => slotViews(b, layout));
    this.reduced = new Float32Array(bufs.reduced);
    this.timers = new Float64Array(bufs.timers);
  }

  /** Starts W workers with replicas of `model` (W = options.workers, at least 2) and synchronises them to it. */
  static async start(model: Model, opt: Optimizer, options: DataParallelOptions): Promise<DataParallel> {
    const ranks = options.workers;
    if (!(Number.isInteger(ranks) && ranks >= 2))
      throw new Error(`data-parallel training needs 2+ workers, got ${ranks}`);
    if (tf.getBackend() !== 'wasm')
      throw new Error(
        `workers need the wasm backend (replicas must compute alike); the engine runs on ${tf.getBackend()}`,
      );
    const layout = layoutOf(model);
    const bufs = {
      control: new SharedArrayBuffer(4 * (CONTROL_CELLS + ranks)),
      slots: Array.from({ length: ranks }, () => new SharedArrayBuffer(slotBytes(layout))),
      reduced: new SharedArrayBuffer(4 * layout.length),
      timers: new SharedArrayBuffer(8 * ranks * PHASES.length),
    };
    const fault =
      options.fault ??
      (options.faultAtStep ? { kind: 'throw' as const, atStep: options.faultAtStep } : undefined) ??
      envFault();
    const hang = { minMs: options.hangTimeout?.minMs ?? 60_000, factor: options.hangTimeout?.factor ?? 20 };
    let dp: DataParallel | undefined;
    const links: WorkerLink[] = [];
    const onFailure = (e: Error) => dp?.abort(e);
    try {
      for (let rank = 0; rank < ranks; rank++) links.push(new WorkerLink(rank, workerEntry(options.entry), onFailure));
      dp = new DataParallel(model, ranks, links, bufs, hang, layout);
      await Promise.all(
        links.map((l) =>
          l.request(
            {
              type: 'init',
              rank: l.rank,
              ranks,
              net: portable(model.net),
              seed: 0,
              optimizer: opt.config,
              ...bufs,
              fault,
            },
            'ready',
          ),
        ),
      );
      await dp.sync(opt);
      return dp;
    } catch (e) {
      await Promise.all(links.map((l) => l.worker.terminate()));
      throw e;
    }
  }

  /** Copies the engine's weights and optimizer state to every replica (at start, after a restore). */
  async sync(opt: Optimizer): Promise<void> {
    const weights = await rawWeights(this.model);
    const optimizer = await opt.state();
    await Promise.all(this.links.map((l) => l.request({ type: 'sync', weights, optimizer }, 'synced')));
    this.stamp = this.dataIds();
  }

  private dataIds(): unknown[] {
    return [...this.model.params.vars.values()].map((v) => v.dataId);
  }

  /** Whether the replicas hold the engine model's weights (nothing updated it outside the W-worker steps). */
  private get inSync(): boolean {
    const now = this.dataIds();
    return now.length === this.stamp.length && now.every((id, i) => id === this.stamp[i]);
  }

  private check() {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('data-parallel workers are closed');
  }

  /** Puts a batch where the workers read it (grown once to the largest batch, shared by reference). */
  private put(x: Float32Array, y: Int32Array | null, n: number) {
    const t0 = performance.now();
    const sampleSize = x.length / n;
    if (this.x.byteLength < 4 * n * sampleSize) {
      this.x = new SharedArrayBuffer(4 * n * sampleSize);
      this.y = new SharedArrayBuffer(4 * n);
    }
    new Float32Array(this.x).set(x.subarray(0, n * sampleSize));
    if (y) new Int32Array(this.y).set(y.subarray(0, n));
    this.engineTimes.copy += performance.now() - t0;
  }

  /** The same contract as runtime's trainStep, over the workers: the whole batch's step, applied on every rank. */
  async trainStep(
    model: Model,
    opt: Optimizer,
    x: BatchInput,
    y: Int32Array,
    n: number,
    probe?: StepProbe,
  ): Promise<StepResult> {
    if (model !== this.model) throw new Error('DataParallel.trainStep: a different model than the one it replicates');
    this.check();
    this.put(batchFloats(x), y, n);
    const gen = ++this.gen;
    const lr = opt.lr;
    const t0 = performance.now();
    const seed = model.rng.int(); // dropout's stream moves on once per step, whatever W: checkpoints resume it
    await this.all(
      this.links.map((l) => l.request({ type: 'step', gen, lr, x: this.x, y: this.y, total: n, seed }, 'done')),
      `step ${gen}`,
    );
    const t1 = performance.now();
    this.engineTimes.wait += t1 - t0;
    Atomics.load(this.control, REDUCED); // every chunk is written (the workers said so): read after a fence
    const result = batchResult(this.slots);
    if (result.applied) applyReduced(model, opt, lr, this.layout, this.slots, this.reduced, probe);
    this.stamp = this.dataIds();
    const t2 = performance.now();
    this.engineTimes.apply += t2 - t1;
    this.slowestMs = Math.max(this.slowestMs, t2 - t0);
    return result;
  }

  /**
   * evalBatch's contract over the workers (each evaluates its rows with its replica, identical to the engine's model);
   * on the engine's model itself when the replicas may be behind it (it was updated outside the W-worker steps).
   */
  async evalBatch(model: Model, x: BatchInput, y: Int32Array, n: number): Promise<StepResult> {
    if (model !== this.model || !this.inSync) return evalBatch(model, x, y, n);
    this.check();
    this.put(batchFloats(x), y, n);
    await this.all(this.links.map((l) => l.request({ type: 'eval', x: this.x, y: this.y, total: n }, 'evaluated')));
    let loss = 0,
      correct = 0;
    for (const s of this.slots) {
      loss += s.head[0] * s.head[2];
      correct += s.head[1];
    }
    return { loss: loss / n, correct, n };
  }

  /** predictBatch's contract over the workers (see evalBatch). */
  async predictBatch(model: Model, x: BatchInput, n: number): Promise<{ logits: Float32Array; classes: number }> {
    if (model !== this.model || !this.inSync) return predictBatch(model, x, n);
    this.check();
    const classes = (model.net.output ?? [0]).reduce((a, b) => a * b, 1);
    this.put(batchFloats(x), null, n);
    if (this.logits.byteLength < 4 * n * classes) this.logits = new SharedArrayBuffer(4 * n * classes);
    const logits = this.logits;
    await this.all(
      this.links.map((l) => l.request({ type: 'eval', x: this.x, y: this.y, total: n, logits }, 'evaluated')),
    );
    return { logits: new Float32Array(logits, 0, n * classes).slice(), classes };
  }

  /** Waits for every worker's answer, failing as hung past the timeout scaled to the slowest step so far. */
  private async all<T>(answers: Promise<T>[], what = 'evaluation'): Promise<T[]> {
    const ms = this.slowestMs ? Math.max(this.hang.minMs, this.hang.factor * this.slowestMs) : 10 * this.hang.minMs;
    const answered = new Set<number>();
    answers.forEach(
      (a, i) =>
        void a.then(
          () => answered.add(i),
          () => {},
        ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The workers behind the others (still computing, or reducing): those waiting at a barrier are not hung.
        const progress = this.links.map((l) => Atomics.load(this.control, PROGRESS + l.rank));
        const behind = Math.min(...progress);
        const silent = this.links
          .filter((l, i) => !answered.has(i) && (what === 'evaluation' || progress[i] === behind))
          .map((l) => l.rank);
        const slowest = this.slowestMs ? `; the slowest step so far took ${Math.round(this.slowestMs)} ms` : '';
        reject(
          new Error(
            `worker ${silent.join(', ')} stopped responding: ${what} had no answer after ${Math.round(ms / 1000)} s${slowest}`,
          ),
        );
      }, ms);
    });
    try {
      return await Promise.race([Promise.all(answers), timeout]);
    } catch (e) {
      this.abort(e instanceof Error ? e : new Error(String(e)));
      throw this.failure ?? e;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Per-phase wall time and CPU time of every worker and the engine's side, cumulative (the bench's evidence of
   * scaling). A step returns while the workers still apply it: `await settled()` first to count that too.
   */
  phases(): PhaseTimes {
    const workers = this.links.map((l) =>
      Object.fromEntries(PHASES.map((p, i) => [p, this.timers[l.rank * PHASES.length + i]])),
    ) as Record<Phase, number>[];
    return { workers, engine: { ...this.engineTimes }, steps: this.gen };
  }

  /** Resolves once every worker has finished what it was sent (the last step's apply included). */
  async settled(): Promise<void> {
    this.check();
    await this.all(this.links.map((l) => l.request({ type: 'ping' }, 'pong')));
  }

  /** A replica's weights (tests: replicas never drift). */
  async replicaWeights(rank: number): Promise<Record<string, Float32Array>> {
    const r = await this.links[rank].request({ type: 'weights' }, 'weights');
    return r.weights;
  }

  /** A failed worker fails the step in flight and every later one; the other workers are stopped. */
  private abort(e: Error) {
    if (this.failure) return;
    this.failure = e;
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, ABORT, 1);
    for (let c = 0; c < CONTROL_CELLS; c++) Atomics.notify(this.control, c);
    await Promise.all(this.links.map((l) => l.worker.terminate()));
  }
}
