// One data-parallel worker: a single-threaded wasm backend and a replica of the model and its optimizer.
// Per step: gradients of its share into its slot; meet the others (Atomics); reduce its chunk of the update
// (reduce-scatter); meet again; tell the engine its chunk is written; apply the whole reduced update to its replica,
// exactly as the engine and every other worker do (replica.ts).
import { parentPort } from 'node:worker_threads';
import { initEngineBackend } from '../backends/registry';
import { Model } from '../model';
import { Optimizer } from '../optim';
import { evalBatch, predictBatch } from '../step';
import {
  ABORT,
  ARRIVED,
  PHASES,
  PROGRESS,
  REDUCED,
  type Fault,
  type FromWorker,
  type Phase,
  type ToWorker,
} from './messages';
import { threadCpuMs } from './thread-cpu';
import { revive } from './transfer';
import {
  applyReduced,
  batchResult,
  computeShare,
  layoutOf,
  loadRawWeights,
  rankSeed,
  rawWeights,
  reduceChunk,
  share,
  slotViews,
  type Layout,
  type Slot,
} from './replica';

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

let state:
  | {
      rank: number;
      ranks: number;
      model: Model;
      opt: Optimizer;
      control: Int32Array;
      slots: Slot[];
      reduced: Float32Array;
      timers: Float64Array;
      layout: Layout;
      fault?: Fault;
    }
  | undefined;

/** Blocks this worker (never the engine) until `cell` reaches `target`; false if the step was aborted. */
function barrier(control: Int32Array, cell: number, target: number): boolean {
  for (;;) {
    if (Atomics.load(control, ABORT)) return false;
    const now = Atomics.load(control, cell);
    if (now >= target) return true;
    // A bounded wait, so an abort set without a notify is still seen.
    Atomics.wait(control, cell, now, 200);
  }
}

/** Phase timers: cumulative ms per phase of this rank, read by the engine (DataParallel.phases()). */
let lastMark = performance.now();
function mark(phase: Phase) {
  const now = performance.now();
  state!.timers[state!.rank * PHASES.length + PHASES.indexOf(phase)] += now - lastMark;
  lastMark = now;
}

function misbehave(f: Fault, gen: number, rank: number): void {
  if (f.kind === 'throw')
    setImmediate(() => {
      throw new Error(`injected fault in worker ${rank} at step ${gen}`);
    });
  // A kernel that never returns: this thread stops answering; only terminate() ends it.
  else for (;;);
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init': {
      if (m.fault?.kind === 'start' && (m.fault.rank ?? 1) === m.rank)
        throw new Error(`injected fault in worker ${m.rank} while starting`);
      await initEngineBackend('wasm', { threads: 1 });
      const model = new Model(revive(m.net), m.seed);
      const layout = layoutOf(model);
      state = {
        rank: m.rank,
        ranks: m.ranks,
        model,
        opt: new Optimizer(m.optimizer),
        control: new Int32Array(m.control),
        slots: m.slots.map((b) => slotViews(b, layout)),
        reduced: new Float32Array(m.reduced),
        timers: new Float64Array(m.timers),
        layout,
        fault: m.fault,
      };
      send({ type: 'ready' });
      return;
    }
    case 'sync': {
      const s = state!;
      loadRawWeights(s.model, m.weights);
      s.opt.dispose();
      s.opt = new Optimizer(s.opt.config);
      s.opt.load(m.optimizer);
      send({ type: 'synced' });
      return;
    }
    case 'step': {
      const s = state!;
      mark('idle');
      const cpu0 = threadCpuMs();
      if (s.fault && s.fault.atStep === m.gen && (s.fault.rank ?? 1) === s.rank)
        return misbehave(s.fault, m.gen, s.rank);
      const x = new Float32Array(m.x),
        y = new Int32Array(m.y);
      const sampleSize = s.model.inputShape.reduce((a, b) => a * b, 1);
      const { start, n } = share(m.total, s.ranks, s.rank);
      s.model.rng.state = rankSeed(m.seed, s.rank);
      const slot = s.slots[s.rank];
      const rows = (a: Float32Array | Int32Array, k: number) => a.subarray(start * k, (start + n) * k);
      await computeShare(s.model, s.layout, slot, rows(x, sampleSize) as Float32Array, rows(y, 1) as Int32Array, n);
      mark('compute');
      const target = m.gen * s.ranks;
      Atomics.store(s.control, PROGRESS + s.rank, 2 * m.gen - 1);
      Atomics.add(s.control, ARRIVED, 1);
      Atomics.notify(s.control, ARRIVED);
      if (!barrier(s.control, ARRIVED, target)) return; // aborted: the engine is tearing the workers down
      mark('waitGradients');
      reduceChunk(s.layout, s.slots, s.reduced, s.rank);
      mark('reduce');
      Atomics.store(s.control, PROGRESS + s.rank, 2 * m.gen);
      Atomics.add(s.control, REDUCED, 1);
      Atomics.notify(s.control, REDUCED);
      send({ type: 'done', gen: m.gen });
      if (!barrier(s.control, REDUCED, target)) return;
      mark('waitReduced');
      if (batchResult(s.slots).applied) applyReduced(s.model, s.opt, m.lr, s.layout, s.slots, s.reduced);
      mark('apply');
      s.timers[s.rank * PHASES.length + PHASES.indexOf('cpu')] += threadCpuMs() - cpu0 || 0;
      return;
    }
    case 'eval': {
      const s = state!;
      const sampleSize = s.model.inputShape.reduce((a, b) => a * b, 1);
      const { start, n } = share(m.total, s.ranks, s.rank);
      const head = s.slots[s.rank].head;
      head.fill(0);
      if (n > 0) {
        const x = new Float32Array(m.x, 4 * start * sampleSize, n * sampleSize);
        if (m.logits) {
          const { logits, classes } = await predictBatch(s.model, x, n);
          new Float32Array(m.logits, 4 * start * classes, n * classes).set(logits);
        } else {
          const r = await evalBatch(s.model, x, new Int32Array(m.y, 4 * start, n), n);
          head[0] = r.loss;
          head[1] = r.correct;
        }
        head[2] = n;
      }
      send({ type: 'evaluated' });
      return;
    }
    case 'ping': // answered after everything queued before it, the last step's apply included
      send({ type: 'pong' });
      return;
    case 'weights':
      send({ type: 'weights', weights: await rawWeights(state!.model) });
      return;
  }
}

// Messages are handled one at a time, in order (a step must not start before the sync before it finished).
let queue = Promise.resolve();
port.on('message', (m: ToWorker) => {
  queue = queue.then(() =>
    handle(m).catch((e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) })),
  );
});
