// A training run on the torch backend: the Python runner (engine/runtime/torch/runner.py) in a child process,
// driven through the Trainer's own interface, so the engine api and the CLI treat it as any run (the editor tells
// them apart only by the backend label and the speed). The runner builds its nn.Module from model.py written by
// the PyTorch export's generator (one code path), starts from the session model's weights (the document's
// initializers with the run's seed, or the project's weights: the same start as wasm), and its trained weights come
// back into the session model in the one Gluon layout, so predictions, checkpoints and saves work as after any run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeSafetensors, safetensorsChunks } from '../export';
import { pytorchSources } from '../export/pytorch/export';
import { blockModules } from '../export/pytorch/model';
import { localRendezvous, torchrunCommand } from '../export/pytorch/python';
import type { OptimizerState, StepInfo, StepNorms } from '../runtime';
import type { TorchProbe } from '../runtime/backends/torch';
import {
  Trainer,
  type Checkpoint,
  type Session,
  type TrainConfig,
  type TrainEvent,
  type TrainListener,
} from '../train';
import { dataConfig } from './torch-data';

// From sources: engine/runtime/torch/runner.py. Bundled (Electron): python/runner.py beside the engine bundle, run
// from asar's unpacked copy since Python cannot read inside an archive.
const SOURCE_RUNNER = path.join(import.meta.dirname, '..', 'runtime', 'torch', 'runner.py');
const BUNDLED_RUNNER = path.join(import.meta.dirname, 'python', 'runner.py');
const RUNNER = (fs.existsSync(BUNDLED_RUNNER) ? BUNDLED_RUNNER : SOURCE_RUNNER).replace(
  /app\.asar([\\/])/,
  'app.asar.unpacked$1',
);
const HELD = ['paused', 'stopped', 'done', 'failed'];
/** How long a runner may take to exit after its done event (saving and events are over by then). */
const EXIT_GRACE_MS = 30_000;
type DoneEvent = Extract<TrainEvent, { event: 'done' }>;

export interface TorchOptions {
  /** cpu, cuda, cuda:N, mps; default: CUDA, then MPS, then CPU. */
  device?: string;
  /** Processes on this machine (torchrun --nproc_per_node); > 1 trains with DDP. */
  nproc?: number;
  /** Machines (torchrun --nnodes) and the rendezvous HOST:PORT they meet at. */
  nnodes?: number;
  rdzv?: string;
  /** CPU threads per process (default: the cores it may use; runner_dist.py threads_for). */
  threads?: number;
  /** Per-phase seconds (data, forward, backward, sync, step, events) in each epoch event: the bench's --profile. */
  profile?: boolean;
  /**
   * Steps after which the runner waits until the step listeners have taken them in (`--watch`: its lines show
   * the model exactly at those steps): every K steps, or at each epoch's end.
   */
  hold?: { every: number } | { epochEnd: true };
}

/** A step the runner measured, with its parameters' norms (engine/debug's health rules take them as wasm's). */
export type StepListener = (info: StepInfo, norms: StepNorms) => Promise<void> | void;

/** The runner has ended: it answers no more requests (the session model then holds its weights). */
export class RunnerEnded extends Error {}

/** The torch run's done event: the trainer's, plus where it ran. */
export type TorchDone = DoneEvent & { processes: number; device: string };

export class TorchTrainer extends Trainer {
  private child: ChildProcess | null = null;
  /** The run folder, made now so requests (a probe batch's file) can be written before the runner starts. */
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-torch-'));
  private ended = false;
  private sent = 0;
  private acked = 0;
  /** Controls issued before the process was up, written once it is. */
  private queued: string[] = [];
  private subscribers = new Set<TrainListener>();
  private waiters: (() => void)[] = [];
  private ackWaiters: { seq: number; resolve: () => void }[] = [];
  private at = { epoch: 0, batch: 0, step: 0 };
  private stderrTail: string[] = [];
  private learningRate: number;
  /** The optimizer state the runner last saved (or a resumed run's, until it saves), in the project's layout. */
  private optState: OptimizerState = { step: 0, slots: {} };
  /** Where a resumed run starts (restore()); the runner continues from it. */
  private startAt: { epoch: number; batch: number; step: number } | null = null;
  /** The debugging streams: step listeners fed in order (one chain), requests answered by seq. */
  private stepListeners = new Set<StepListener>();
  private stepChain: Promise<void> = Promise.resolve();
  private healthNames: string[] = [];
  private batchesPerEpoch = 0;
  private answers = new Map<number, { resolve(a: Record<string, unknown>): void; reject(e: Error): void }>();

