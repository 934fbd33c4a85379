// What every rank does in a data-parallel step, written once so that all ranks run exactly the same operations
// in the same order: that, with identical starting weights and optimizer state, is what keeps the replicas (the
// workers' and the engine's own model) bit-identical: no drift, nothing re-sent.
//
// Shared memory:
//   one slot per worker (SharedArrayBuffer), in the model's storage layout (no Gluon transposes):
//     head  Float64[4]   loss, correct, n, (spare)
//     vec   Float32[G+B] every trainable variable's gradient (ParamStore.trainable() order), then every
//                        non-trainable variable's new value (BatchNorm running statistics) from this rank's rows
//     flags Uint8[T+S]   which of those variables this rank wrote
//   the reduced update, Float32[G+B]: Σ_r vec_r·n_r/N, each worker computing its own contiguous chunk of it
//   (reduce-scatter), in float64 over ranks in rank order, so every element is the same whoever computes it.
import { tf } from '../backends/tf';
import type { Model } from '../model';
import type { Optimizer } from '../optim';
import type { StepProbe } from '../inspect';
import { computeGradients, type StepResult } from '../step';

export interface Layout {
  /** Trainable variables' names, element counts and offsets in `vec`, in ParamStore.trainable() order. */
  trainable: { name: string; size: number; offset: number }[];
  /** Non-trainable variables (running statistics, constants), after the gradients in `vec`. */
  stats: { name: string; size: number; offset: number }[];
  /** G + B: the length of a slot's `vec` and of the reduced update. */
  length: number;
}

