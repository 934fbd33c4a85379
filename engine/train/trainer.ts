// The trainer: epochs of mini-batch SGD/Adam with validation, schedules, early stopping, NaN detection,
// and live control (pause, resume, single step, stop, change lr). Its position (epoch, batch), weights,
// optimizer state and random state are checkpointable, so a resumed run continues exactly where it paused.
import { createFiller, epochOrder, batchCount, getPart, type Dataset, type PartName } from '../data';
import type { Model } from '../runtime';
import {
  DataParallel,
  Optimizer,
  resolveWorkers,
  trainStep,
  evalBatch,
  firstNonFinite,
  type OptimizerConfig,
  type GluonTensor,
  type OptimizerState,
  type StepHook,
  type StepProbe,
} from '../runtime';
import { scheduledLr, type Schedule } from './schedule';
import type { RunState, TrainEvent, TrainListener } from './events';
import { requestedWorkers, startingWorkers, WorkersChoice } from './workers-choice';
import { stepInputs } from './step-input';

type DoneEvent = Extract<TrainEvent, { event: 'done' }>;

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  seed?: number;
  schedule?: Schedule;
  /** Stop when validation loss has not improved for this many epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Start paused: no batch runs until step(n) or resume() (the UI's "step" button drives it). */
  startPaused?: boolean;
  /**
   * Pause once the global step count (batches taken, over all epochs) reaches this, whatever the machine's
   * speed: the progress event of that batch is sent, then the paused state. 0 is the same as startPaused.
   * A point at or beyond the run's last batch never pauses (the run finishes).
   */
  pauseAtStep?: number;
  /** Minimum milliseconds between progress events (default 100: ~10 Hz). */
  progressEveryMs?: number;
  /**
   * Data-parallel workers (runtime DataParallel; wasm backend only). 1: the engine's thread alone. 'auto': the
   * physical cores (at most 8), kept only if the first steps measure them faster. Absent: defaultWorkers() ('auto'
   * unless NETLOOM_WORKERS says otherwise; workers-choice.ts).
   */
  workers?: number | 'auto';
}

export interface Checkpoint {
  position: { epoch: number; batch: number; step: number };
  weights: Record<string, GluonTensor>;
  optimizer: OptimizerState;
  lr: number;
  rngState: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const HELD: readonly RunState[] = ['paused', 'stopped', 'done', 'failed'];

export class Trainer {
  state: RunState = 'idle';
  private pos = { epoch: 0, batch: 0, step: 0 };
  private baseLr: number;
  private stepsLeft = Infinity;
  /** A one-shot pause point (global step), from config.pauseAtStep. */
  private pauseAt: number | undefined;
  private wake: (() => void) | null = null;
  /** Callers of whenHeld(), released when the run next pauses or ends. */
  private holdWaiters: (() => void)[] = [];
  private listeners = new Set<TrainListener>();
  /** The last progress event held back by throttling: flushed when the run pauses, so a paused view is exact. */
  private unsent: Extract<TrainEvent, { event: 'progress' }> | null = null;
  readonly opt: Optimizer;
  /** Visual debugging (engine/debug): sees each step's gradients, runs between steps. */
  private hooks = new Set<StepHook>();
  /** The run's workers when config.workers > 1: started with run() (after any restore), closed when it ends. */
  private parallel: DataParallel | undefined;
  /** Said with the backend in the start event: the workers in use, or why fewer than asked. */
  private workersNote = '';
  /** workers: 'auto' — measures 1 vs W workers over the first steps, then steps the faster way. */
  private choice: WorkersChoice | undefined;

  constructor(
    readonly model: Model,
    readonly data: Dataset,
    readonly config: TrainConfig,
    readonly backend = { name: 'unknown', reason: '' },
  ) {
    this.opt = new Optimizer(config.optimizer);
    this.baseLr = config.optimizer.lr;
    if (config.startPaused) this.stepsLeft = 0;
    this.pauseAt = config.pauseAtStep;
  }

