// One data-parallel worker: a single-threaded wasm backend and a replica of the model and its optimizer.
// Per step: gradients of its share into its slot, arrive at the barrier (Atomics), wait for every rank,
// then the same reduction and update as every other rank (replica.ts).
import { parentPort } from 'node:worker_threads';
import { initEngineBackend } from '../backends/registry';
import { Model } from '../model';
import { Optimizer } from '../optim';
import { ABORT, ARRIVED, type FromWorker, type ToWorker } from './messages';
import { revive } from './transfer';
import { computeShare, layoutOf, loadRawWeights, rawWeights, reduceAndApply, share, slotViews } from './replica';

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

let state:
  | {
      rank: number;
      ranks: number;
      model: Model;
      opt: Optimizer;
      control: Int32Array;
      slots: ReturnType<typeof slotViews>[];
      layout: ReturnType<typeof layoutOf>;
      faultAtStep?: number;
    }
  | undefined;

/** Blocks this worker (never the engine) until all ranks arrived for step `gen`; false if the step was aborted. */
function barrier(control: Int32Array, target: number): boolean {
  for (;;) {
    if (Atomics.load(control, ABORT)) return false;
    const now = Atomics.load(control, ARRIVED);
    if (now >= target) return true;
    // A bounded wait, so an abort set without a notify is still seen.
    Atomics.wait(control, ARRIVED, now, 200);
  }
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init': {
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
        layout,
        faultAtStep: m.faultAtStep,
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
      // Dropout masks must differ between shares of one batch: each rank draws from its own stream.
      s.model.rng.state = (m.rngState ^ Math.imul(s.rank, 0x9e3779b1)) >>> 0;
      send({ type: 'synced' });
      return;
    }
    case 'step': {
      const s = state!;
      if (s.faultAtStep === m.gen)
        setImmediate(() => {
          throw new Error(`injected fault in worker ${s.rank} at step ${m.gen}`);
        });
      if (s.faultAtStep === m.gen) return;
      const x = new Float32Array(m.x),
        y = new Int32Array(m.y);
      const sampleSize = s.model.inputShape.reduce((a, b) => a * b, 1);
      const { start, n } = share(m.total, s.ranks, s.rank);
      const slot = s.slots[s.rank];
      await computeShare(
        s.model,
        s.layout,
        slot,
        x.subarray(start * sampleSize, (start + n) * sampleSize),
        y.subarray(start, start + n),
        n,
      );
      Atomics.add(s.control, ARRIVED, 1);
      Atomics.notify(s.control, ARRIVED);
      if (!barrier(s.control, m.gen * s.ranks)) return; // aborted: rank 0 is tearing the workers down
      reduceAndApply(s.model, s.opt, m.lr, s.layout, s.slots);
      send({ type: 'done', gen: m.gen });
      return;
    }
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