  constructor(
    private readonly session: Session,
    config: TrainConfig,
    private readonly torchProbe: TorchProbe,
    private readonly options: TorchOptions = {},
  ) {
    super(session.model, session.data, config, { name: 'torch', reason: torchProbe.reason });
    this.learningRate = config.optimizer.lr;
  }

  /** The runner's (or torchrun's) process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  override on(l: TrainListener): () => void {
    this.subscribers.add(l);
    return () => this.subscribers.delete(l);
  }
  private emitEvent(e: TrainEvent) {
    for (const l of this.subscribers) l(e);
  }
  override get position() {
    return { ...this.at };
  }
  override get lr() {
    return this.learningRate;
  }
  private get live() {
    return this.state === 'idle' || this.state === 'running' || this.state === 'paused';
  }
  /**
   * Feeds `l` every step the runner applies, in order, with its parameter norms (the runner measures them while
   * anyone listens). Returns the switch that stops it.
   */
  onSteps(l: StepListener): () => void {
    if (!this.stepListeners.size) void this.control({ cmd: 'measure', on: true });
    this.stepListeners.add(l);
    return () => {
      if (this.stepListeners.delete(l) && !this.stepListeners.size && this.live)
        void this.control({ cmd: 'measure', on: false });
    };
  }

  /**
   * A request the runner answers with one line (`inspect`: engine/host/torch-debug.ts); applied between batches
   * and while paused. Rejects with RunnerEnded once the runner is gone.
   */
  ask(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.ended) return Promise.reject(new RunnerEnded('the torch runner has ended'));
    return new Promise((resolve, reject) => {
      this.answers.set(this.sent + 1, { resolve, reject });
      void this.control(cmd);
    });
  }

  /** Sends a control; resolves when the runner has applied it (or has ended). */
  private control(cmd: Record<string, unknown>): Promise<void> {
    if (this.ended) return Promise.resolve();
    const seq = ++this.sent;
    const line = JSON.stringify({ ...cmd, seq }) + '\n';
    if (this.child?.stdin?.writable) this.child.stdin.write(line);
    else this.queued.push(line);
    return new Promise((resolve) => this.ackWaiters.push({ seq, resolve }));
  }
  private acknowledge(all = false) {
    this.ackWaiters = this.ackWaiters.filter((w) => (all || w.seq <= this.acked ? (w.resolve(), false) : true));
  }

  override pause(): void {
    if (this.state === 'running' || this.state === 'idle') void this.control({ cmd: 'pause' });
  }
  override resume(): void {
    if (!this.live) return;
    void this.control({ cmd: 'resume' });
    if (this.state === 'paused') this.state = 'running'; // as Trainer: a status read right after is not stale
  }
  override step(batches = 1): void {
    if (!(Number.isInteger(batches) && batches > 0))
      throw new Error(`step takes a positive whole number of batches, got ${batches}`);
    if (!this.live) return;
    void this.control({ cmd: 'step', batches });
    if (this.state === 'paused') this.state = 'running';
  }
  override stop(): void {
    if (this.live) void this.control({ cmd: 'stop' });
  }
  override setLr(lr: number): void {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate must be a positive number, got ${lr}`);
    void this.control({ cmd: 'setLr', lr });
  }
  /** Held: the runner has taken in every control sent so far and is paused or ended. */
  override whenHeld(): Promise<void> {
    if (this.isHeld()) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }
  private isHeld() {
    const ended = HELD.includes(this.state) && this.state !== 'paused';
    return ended || (this.state === 'paused' && this.acked >= this.sent);
  }
  private release() {
    if (this.isHeld()) for (const r of this.waiters.splice(0)) r();
  }

  /** The run's weights, optimizer state and position now (the runner saves them between batches). */
  override async checkpoint(): Promise<Checkpoint> {
    if (this.child && this.live) await this.control({ cmd: 'save' });
    return {
      position: this.position,
      weights: await this.session.model.params.toGluon(),
      optimizer: this.optState,
      lr: this.learningRate,
      rngState: this.session.model.rng.state,
    };
  }

  /** A resumed run: the weights go into the session model (the runner starts from them), the rest to the runner. */
  override restore(c: Checkpoint): void {
    this.session.model.params.load(c.weights);
    this.optState = c.optimizer;
    this.learningRate = c.lr;
    this.session.model.rng.state = c.rngState;
    this.startAt = { ...c.position };
    this.at = { ...c.position };
  }

  override async run(): Promise<TorchDone> {
    try {
      this.prepare();
      return await this.supervise();
    } catch (e) {
      if (this.state !== 'failed') {
        this.state = 'failed';
        this.emitEvent({ event: 'state', state: 'failed', reason: (e as Error).message });
      }
      for (const r of this.waiters.splice(0)) r();
      this.end(); // a run that failed before its runner started (or after it died) answers nothing more
      throw e;
    }
  }

  /** The runner is gone: every control counts as applied and every request is refused (RunnerEnded). */
  private end() {
    this.ended = true;
    this.acknowledge(true); // nothing waits on a control the runner will never apply
    for (const a of this.answers.values()) a.reject(new RunnerEnded('the torch runner ended before it answered'));
    this.answers.clear();
  }

  /** The run folder: the generator's model.py, the starting weights, the data parts and the settings. */
  private prepare() {
    const { net, data, model } = this.session;
    const sources = pytorchSources(net);
    fs.writeFileSync(path.join(this.dir, 'model.py'), sources['model.py']);
    fs.writeFileSync(path.join(this.dir, 'netloom_layers.py'), sources['netloom_layers.py']);
    return { net, data, model };
  }

  private async writeInputs() {
    const { net, data, model } = this.session;
    const weights = await model.params.toGluon();
    const fd = fs.openSync(path.join(this.dir, 'init.safetensors'), 'w');
    try {
      for (const chunk of safetensorsChunks(weights, { format: 'netloom', layout: 'gluon' })) fs.writeSync(fd, chunk);
    } finally {
      fs.closeSync(fd);
    }
    const c = this.config;
    if (this.startAt && Object.keys(this.optState.slots).length) {
      const slots = Object.fromEntries(
        Object.entries(this.optState.slots).map(([k, v]) => [k, { shape: v.shape, data: v.data }]),
      );
      const o = fs.openSync(path.join(this.dir, 'resume-optimizer.safetensors'), 'w');
      try {
        for (const chunk of safetensorsChunks(slots)) fs.writeSync(o, chunk);
      } finally {
        fs.closeSync(o);
      }
    }
    const config = {
      network: net.name,
      backendReason: this.torchProbe.reason,
      epochs: c.epochs,
      batchSize: c.batchSize,
      seed: c.seed ?? 0,
      optimizer: c.optimizer,
      schedule: c.schedule ?? null,
      earlyStopping: c.earlyStopping ?? null,
      startPaused: !!c.startPaused,
      pauseAtStep: c.pauseAtStep ?? null,
      progressEveryMs: c.progressEveryMs ?? 100,
      inputShape: data.inputShape,
      normalize: data.normalize,
      data: dataConfig(data, this.dir),
      threads: this.options.threads ?? null,
      profile: !!this.options.profile,
      blockModules: blockModules(net),
      layerPaths: net.blocks.filter((b) => b.kind === 'layer').map((b) => b.path),
      hold: this.options.hold ?? null,
      ...(this.startAt ? { start: { ...this.startAt, optimizerStep: this.optState.step }, lr: this.learningRate } : {}),
    };
    fs.writeFileSync(path.join(this.dir, 'config.json'), JSON.stringify(config));
  }

  private async command(): Promise<string[]> {
    const python = this.torchProbe.python!;
    const device = ['--device', this.options.device ?? 'auto'];
    const { nproc = 1, nnodes = 1, rdzv } = this.options;
    if (nproc <= 1 && nnodes <= 1) return [python, '-u', RUNNER, this.dir, ...device];
    // Debian 12's torchrun (1.13 on Python 3.11) fails with "'NoneType' object has no attribute 'get'" unless
    // --redirects and --tee are non-zero; --tee 1 copies rank outputs to torchrun's stdout with a "[rank]:" prefix.
    const where =
      nnodes > 1
        ? ['--nnodes', String(nnodes), '--rdzv_backend', 'c10d', '--rdzv_endpoint', rdzv ?? '']
        : await localRendezvous();
    return [
      ...torchrunCommand(python),
      '--redirects',
      '1',
      '--tee',
      '1',
      '--nproc_per_node',
      String(nproc),
      ...where,
      RUNNER,
      this.dir,
      ...device,
    ];
  }

  private async supervise(): Promise<TorchDone> {
    await this.writeInputs();
    const [cmd, ...args] = await this.command();
    const env = { ...process.env, PYTHONUNBUFFERED: '1' };
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child = child;
    child.stdin!.on('error', () => {}); // the runner may exit first; its exit reports why
    for (const line of this.queued.splice(0)) child.stdin!.write(line);
    let done: TorchDone | null = null;
    let lingering: NodeJS.Timeout | undefined;
    let lingered = false;
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const d = this.message(line);
        if (d) {
          done = d;
          // Everything the run owes is in: a runner that then fails to exit (a teardown deadlock in a DDP
          // rank) must not hold the run open.
          lingering = setTimeout(() => {
            lingered = true;
            child.kill('SIGKILL');
          }, EXIT_GRACE_MS);
        }
      }
    });
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const lines = err.split('\n');
      err = lines.pop()!;
      this.stderrTail.push(...lines.filter((l) => l.trim()));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - 200));
    });
    const exit = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((resolve) => {
      child.on('error', (error) => resolve({ code: null, signal: null, error }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(lingering);
    this.child = null;
    this.end(); // refuses what the listeners still ask the runner: they finish on the local model
    await this.stepChain;
    if (done && lingered) {
      console.warn(
        `netloom: the torch runner had not exited ${EXIT_GRACE_MS / 1000} s after its done event; killed it`,
      );
      return done;
    }
    if (err.trim()) this.stderrTail.push(err);
    if (done && exit.code === 0) return done;
    if (exit.error) throw new Error(`cannot start ${cmd}: ${exit.error.message}`);
    throw new Error(`the torch runner failed: ${this.lastError() ?? `exit ${exit.code ?? exit.signal}`}`);
  }

  /** Python's last error line (a traceback's last line; under torchrun, a rank's, not torchrun's own report). */
  private lastError(): string | undefined {
    const lines = this.stderrTail.map((l) => l.replace(/^\[[^\]]*\]:/, '').trim()).filter(Boolean);
    const errorLine = /^([\w.]*(Error|Exception|Exit)\b|[\w.]+: )/;
    return [...lines].reverse().find((l) => errorLine.test(l) && !/ChildFailedError/.test(l)) ?? lines.at(-1);
  }

  /** One stdout line: an event (under torchrun prefixed "[default0]:"), or stray output kept for the error report. */
  private message(line: string): TorchDone | null {
    const at = line.indexOf('{');
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line.slice(at));
    } catch {
      if (line.trim()) this.stderrTail.push(line);
      return null;
    }
    const n = (v: unknown) => (typeof v === 'number' ? v : NaN); // the runner sends null for a non-finite figure
    switch (m.event) {
      case 'ack':
        this.acked = Math.max(this.acked, n(m.seq));
        if (typeof m.state === 'string') this.state = m.state as Trainer['state'];
        this.release();
        this.acknowledge();
        return null;
      case 'weights': {
        this.session.model.params.load(decodeSafetensors(fs.readFileSync(m.path as string)).tensors);
        const slots = decodeSafetensors(fs.readFileSync(m.optimizer as string)).tensors;
        this.optState = { step: n(m.optimizerStep), slots };
        this.at = { epoch: n(m.epoch), batch: n(m.batch), step: n(m.step) };
        this.learningRate = n(m.lr);
        return null;
      }
      case 'state':
        this.state = m.state as Trainer['state'];
        this.emitEvent(
          m.reason
            ? { event: 'state', state: this.state, reason: String(m.reason) }
            : { event: 'state', state: this.state },
        );
        this.release();
        return null;
      case 'progress': {
        this.at = { epoch: n(m.epoch), batch: n(m.batch), step: n(m.step) };
        this.learningRate = n(m.lr);
        const { norms, ...event } = m;
        if (norms) this.feedSteps(norms as (number | null)[][]);
        this.emitEvent(event as unknown as TrainEvent);
        return null;
      }
      case 'norms':
        this.feedSteps(m.norms as (number | null)[][]);
        return null;
      case 'hold': // the runner waits until the listeners have taken in every step up to this one
        this.stepChain = this.stepChain.then(() => void this.control({ cmd: 'release' }));
        return null;
      case 'inspection': {
        const a = this.answers.get(n(m.seq));
        this.answers.delete(n(m.seq));
        a?.resolve(m);
        return null;
      }
      case 'epoch':
        this.at = { epoch: n(m.epoch) + 1, batch: 0, step: this.at.step };
        this.emitEvent({ ...(m as object), trainLoss: n(m.trainLoss), valLoss: n(m.valLoss) } as TrainEvent);
        return null;
      case 'start': {
        const { healthNames, ...event } = m;
        this.healthNames = (healthNames as string[] | undefined) ?? [];
        this.batchesPerEpoch = n(m.batchesPerEpoch);
        this.emitEvent(event as unknown as TrainEvent);
        return null;
      }
      case 'anomaly':
        this.emitEvent(m as unknown as TrainEvent);
        return null;
      case 'done': {
        const d = { ...m, testLoss: n(m.testLoss), valLoss: m.valLoss === undefined ? undefined : n(m.valLoss) };
        if (d.valLoss === undefined) delete d.valLoss;
        this.at = { ...this.at, epoch: n(m.epochs), step: n(m.steps) };
        // As on wasm, where the monitor's checks run inside the step: whatever the step listeners still owe (a
        // dead-ReLU check's anomaly) is said before the run says it is done.
        this.stepChain = this.stepChain.then(() => this.emitEvent(d as unknown as TrainEvent));
        return d as unknown as TorchDone;
      }
    }
    return null;
  }

  /** The runner's step rows (runner.py `record`) to the step listeners, in order, one step at a time. */
  private feedSteps(rows: (number | null)[][]) {
    const f = (v: number | null) => (v === null ? NaN : v); // null: a figure that was not finite
    const k = this.healthNames.length;
    for (const r of rows) {
      const info: StepInfo = {
        step: f(r[0]),
        epoch: f(r[1]),
        batch: f(r[2]),
        batches: this.batchesPerEpoch,
        applied: true,
      };
      const norms: StepNorms = {
        names: this.healthNames,
        weightNorm: new Float32Array(k),
        gradNorm: new Float32Array(k),
        updateRatio: new Float32Array(k),
        grads: new Map(),
      };
      for (let i = 0; i < k; i++) {
        const [before, grad, after, delta] = r.slice(3 + 4 * i, 7 + 4 * i).map(f);
        norms.weightNorm[i] = after;
        norms.gradNorm[i] = grad;
        norms.updateRatio[i] = before > 0 ? delta / before : 0; // as runtime's GradientTap
      }
      this.stepChain = this.stepChain.then(async () => {
        for (const l of this.stepListeners)
          try {
            await l(info, norms);
          } catch (e) {
            console.warn(`netloom: a torch run's step listener failed: ${(e as Error).message}`);
          }
      });
    }
  }

  /** Ends the runner if it still runs (SIGKILL: nothing of it is worth waiting for) and removes its folder. */
  override dispose(): void {
    this.child?.kill('SIGKILL');
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    super.dispose();
  }
}