export interface Slot {
  head: Float64Array;
  vec: Float32Array;
  flags: Uint8Array;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The model's non-trainable variables, in the order of Layout.stats. */
export const statVars = (model: Model) => [...model.params.vars.values()].filter((v) => !v.trainable);

export function layoutOf(model: Model): Layout {
  let offset = 0;
  const place = (vars: tf.Variable[]) =>
    vars.map((v) => {
      const e = { name: v.name, size: size(v.shape), offset };
      offset += e.size;
      return e;
    });
  const trainable = place(model.params.trainable());
  const stats = place(statVars(model));
  return { trainable, stats, length: offset };
}

const HEAD = 32;
export function slotBytes(l: Layout): number {
  return HEAD + 4 * l.length + l.trainable.length + l.stats.length;
}

export function slotViews(buf: SharedArrayBuffer, l: Layout): Slot {
  return {
    head: new Float64Array(buf, 0, 4),
    vec: new Float32Array(buf, HEAD, l.length),
    flags: new Uint8Array(buf, HEAD + 4 * l.length, l.trainable.length + l.stats.length),
  };
}

/** Gradients of this rank's share of the batch, written into its slot (n = 0: an empty share, weight 0). */
export async function computeShare(model: Model, l: Layout, slot: Slot, x: Float32Array, y: Int32Array, n: number) {
  slot.head.fill(0);
  slot.flags.fill(0);
  if (n === 0) return;
  const { grads, updates, loss, correct } = await computeGradients(model, x, y, n);
  slot.head[0] = loss;
  slot.head[1] = correct;
  slot.head[2] = n;
  for (let i = 0; i < l.trainable.length; i++) {
    const g = grads[l.trainable[i].name];
    if (!g) continue;
    slot.vec.set(g.dataSync() as Float32Array, l.trainable[i].offset);
    slot.flags[i] = 1;
  }
  const statIndex = new Map(l.stats.map((s, i) => [s.name, i]));
  for (const u of updates) {
    const i = statIndex.get(u.variable.name)!;
    slot.vec.set(u.value.dataSync() as Float32Array, l.stats[i].offset);
    slot.flags[l.trainable.length + i] = 1;
    u.value.dispose();
  }
  tf.dispose(grads);
}

/** The whole batch's loss, correct count and size from the slots' heads (the same on every rank). */
export function batchResult(slots: Slot[]): StepResult {
  let N = 0,
    lossSum = 0,
    correct = 0;
  for (const s of slots) {
    N += s.head[2];
    lossSum += s.head[0] * s.head[2];
    correct += s.head[1];
  }
  const loss = lossSum / N;
  return { loss, correct, n: N, applied: Number.isFinite(loss) };
}

/** The variables of the layout in one list: gradients first, then statistics (the order of `vec` and flags). */
const entries = (l: Layout) => [...l.trainable, ...l.stats];

/**
 * Worker `rank`'s chunk of the reduced update: elements [start, end) of Σ_r vec_r·n_r/N over the ranks that wrote
 * each variable. The gradient of the whole batch's mean loss is Σ_r g_r·n_r/N; running statistics become the
 * n_r/N-weighted average of the ranks' new values (per-rank batch statistics as DDP without SyncBN).
 */
export function reduceChunk(l: Layout, slots: Slot[], reduced: Float32Array, rank: number): void {
  const N = slots.reduce((a, s) => a + s.head[2], 0);
  const { start, n } = share(l.length, slots.length, rank);
  const end = start + n;
  const all = entries(l);
  for (let i = 0; i < all.length; i++) {
    const e = all[i];
    const lo = Math.max(start, e.offset),
      hi = Math.min(end, e.offset + e.size);
    if (lo >= hi) continue;
    const from: Float32Array[] = [],
      weight: number[] = [];
    for (const s of slots)
      if (s.head[2] && s.flags[i]) {
        from.push(s.vec);
        weight.push(s.head[2] / N);
      }
    const R = from.length;
    for (let j = lo; j < hi; j++) {
      let acc = 0;
      for (let r = 0; r < R; r++) acc += from[r][j] * weight[r];
      reduced[j] = acc;
    }
  }
}

/**
 * Applies the reduced update to this rank's model (the same on every rank): the optimizer step with the reduced
 * gradients, then the averaged running statistics. A variable no rank wrote is left alone. `probe` (the engine's
 * model only) sees the reduced gradients around the update.
 */
export function applyReduced(
  model: Model,
  opt: Optimizer,
  lr: number,
  l: Layout,
  slots: Slot[],
  reduced: Float32Array,
  probe?: StepProbe,
): void {
  const wrote = (i: number) => slots.some((s) => s.head[2] && s.flags[i]);
  // subarray, not a copy: the wasm backend copies a new tensor's values into its heap at once (DataParallel
  // refuses other backends), and the shared buffer is rewritten only in the next step.
  const vars = model.params.trainable();
  const grads: Record<string, tf.Tensor> = {};
  l.trainable.forEach((t, i) => {
    if (wrote(i)) grads[vars[i].name] = tf.tensor(reduced.subarray(t.offset, t.offset + t.size), vars[i].shape);
  });
  opt.lr = lr;
  probe?.beforeUpdate(vars, grads);
  opt.apply(vars, grads);
  probe?.afterUpdate(vars, grads);
  tf.dispose(Object.values(grads));
  const stats = statVars(model);
  l.stats.forEach((st, i) => {
    if (wrote(l.trainable.length + i))
      tf.tidy(() => stats[i].assign(tf.tensor(reduced.subarray(st.offset, st.offset + st.size), stats[i].shape)));
  });
}

/** Every variable's values in storage layout, by Gluon name (the variable name without its per-model tag). */
export async function rawWeights(model: Model): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of model.params.vars) out[name] = (await v.data()) as Float32Array;
  return out;
}

export function loadRawWeights(model: Model, w: Record<string, Float32Array>): void {
  for (const [name, v] of model.params.vars) tf.tidy(() => v.assign(tf.tensor(w[name], v.shape)));
}

/** The rows [start, start + n) of rank r out of `ranks` (contiguous, sizes differ by at most one). */
export function share(N: number, ranks: number, r: number): { start: number; n: number } {
  const base = Math.floor(N / ranks),
    extra = N % ranks;
  return { start: r * base + Math.min(r, extra), n: base + (r < extra ? 1 : 0) };
}

/** Dropout's random state of rank r for a step seeded `seed`: distinct streams per rank and per step. */
export const rankSeed = (seed: number, rank: number) => (seed ^ Math.imul(rank + 1, 0x9e3779b1)) >>> 0;
