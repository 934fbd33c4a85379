// The trainer: epochs of mini-batch SGD/Adam with validation, schedules, early stopping, NaN detection,
// and live control (pause, resume, single step, stop, change lr). Its position (epoch, batch), weights,
// optimizer state and random state are checkpointable, so a resumed run continues exactly where it paused.
import { createFiller, epochOrder, batchCount, getPart, type Dataset, type PartName } from '../data';
import type { Model } from '../runtime';
import {
  Optimizer,
  trainStep,
  evalBatch,
  firstNonFinite,
  type OptimizerConfig,
  type GluonTensor,
  type OptimizerState,
} from '../runtime';
import { scheduledLr, type Schedule } from './schedule';
import type { RunState, TrainEvent, TrainListener } from './events';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  seed?: number;
  schedule?: Schedule;
  /** Stop when validation loss has not improved for this many epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Start paused (the UI's "step" button drives it). */
  startPaused?: boolean;
  /** Minimum milliseconds between progress events (default 100: ~10 Hz). */
  progressEveryMs?: number;
}

export interface Checkpoint {
  position: { epoch: number; batch: number; step: number };
  weights: Record<string, GluonTensor>;
  optimizer: OptimizerState;
  lr: number;
  rngState: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export class Trainer {
  state: RunState = 'idle';
  private pos = { epoch: 0, batch: 0, step: 0 };
  private baseLr: number;
  private stepsLeft = Infinity;
  private wake: (() => void) | null = null;
  private listeners = new Set<TrainListener>();
  /** The last progress event held back by throttling: flushed when the run pauses, so a paused view is exact. */
  private unsent: Extract<TrainEvent, { event: 'progress' }> | null = null;
  readonly opt: Optimizer;

  constructor(
    readonly model: Model,
    readonly data: Dataset,
    readonly config: TrainConfig,
    readonly backend = { name: 'unknown', reason: '' },
  ) {
    this.opt = new Optimizer(config.optimizer);
    this.baseLr = config.optimizer.lr;
    if (config.startPaused) this.stepsLeft = 0;
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
  }

  get position() {
    return { ...this.pos };
  }
  get lr() {
    return this.opt.lr;
  }

  pause(): void {
    if (this.state === 'running') {
      this.stepsLeft = 0;
    }
  }
  resume(): void {
    this.stepsLeft = Infinity;
    this.wake?.();
  }
  /** Runs exactly one batch, then pauses again. */
  step(): void {
    this.stepsLeft = 1;
    this.wake?.();
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
    const filler = createFiller(split, this.data.inputShape, this.data.normalize);
    const x = new Float32Array(Math.min(batchSize, split.n) * filler.sampleSize),
      y = new Int32Array(Math.min(batchSize, split.n));
    let loss = 0,
      correct = 0;
    for (let start = 0; start < split.n; start += batchSize) {
      const n = Math.min(batchSize, split.n - start);
      filler.fill(null, start, n, x, y);
      const r = await evalBatch(this.model, x.subarray(0, n * filler.sampleSize), y, n);
      loss += r.loss * n;
      correct += r.correct;
      await tick();
    }
    return { loss: loss / split.n, accuracy: correct / split.n };
  }

  /** Trains until the epochs are done, stop() is called or early stopping triggers. */
  async run(): Promise<Extract<TrainEvent, { event: 'done' }>> {
    const { epochs, batchSize, seed = 0, schedule, earlyStopping, progressEveryMs = 100 } = this.config;
    const split = getPart(this.data, 'train');
    const filler = createFiller(split, this.data.inputShape, this.data.normalize);
    const batches = batchCount(split.n, batchSize);
    const total = batches * epochs;
    const x = new Float32Array(Math.min(batchSize, split.n) * filler.sampleSize),
      y = new Int32Array(Math.min(batchSize, split.n));
    const valPart: PartName = this.data.validation ? 'validation' : 'test';
    const params = this.model.net.params.trainable + this.model.net.params.nonTrainable;
    this.emit({
      event: 'start',
      backend: this.backend.name,
      backendReason: this.backend.reason,
      network: this.model.net.name,
      params,
      samples: split.n,
      batchesPerEpoch: batches,
      epochs,
      batchSize,
    });
    this.setState(this.stepsLeft > 0 ? 'running' : 'paused');
    let trainTime = 0,
      trainImages = 0,
      lastEmit = 0,
      best = Infinity,
      bad = 0,
      earlyStopped = false,
      lastTrainAcc = 0;
    outer: for (; this.pos.epoch < epochs; this.pos.epoch++, this.pos.batch = 0) {
      const order = epochOrder(split.n, true, seed, this.pos.epoch);
      const t0 = performance.now();
      let eLoss = 0,
        eCorrect = 0,
        eN = 0;
      for (; this.pos.batch < batches; this.pos.batch++) {
        if (!(await this.gate())) break outer;
        const { epoch, batch } = this.pos;
        this.opt.lr = scheduledLr(schedule, this.baseLr, epoch, this.pos.step, total);
        const n = Math.min(batchSize, split.n - batch * batchSize);
        filler.fill(order, batch * batchSize, n, x, y);
        const bx = x.subarray(0, n * filler.sampleSize);
        const s0 = performance.now();
        const r = await trainStep(this.model, this.opt, bx, y.subarray(0, n), n);
        trainTime += performance.now() - s0;
        trainImages += n;
        this.pos.step++;
        if (!Number.isFinite(r.loss)) {
          const block = await firstNonFinite(this.model, bx, n);
          this.emit({
            event: 'anomaly',
            kind: 'non-finite-loss',
            step: this.pos.step,
            epoch,
            batch,
            block,
            message: `the loss became ${r.loss} at step ${this.pos.step}${block ? `; the first block with a non-finite output is "${block}"` : ''}; the update was skipped and training paused`,
          });
          this.pos.batch++;
          this.stepsLeft = 0; // pause so the user can inspect; resume or stop is theirs
          continue;
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
          this.pos.epoch++;
          this.pos.batch = 0;
          break;
        }
      }
    }
    const stopped = this.state === 'stopping';
    const test = await this.evaluate('test');
    this.setState(stopped ? 'stopped' : 'done');
    const done = {
      event: 'done' as const,
      trainAccuracy: lastTrainAcc,
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