  addStepHook(h: StepHook): () => void {
    this.hooks.add(h);
    return () => this.hooks.delete(h);
  }
  private probe(): StepProbe | undefined {
    const ps = [...this.hooks].flatMap((h) => (h.probe ? [h.probe] : []));
    if (ps.length < 2) return ps[0];
    return {
      beforeUpdate: (v, g) => ps.forEach((p) => p.beforeUpdate(v, g)),
      afterUpdate: (v, g) => ps.forEach((p) => p.afterUpdate(v, g)),
    };
  }

  on(l: TrainListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  private emit(e: TrainEvent) {
    for (const l of this.listeners) l(e);
  }
  private setState(s: RunState, reason?: string) {
    this.state = s;
    this.emit(reason ? { event: 'state', state: s, reason } : { event: 'state', state: s });
    if (HELD.includes(s)) for (const release of this.holdWaiters.splice(0)) release();
  }
  /** Control calls report the state they caused at once, so a status read right after one is never stale. */
  private leavePause() {
    if (this.state === 'paused') this.setState('running');
  }

  get position() {
    return { ...this.pos };
  }
  get lr() {
    return this.opt.lr;
  }

  /** Pauses after the batch in flight (whenHeld() tells when). */
  pause(): void {
    if (this.state === 'running' || this.state === 'idle') this.stepsLeft = 0;
  }
  resume(): void {
    if (!this.active) return;
    this.stepsLeft = Infinity;
    this.leavePause();
    this.wake?.();
  }
  /** Runs exactly `batches` more batches (default 1), then pauses again (whenHeld() tells when). */
  step(batches = 1): void {
    if (!(Number.isInteger(batches) && batches > 0))
      throw new Error(`step takes a positive whole number of batches, got ${batches}`);
    if (!this.active) return;
    this.stepsLeft = batches;
    this.leavePause();
    this.wake?.();
  }
  /**
   * Resolves when the run is held: paused with no batch pending, or ended. Use after pause() or step(n):
   * `t.step(3); await t.whenHeld()` → exactly 3 more batches were taken (fewer only if the run ended).
   */
  whenHeld(): Promise<void> {
    const settled = this.state === 'paused' && this.stepsLeft <= 0;
    if (settled || (HELD.includes(this.state) && this.state !== 'paused')) return Promise.resolve();
    return new Promise((r) => this.holdWaiters.push(r));
  }
  private get active() {
    return this.state === 'idle' || this.state === 'running' || this.state === 'paused';
  }
  stop(): void {
    if (this.state === 'running' || this.state === 'paused') {
      this.state = 'stopping';
      this.wake?.();
    }
  }
  setLr(lr: number): void {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate must be a positive number, got ${lr}`);
    this.baseLr = lr;
  }

  /** Waits while paused; returns false when the run should end. */
  private async gate(): Promise<boolean> {
    while (this.stepsLeft <= 0 && (this.state as RunState) !== 'stopping') {
      if (this.unsent) {
        this.emit(this.unsent);
        this.unsent = null;
      }
      if (this.state !== 'paused') this.setState('paused');
      await new Promise<void>((r) => {
        this.wake = r;
      });
      this.wake = null;
    }
    if ((this.state as RunState) === 'stopping') return false;
    if (this.state !== 'running') this.setState('running');
    this.stepsLeft--;
    return true;
  }

  async evaluate(part: PartName, batchSize = 500): Promise<{ loss: number; accuracy: number }> {
    const split = getPart(this.data, part);
    const inputs = stepInputs(
      createFiller(split, this.data.inputShape, this.data.normalize),
      Math.min(batchSize, split.n),
    );
    let loss = 0,
      correct = 0;
    for (let start = 0; start < split.n; start += batchSize) {
      const n = Math.min(batchSize, split.n - start);
      const x = inputs.next(null, start, n);
      // Over the run's workers while it has them (DataParallel falls back to this model if they are behind it).
      const ev = this.parallel ? this.parallel.evalBatch.bind(this.parallel) : evalBatch;
      const r = await ev(this.model, x, inputs.y, n);
      loss += r.loss * n;
      correct += r.correct;
      await tick();
    }
    return { loss: loss / split.n, accuracy: correct / split.n };
  }

  /** Trains until the epochs are done, stop() is called or early stopping triggers. */
  async run(): Promise<DoneEvent> {
    try {
      const requested = requestedWorkers(this.config.workers);
      const auto = requested === 'auto';
      const { workers, note } = resolveWorkers(startingWorkers(requested, this.backend.name));
      this.workersNote = note
        ? `; ${note}`
        : workers > 1
          ? `; ${auto ? 'measuring 1 vs ' : ''}${workers} data-parallel workers`
          : '';
      if (workers > 1) {
        try {
          this.parallel = await DataParallel.start(this.model, this.opt, { workers });
        } catch (e) {
          // Asked for by number, workers that cannot start fail the run; the default ('auto') trains on one.
          if (!auto) throw e;
          const why = (e as Error).message.split('\n')[0];
          this.workersNote = `; 1 worker (${workers} data-parallel workers did not start: ${why})`;
        }
      }
      if (auto && this.parallel)
        this.choice = new WorkersChoice(this.parallel, workers, (v) => {
          if (v.count === 1) this.parallel = undefined; // closed by the choice: one worker from here on
          this.emit({ event: 'workers', ...v });
        });
      return await this.train();
    } catch (e) {
      // A held-waiter must never hang on a run that threw (out of memory, a kernel error, a dead worker…).
      this.setState('failed', (e as Error).message);
      throw e;
    } finally {
      await this.parallel?.close();
      this.parallel = undefined;
      this.choice = undefined;
    }
  }

  private async train(): Promise<DoneEvent> {
    const { epochs, batchSize, seed = 0, schedule, earlyStopping, progressEveryMs = 100 } = this.config;
    const split = getPart(this.data, 'train');
    const filler = createFiller(split, this.data.inputShape, this.data.normalize);
    const batches = batchCount(split.n, batchSize);
    const total = batches * epochs;
    const inputs = stepInputs(filler, Math.min(batchSize, split.n));
    // Without a validation split (or one too small to hold a sample) the test set stands in, labelled so.
    const valPart: PartName = this.data.validation?.n ? 'validation' : 'test';
    const params = this.model.net.params.trainable + this.model.net.params.nonTrainable;
    this.emit({
      event: 'start',
      backend: this.backend.name,
      backendReason: this.backend.reason + this.workersNote,
      network: this.model.net.name,
      params,
      samples: split.n,
      batchesPerEpoch: batches,
      epochs,
      batchSize,
    });
    this.holdAt(this.pos.step);
    this.setState(this.stepsLeft > 0 ? 'running' : 'paused');
    let trainTime = 0,
      trainImages = 0,
      lastEmit = 0,
      best = Infinity,
      bad = 0,
      earlyStopped = false,
      stopReason: string | undefined,
      lastTrainAcc = 0,
      lastVal: { loss: number; accuracy: number } | undefined;
    outer: for (; this.pos.epoch < epochs; this.pos.epoch++, this.pos.batch = 0) {
      const order = epochOrder(split.n, true, seed, this.pos.epoch);
      const t0 = performance.now();
      let eLoss = 0,
        eCorrect = 0,
        eN = 0;
      for (; this.pos.batch < batches; this.pos.batch++) {
        if (!(await this.gate())) {
          // Stopped before any epoch ended: report the batches it trained, not an accuracy of 0.
          if (!lastVal && eN) lastTrainAcc = eCorrect / eN;
          break outer;
        }
        const { epoch, batch } = this.pos;
        this.opt.lr = scheduledLr(schedule, this.baseLr, epoch, this.pos.step, total);
        const n = Math.min(batchSize, split.n - batch * batchSize);
        const bx = inputs.next(order, batch * batchSize, n);
        const s0 = performance.now();
        const step = this.choice?.step ?? (this.parallel ? this.parallel.trainStep.bind(this.parallel) : trainStep);
        const r = await step(this.model, this.opt, bx, inputs.y.subarray(0, n), n, this.probe());
        trainTime += performance.now() - s0;
        trainImages += n;
        this.pos.step++;
        this.holdAt(this.pos.step);
        const info = { step: this.pos.step, epoch, batch, batches, applied: r.applied !== false };
        for (const h of this.hooks) await h.afterStep?.(info);
        if (!Number.isFinite(r.loss)) {
          const block = await firstNonFinite(this.model, bx, n);
          this.emit({
            event: 'anomaly',
            kind: Number.isNaN(r.loss) ? 'nan' : 'inf',
            step: this.pos.step,
            epoch,
            batch,
            block,
            message: `the loss became ${r.loss} at step ${this.pos.step}${block ? `; the first block with a non-finite output is "${block}"` : ''}; the update was skipped and training paused`,
          });
          this.stepsLeft = 0; // pause so the user can inspect; resume or stop is theirs
          continue; // (the loop moves on to the next batch: this one is skipped, not retried)
        }
        eLoss += r.loss * n;
        eCorrect += r.correct;
        eN += n;
        const now = performance.now();
        const progress = {
          event: 'progress' as const,
          epoch,
          batch: batch + 1,
          batches,
          step: this.pos.step,
          loss: r.loss,
          accuracy: r.correct / n,
          lr: this.opt.lr,
          imagesPerSecond: trainImages / (trainTime / 1000),
        };
        this.unsent = progress;
        if (now - lastEmit >= progressEveryMs || batch === batches - 1 || this.stepsLeft === 0) {
          lastEmit = now;
          this.emit(progress);
          this.unsent = null;
        }
        if (batch % 2 === 1) await tick(); // let control messages in
      }
      const val = await this.evaluate(valPart);
      lastVal = val;
      lastTrainAcc = eN ? eCorrect / eN : 0;
      this.emit({
        event: 'epoch',
        epoch: this.pos.epoch,
        trainLoss: eN ? eLoss / eN : NaN,
        trainAccuracy: lastTrainAcc,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        valSource: valPart,
        seconds: (performance.now() - t0) / 1000,
        lr: this.opt.lr,
      });
      if (earlyStopping) {
        if (val.loss < best - (earlyStopping.minDelta ?? 0)) {
          best = val.loss;
          bad = 0;
        } else if (++bad >= earlyStopping.patience) {
          earlyStopped = true;
          stopReason = `early stopping: ${valPart} loss has not improved${earlyStopping.minDelta ? ` by ${earlyStopping.minDelta}` : ''} for ${bad} epoch${bad === 1 ? '' : 's'} (best ${best.toFixed(4)})`;
          this.pos.epoch++;
          this.pos.batch = 0;
          break;
        }
      }
    }
    const stopped = this.state === 'stopping';
    // The test set is evaluated once, here, and reported as such (never as validation).
    const test = await this.evaluate('test');
    this.setState(stopped || earlyStopped ? 'stopped' : 'done', stopReason);
    const done: DoneEvent = {
      event: 'done' as const,
      trainAccuracy: lastTrainAcc,
      ...(lastVal ? { valLoss: lastVal.loss, valAccuracy: lastVal.accuracy, valSource: valPart } : {}),
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      imagesPerSecond: trainTime ? trainImages / (trainTime / 1000) : 0,
      backend: this.backend.name,
      epochs: this.pos.epoch,
      steps: this.pos.step,
      stopped,
      earlyStopped,
    };
    this.emit(done);
    return done;
  }

  /** Arms the one-shot pause point when the run reaches it (before the first batch or after a batch). */
  private holdAt(step: number) {
    if (this.pauseAt === undefined || step < this.pauseAt) return;
    if (step === this.pauseAt) this.stepsLeft = 0;
    this.pauseAt = undefined;
  }

  async checkpoint(): Promise<Checkpoint> {
    return {
      position: { ...this.pos },
      weights: await this.model.params.toGluon(),
      optimizer: await this.opt.state(),
      lr: this.baseLr,
      rngState: this.model.rng.state,
    };
  }

  /** Restores a checkpoint into this (not yet started) trainer. */
  restore(c: Checkpoint): void {
    this.model.params.load(c.weights);
    this.opt.load(c.optimizer);
    this.baseLr = c.lr;
    this.model.rng.state = c.rngState;
    this.pos = { ...c.position };
  }

  dispose(): void {
    this.opt.dispose();
  }
}
