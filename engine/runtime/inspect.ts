// Tensor-level services for visual debugging (engine/debug stays free of tfjs): a tap on the training step
// that measures every parameter's weight, gradient and update norms from the gradients the step already
// computed, and a probe forward pass that returns chosen blocks' outputs channels first.
import { tf } from './backends/tf';
import type { Model } from './model';

/** Called by trainStep around the optimizer's update (only when the update is applied). */
export interface StepProbe {
  beforeUpdate(vars: tf.Variable[], grads: Record<string, tf.Tensor>): void;
  afterUpdate(vars: tf.Variable[], grads: Record<string, tf.Tensor>): void;
}

/** What the trainer calls: the probe during the step, `afterStep` between steps (the run waits for it). */
export interface StepHook {
  probe?: StepProbe;
  afterStep?(info: StepInfo): Promise<void> | void;
}
export interface StepInfo {
  step: number;
  epoch: number;
  /** Batch index within the epoch, and batches per epoch (the last batch ends the epoch). */
  batch: number;
  batches: number;
  /** False when the loss was not finite and the update skipped (the tap then measured nothing). */
  applied: boolean;
}

export interface StepNorms {
  /** Gluon names of the trainable parameters, in ParamStore order. */
  names: string[];
  weightNorm: Float32Array;
  gradNorm: Float32Array;
  /** ‖w after − w before‖ / ‖w before‖ (0 when w before is all zeros). */
  updateRatio: Float32Array;
  /** Full gradients (Gluon name → values in storage order) of the parameters in `capture`. */
  grads: Map<string, Float32Array>;
}

