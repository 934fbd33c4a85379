// One training step, evaluation and prediction — the runtime's tensor-level services for engine/train,
// which itself stays free of tfjs. Inputs and outputs are plain typed arrays and numbers.
import { tf } from './backends/tf';
import { Model } from './model';
import type { BatchInput } from './input';
import type { StepProbe } from './inspect';
import type { Optimizer } from './optim';
import { countCorrect, softmaxCrossEntropy } from './loss';

export interface StepResult {
  loss: number;
  correct: number;
  n: number;
  /** false when the loss was NaN/Inf: the update was skipped. */ applied?: boolean;
}

/** The phases of one step, in order; `StepPhases.mark(p)` is called as phase p ends. */
export type StepPhase = 'upload' | 'forward' | 'loss' | 'backward' | 'read' | 'update' | 'dispose';

/** Timing hook of `npm run bench -- --phases` (engine/bench/step-phases.ts); absent in training. */
export interface StepPhases {
  mark(phase: StepPhase): void;
}

function lossAndLogits(model: Model, x: tf.Tensor, labels: Int32Array, training: boolean, phases?: StepPhases) {
  const { y, bnUpdates } = model.forward(x, { training });
  phases?.mark('forward');
  return { loss: softmaxCrossEntropy(y, labels), logits: y, bnUpdates };
}

/** Reads a batch's loss and logits (together) and counts the correct predictions on the host; disposes both. */
async function readLossAndCorrect(loss: tf.Scalar, logits: tf.Tensor, y: Int32Array, n: number) {
  const [l, z] = await Promise.all([loss.data(), logits.data()]);
  loss.dispose();
  logits.dispose();
  return { loss: l[0], correct: countCorrect(z, logits.shape[1]!, y, n) };
}

/** A batch's loss, correct count, gradients (keyed by variable name) and pending BatchNorm updates; nothing applied. */
export async function computeGradients(model: Model, x: BatchInput, y: Int32Array, n: number, phases?: StepPhases) {
  const vars = model.params.trainable();
  let updates: ReturnType<typeof lossAndLogits>['bnUpdates'] = [];
  let logits: tf.Tensor | undefined;
  const { value, grads } = tf.tidy(() => {
    const input = model.input(x, n);
    phases?.mark('upload');
    const result = tf.variableGrads(() => {
      const r = lossAndLogits(model, input, y.subarray(0, n), true, phases);
      updates = r.bnUpdates;
      logits = tf.keep(r.logits);
      phases?.mark('loss');
      return r.loss;
    }, vars);
    phases?.mark('backward');
    return result;
  });
  const { loss, correct } = await readLossAndCorrect(value, logits!, y, n);
  phases?.mark('read');
  return { vars, grads, updates, loss, correct };
}

/**
 * Forward + backward + update on one batch (x in N·C·H·W order). Softmax cross-entropy loss.
 * `probe` (visual debugging) sees the step's own gradients around the update.
 */
export async function trainStep(
  model: Model,
  opt: Optimizer,
  x: BatchInput,
  y: Int32Array,
  n: number,
  probe?: StepProbe,
  phases?: StepPhases,
): Promise<StepResult> {
  const { vars, grads, updates, loss, correct } = await computeGradients(model, x, y, n, phases);
  // A non-finite loss must not poison the weights: skip the update so the run can be inspected and resumed.
  const applied = Number.isFinite(loss);
  if (applied) {
    probe?.beforeUpdate(vars, grads);
    opt.apply(vars, grads);
    probe?.afterUpdate(vars, grads);
    Model.applyUpdates(updates);
  } else {
    for (const u of updates as { value: tf.Tensor }[]) u.value.dispose();
  }
  phases?.mark('update');
  tf.dispose(grads);
  phases?.mark('dispose');
  return { loss, correct, n, applied };
}

/** Loss and correct count on one batch in inference mode (moving averages, no dropout). */
export async function evalBatch(model: Model, x: BatchInput, y: Int32Array, n: number): Promise<StepResult> {
  const { loss, logits } = tf.tidy(() => {
    const r = lossAndLogits(model, model.input(x, n), y.subarray(0, n), false);
    return { loss: r.loss, logits: r.logits };
  });
  return { ...(await readLossAndCorrect(loss, logits, y, n)), n };
}

/** Logits for a batch, row-major [n, classes]. */
export async function predictBatch(
  model: Model,
  x: BatchInput,
  n: number,
): Promise<{ logits: Float32Array; classes: number }> {
  const y = tf.tidy(() => model.forward(model.input(x, n), { training: false }).y);
  const logits = (await y.data()) as Float32Array;
  const classes = y.shape[1]!;
  y.dispose();
  return { logits, classes };
}

/** The first block (in execution order) whose output has NaN/Inf on this batch, or null. */
export async function firstNonFinite(model: Model, x: BatchInput, n: number): Promise<string | null> {
  const record = new Map<string, tf.Tensor>();
  tf.tidy(() => {
    model.forward(model.input(x, n), { training: false, record });
  });
  let found: string | null = null;
  for (const b of model.net.blocks) {
    const t = record.get(b.path);
    if (!t || found !== null || b.kind !== 'layer') continue;
    const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(t))));
    if ((await bad.data())[0]) found = b.path;
    bad.dispose();
  }
  tf.dispose([...record.values()]);
  return found;
}
