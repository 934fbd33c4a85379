// Data-parallel training over worker_threads: the engine's model is rank 0 and trains on its share of each batch
// on the engine's own (wasm) backend; workers 1…W-1 each hold a replica on a single-threaded wasm backend. Every
// rank writes its gradients into shared memory, meets the others at an Atomics barrier, and applies the same
// reduced update (replica.ts), so replicas stay bit-identical and the engine's model is always the trained one:
// checkpoints, evaluation, prediction, NaN diagnosis and the debugging streams read it as with one worker.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { tf } from '../backends/tf';
import type { StepProbe } from '../inspect';
import type { Model } from '../model';
import type { Optimizer } from '../optim';
import type { StepResult } from '../step';
import { ABORT, ARRIVED, CONTROL_CELLS, type FromWorker, type ToWorker } from './messages';
import { portable } from './transfer';
import { computeShare, layoutOf, rawWeights, reduceAndApply, share, slotBytes, slotViews, type Slot } from './replica';

export const MAX_WORKERS = 8;

const envFault = () => {
  const v = Number(process.env.NETLOOM_TEST_WORKER_FAULT);
  return Number.isInteger(v) && v > 0 ? v : undefined;
};

/** The cores this machine offers (the upper bound for `workers`). */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

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

interface Pending {
  type: FromWorker['type'];
  resolve: (m: FromWorker) => void;
  reject: (e: Error) => void;
}

class WorkerLink {
  private pending: Pending | null = null;
  failure: Error | null = null;
  constructor(
    readonly rank: number,
    readonly worker: Worker,
    onFailure: (e: Error) => void,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') return this.fail(new Error(`worker ${rank}: ${m.message}`), onFailure);
      const p = this.pending;
      if (p && p.type === m.type) {
        this.pending = null;
        p.resolve(m);
      }
    });
    worker.on('error', (e) => this.fail(new Error(`worker ${rank} died: ${e.message}`), onFailure));
    worker.on('exit', (code) => this.fail(new Error(`worker ${rank} exited (code ${code})`), onFailure));
  }
  private fail(e: Error, onFailure: (e: Error) => void) {
    if (this.failure) return;
    this.failure = e;
    this.pending?.reject(e);
    this.pending = null;
    onFailure(e);
  }
  request<T extends FromWorker['type']>(msg: ToWorker, reply: T): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { type: reply, resolve: resolve as (m: FromWorker) => void, reject };
      this.worker.postMessage(msg);
    });
  }
}

export interface DataParallelOptions {
  workers: number;
  /**
   * Tests only: worker 1 throws (uncaught) at this step, as a crashing kernel would. Also read from
   * NETLOOM_TEST_WORKER_FAULT, so tests of the Trainer and the engine can make a worker die through their own API.
   */
  faultAtStep?: number;
}

export class DataParallel {
  private gen = 0;
  private control: Int32Array;
  private slots: Slot[];
  private x = new SharedArrayBuffer(0);
  private y = new SharedArrayBuffer(0);
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    readonly model: Model,
    readonly ranks: number,
    private links: WorkerLink[],
    controlBuf: SharedArrayBuffer,
    slotBufs: SharedArrayBuffer[],
    private layout = layoutOf(model),
  ) {
    this.control = new Int32Array(controlBuf);
    this.slots = slotBufs.map((b) => slotViews(b, layout));
  }

  /** Starts W-1 workers with replicas of `model` (W = options.workers, at least 2) and synchronises them to it. */
  static async start(model: Model, opt: Optimizer, options: DataParallelOptions): Promise<DataParallel> {
    const ranks = options.workers;
    if (!(Number.isInteger(ranks) && ranks >= 2))
      throw new Error(`data-parallel training needs 2+ workers, got ${ranks}`);
    if (tf.getBackend() !== 'wasm')
      throw new Error(
        `workers need the wasm backend (replicas must compute alike); the engine runs on ${tf.getBackend()}`,
      );
    const layout = layoutOf(model);
    const control = new SharedArrayBuffer(4 * CONTROL_CELLS);
    const slots = Array.from({ length: ranks }, () => new SharedArrayBuffer(slotBytes(layout)));
    let dp: DataParallel | undefined;
    const links: WorkerLink[] = [];
    const onFailure = (e: Error) => dp?.abort(e);
    try {
      for (let rank = 1; rank < ranks; rank++) {
        const w = new Worker(new URL('./worker-entry.mjs', import.meta.url));
        links.push(new WorkerLink(rank, w, onFailure));
      }
      dp = new DataParallel(model, ranks, links, control, slots, layout);
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
              control,
              slots,
              faultAtStep: l.rank === 1 ? (options.faultAtStep ?? envFault()) : undefined,
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

  /** Copies rank 0's weights, optimizer state and random state to every replica (at start, after a restore). */
  async sync(opt: Optimizer): Promise<void> {
    const weights = await rawWeights(this.model);
    const optimizer = await opt.state();
    const rngState = this.model.rng.state;
    await Promise.all(this.links.map((l) => l.request({ type: 'sync', weights, optimizer, rngState }, 'synced')));
  }

  /** The same contract as runtime's trainStep, over the workers: the whole batch's step, applied on every rank. */
  async trainStep(
    model: Model,
    opt: Optimizer,
    x: Float32Array,
    y: Int32Array,
    n: number,
    probe?: StepProbe,
  ): Promise<StepResult> {
    if (model !== this.model) throw new Error('DataParallel.trainStep: a different model than the one it replicates');
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('data-parallel workers are closed');
    const sampleSize = x.length / n;
    if (this.y.byteLength < 4 * n) {
      // Grown once to the largest batch; the buffers are shared by reference, never copied per step.
      this.x = new SharedArrayBuffer(4 * n * sampleSize);
      this.y = new SharedArrayBuffer(4 * n);
    }
    new Float32Array(this.x).set(x.subarray(0, n * sampleSize));
    new Int32Array(this.y).set(y.subarray(0, n));
    const gen = ++this.gen;
    const lr = opt.lr;
    const done = Promise.all(
      this.links.map((l) => l.request({ type: 'step', gen, lr, x: this.x, y: this.y, total: n }, 'done')),
    );
    done.catch(() => {}); // observed below; a failure while rank 0 computes must not be unhandled
    try {
      const { start, n: mine } = share(n, this.ranks, 0);
      await computeShare(
        model,
        this.layout,
        this.slots[0],
        x.subarray(start * sampleSize, (start + mine) * sampleSize),
        y.subarray(start, start + mine),
        mine,
      );
    } catch (e) {
      this.abort(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
    Atomics.add(this.control, ARRIVED, 1);
    Atomics.notify(this.control, ARRIVED);
    // Every worker answers 'done' only after the barrier: then all slots are written and read.
    await done;
    return reduceAndApply(model, opt, lr, this.layout, this.slots, probe);
  }

  /** A replica's weights (tests: replicas never drift). */
  async replicaWeights(rank: number): Promise<Record<string, Float32Array>> {
    const r = await this.links[rank - 1].request({ type: 'weights' }, 'weights');
    return r.weights;
  }

  /** A failed worker fails the step in flight and every later one; the other workers are stopped. */
  private abort(e: Error) {
    if (this.failure) return;
    this.failure = e;
    Atomics.store(this.control, ABORT, 1);
    Atomics.notify(this.control, ARRIVED);
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, ABORT, 1);
    Atomics.notify(this.control, ARRIVED);
    await Promise.all(this.links.map((l) => l.worker.terminate()));
  }
}
