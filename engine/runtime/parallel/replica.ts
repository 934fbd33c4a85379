// What every rank (the engine's own model = rank 0, each worker's replica = rank 1…W-1) does in a data-parallel
// step, written once so that all ranks run exactly the same operations in the same order: that, with identical
// starting weights and optimizer state, is what keeps the replicas bit-identical (no drift, nothing re-sent).
//
// Shared memory, one SharedArrayBuffer per rank ("slot"), in the model's storage layout (no Gluon transposes):
//   head  Float64[4]  loss, correct, n, (spare)
//   grads Float32[G]  every trainable variable's gradient, concatenated in ParamStore.trainable() order
//   bn    Float32[B]  every non-trainable variable's new value (BatchNorm running statistics) from this rank's batch
//   flags Uint8[T+S]  which gradients / non-trainable values this rank wrote
// Every rank reads all slots and reduces them in rank order in float64, so the sums are the same everywhere.
import { tf } from '../backends/tf';
import type { Model } from '../model';
import type { Optimizer } from '../optim';
import type { StepProbe } from '../inspect';
import { computeGradients, type StepResult } from '../step';

export interface Layout {
  /** Trainable variables' names and element counts, in ParamStore.trainable() order. */
  trainable: { name: string; size: number; offset: number }[];
  /** Non-trainable variables (running statistics, constants). */
  stats: { name: string; size: number; offset: number }[];
  gradSize: number;
  statSize: number;
}

export interface Slot {
  head: Float64Array;
  grads: Float32Array;
  stats: Float32Array;
  flags: Uint8Array;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function layoutOf(model: Model): Layout {
  const place = (vars: tf.Variable[]) => {
    let offset = 0;
    const out = vars.map((v) => {
      const e = { name: v.name, size: size(v.shape), offset };
      offset += e.size;
      return e;
    });
    return { out, total: offset };
  };
  const t = place(model.params.trainable());
  const s = place([...model.params.vars.values()].filter((v) => !v.trainable));
  return { trainable: t.out, stats: s.out, gradSize: t.total, statSize: s.total };
}

export function slotBytes(l: Layout): number {
  const floats = 8 * 4 + 4 * (l.gradSize + l.statSize);
  return floats + l.trainable.length + l.stats.length;
}

export function slotViews(buf: SharedArrayBuffer, l: Layout): Slot {
  const g0 = 32,
    s0 = g0 + 4 * l.gradSize,
    f0 = s0 + 4 * l.statSize;
  return {
    head: new Float64Array(buf, 0, 4),
    grads: new Float32Array(buf, g0, l.gradSize),
    stats: new Float32Array(buf, s0, l.statSize),
    flags: new Uint8Array(buf, f0, l.trainable.length + l.stats.length),
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
    slot.grads.set((await g.data()) as Float32Array, l.trainable[i].offset);
    slot.flags[i] = 1;
  }
  const statIndex = new Map(l.stats.map((s, i) => [s.name, i]));
  for (const u of updates) {
    const i = statIndex.get(u.variable.name)!;
    slot.stats.set((await u.value.data()) as Float32Array, l.stats[i].offset);
    slot.flags[l.trainable.length + i] = 1;
    u.value.dispose();
  }
  tf.dispose(grads);
}

/**
 * Reduces all slots (rank order, float64) and applies the result to this rank's model: the gradient of the
 * whole batch's mean loss is Σ_r g_r·n_r/N; running statistics become the n_r/N-weighted average of the ranks'
 * new values (per-rank batch statistics as DDP without SyncBN; the moving mean's average equals the one a single
 * worker would compute, the moving variance averages within-share variances). A non-finite loss skips the update
 * on every rank alike. `probe` (rank 0 only) sees the reduced gradients.
 */
export function reduceAndApply(model: Model, opt: Optimizer, lr: number, l: Layout, slots: Slot[], probe?: StepProbe) {
  let N = 0,
    lossSum = 0,
    correct = 0;
  for (const s of slots) {
    N += s.head[2];
    lossSum += s.head[0] * s.head[2];
    correct += s.head[1];
  }
  const loss = lossSum / N;
  const result: StepResult = { loss, correct, n: N, applied: Number.isFinite(loss) };
  if (!result.applied) return result;
  const mean = (pick: (s: Slot) => Float32Array, flag: number, offset: number, count: number) => {
    const out = new Float64Array(count);
    let any = false;
    for (const s of slots) {
      if (!s.head[2] || !s.flags[flag]) continue;
      any = true;
      const w = s.head[2] / N,
        v = pick(s);
      for (let j = 0; j < count; j++) out[j] += v[offset + j] * w;
    }
    return any ? Float32Array.from(out) : null;
  };
  const vars = model.params.trainable();
  const grads: Record<string, tf.Tensor> = {};
  l.trainable.forEach((t, i) => {
    const g = mean((s) => s.grads, i, t.offset, t.size);
    if (g) grads[vars[i].name] = tf.tensor(g, vars[i].shape);
  });
  opt.lr = lr;
  probe?.beforeUpdate(vars, grads);
  opt.apply(vars, grads);
  probe?.afterUpdate(vars, grads);
  tf.dispose(Object.values(grads));
  const statVars = [...model.params.vars.values()].filter((v) => !v.trainable);
  l.stats.forEach((st, i) => {
    const v = mean((s) => s.stats, l.trainable.length + i, st.offset, st.size);
    if (v) tf.tidy(() => statVars[i].assign(tf.tensor(v, statVars[i].shape)));
  });
  return result;
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

/** The batch rows [start, start + n) of rank r out of `ranks` (contiguous, sizes differ by at most one). */
export function share(N: number, ranks: number, r: number): { start: number; n: number } {
  const base = Math.floor(N / ranks),
    extra = N % ranks;
  return { start: r * base + Math.min(r, extra), n: base + (r < extra ? 1 : 0) };
}