/** `dense0_weight#m3` → `dense0_weight` (ParamStore's variable names carry a per-model tag). */
const gluonName = (v: tf.Variable) => v.name.replace(/#[^#]*$/, '');

/** Backends whose tensors live in this process's memory: reading one is a copy, cheaper than a chain of kernels. */
const HOST_MEMORY = new Set(['wasm', 'cpu']);

/** Σx², Σy², Σg², Σ(y−x)² of one parameter (before, after, gradient), in float64. */
function sums4(b: ArrayLike<number>, a: ArrayLike<number>, g: ArrayLike<number> | null, out: Float64Array, at: number) {
  let sb = 0,
    sa = 0,
    sg = 0,
    sd = 0;
  for (let j = 0; j < a.length; j++) {
    const x = b[j],
      y = a[j],
      d = y - x;
    sb += x * x;
    sa += y * y;
    sd += d * d;
  }
  if (g) for (let j = 0; j < g.length; j++) sg += g[j] * g[j];
  out[at] = sb;
  out[at + 1] = sa;
  out[at + 2] = sg;
  out[at + 3] = sd;
}

/**
 * Measures each applied step from its own gradients, with no second backward pass. On wasm and cpu the values
 * are read once and summed in JS (measured: ~6× less CPU than square+sum kernels per parameter, which cost ~4 %
 * of a LeNet step); elsewhere (GPU) one stacked reduction is read once per step.
 * Example: `const tap = new GradientTap(); await trainStep(m, opt, x, y, n, tap); const norms = await tap.read();`
 */
export class GradientTap implements StepProbe {
  /** Gluon names whose full gradient the next step keeps (for histograms); the rest get norms only. */
  readonly capture = new Set<string>();
  private before: tf.Tensor[] = [];
  private pending: {
    names: string[];
    sums: tf.Tensor | Float64Array;
    grads: Map<string, tf.Tensor | Float32Array>;
  } | null = null;

  /** `host`: read and sum in JS; `tensor`: one stacked reduction. Default: by the active backend. */
  constructor(private readonly mode: 'host' | 'tensor' = HOST_MEMORY.has(tf.getBackend()) ? 'host' : 'tensor') {}

  beforeUpdate(vars: tf.Variable[]): void {
    // A clone shares the variable's buffer (Identity is copy-free); assign() then gives the variable a new one.
    this.before = vars.map((v) => tf.clone(v));
  }

  afterUpdate(vars: tf.Variable[], grads: Record<string, tf.Tensor>): void {
    this.discard();
    const names = vars.map(gluonName);
    const kept = new Map<string, tf.Tensor | Float32Array>();
    let sums: tf.Tensor | Float64Array;
    if (this.mode === 'host') {
      sums = new Float64Array(vars.length * 4);
      vars.forEach((v, i) => {
        const g = grads[v.name] ? (grads[v.name].dataSync() as Float32Array) : null;
        sums4(this.before[i].dataSync(), v.dataSync(), g, sums as Float64Array, i * 4);
        if (g && this.capture.has(names[i])) kept.set(names[i], Float32Array.from(g));
      });
    } else {
      sums = tf.tidy(() => {
        const sq = (t: tf.Tensor) => tf.sum(tf.square(t));
        const rows = vars.map((v, i) => {
          const g = grads[v.name];
          return tf.stack([sq(this.before[i]), sq(v), g ? sq(g) : tf.scalar(0), sq(tf.sub(v, this.before[i]))]);
        });
        return rows.length ? tf.stack(rows) : tf.zeros([0, 4]);
      });
      vars.forEach((v, i) => {
        const g = grads[v.name];
        if (g && this.capture.has(names[i])) kept.set(names[i], tf.clone(g));
      });
    }
    tf.dispose(this.before);
    this.before = [];
    this.pending = { names, sums, grads: kept };
  }

  /** The last applied step's norms (null when no step was measured since the last read). */
  async read(): Promise<StepNorms | null> {
    const p = this.pending;
    if (!p) return null;
    this.pending = null;
    const s = p.sums instanceof Float64Array ? p.sums : ((await p.sums.data()) as Float32Array);
    const k = p.names.length;
    const weightNorm = new Float32Array(k),
      gradNorm = new Float32Array(k),
      updateRatio = new Float32Array(k);
    for (let i = 0; i < k; i++) {
      const before = Math.sqrt(s[i * 4]);
      weightNorm[i] = Math.sqrt(s[i * 4 + 1]);
      gradNorm[i] = Math.sqrt(s[i * 4 + 2]);
      updateRatio[i] = before > 0 ? Math.sqrt(s[i * 4 + 3]) / before : 0;
    }
    const grads = new Map<string, Float32Array>();
    for (const [name, t] of p.grads)
      grads.set(name, t instanceof Float32Array ? t : ((await t.data()) as Float32Array));
    this.release(p);
    return { names: p.names, weightNorm, gradNorm, updateRatio, grads };
  }

  private release(p: NonNullable<GradientTap['pending']>) {
    tf.dispose([p.sums, ...p.grads.values()].filter((t): t is tf.Tensor => t instanceof tf.Tensor));
  }

  private discard() {
    if (!this.pending) return;
    this.release(this.pending);
    this.pending = null;
  }

  dispose(): void {
    this.discard();
    tf.dispose(this.before);
    this.before = [];
  }
}

export interface BlockOutput {
  /** Channels first: (N, C, H, W) for maps, else as the block returns it. */
  shape: number[];
  data: Float32Array;
  /** Milliseconds the block took (when timed). */
  ms?: number;
}

/**
 * Runs the model in inference mode on a batch (N·C·H·W order) and returns the outputs of `paths` (all
 * blocks when omitted), channels first. Only the named outputs are kept; BatchNorm statistics are not touched.
 */
export async function probeOutputs(
  model: Model,
  x: Float32Array,
  n: number,
  paths?: readonly string[],
  timed = false,
): Promise<Map<string, BlockOutput>> {
  const record = new Map<string, tf.Tensor>();
  const timings = timed ? new Map<string, number>() : undefined;
  const only = paths ? new Set(paths) : undefined;
  tf.tidy(() => {
    model.forward(model.input(x, n), { training: false, record, only, partial: !!only, timings });
  });
  const out = new Map<string, BlockOutput>();
  for (const [path, t] of record) {
    const nchw = t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
    out.set(path, { shape: nchw.shape.slice(), data: (await nchw.data()) as Float32Array, ms: timings?.get(path) });
    if (nchw !== t) nchw.dispose();
  }
  tf.dispose([...record.values()]);
  return out;
}

/** Current values of parameters by Gluon name (storage order: statistics and histograms do not depend on it). */
export async function paramValues(model: Model, names: readonly string[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const name of names) {
    const v = model.params.vars.get(name);
    if (v) out.set(name, (await v.data()) as Float32Array);
  }
  return out;
}
