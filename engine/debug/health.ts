// The health monitor: every step's parameter norms (from the step's own gradients) grouped by the layer that
// owns them, and the rules that turn them into anomalies. Thresholds are relative where scale is arbitrary.
import type { InferResult } from '../core';
import type { StepNorms } from '../runtime';

export type HealthKind = 'vanishing' | 'exploding' | 'dead';

export interface HealthAnomaly {
  kind: HealthKind;
  block: string;
  step: number;
  message: string;
}

/** A layer's gradient below this fraction of the largest layer gradient is vanishing. */
export const VANISHING_RATIO = 1e-3;
/** A step that changes a layer's weights by more than their own norm (‖Δw‖/‖w‖ > 1), or a gradient norm above this, is exploding. */
export const EXPLODING_GRAD = 1e4;
/** Consecutive measured steps a gradient condition must hold before it is reported (one odd batch is no trend). */
export const PERSIST_STEPS = 3;
/** A ReLU block is dead when more than this fraction of its units are zero for every probe sample. */
export const DEAD_FRACTION = 0.5;

export interface LayerNorms {
  block: string;
  gradNorm: number;
  weightNorm: number;
  updateRatio: number;
}

/** Per owning layer: √Σ of its parameters' squared norms; the largest update ratio of its parameters. */
export function layerNorms(net: InferResult, norms: StepNorms): LayerNorms[] {
  const owner = new Map(net.parameters.map((p) => [p.name, p.owner]));
  const by = new Map<string, { g: number; w: number; u: number }>();
  norms.names.forEach((name, i) => {
    const block = owner.get(name) ?? name;
    const e = by.get(block) ?? { g: 0, w: 0, u: 0 };
    e.g += norms.gradNorm[i] ** 2;
    e.w += norms.weightNorm[i] ** 2;
    e.u = Math.max(e.u, norms.updateRatio[i]);
    by.set(block, e);
  });
  return [...by].map(([block, e]) => ({
    block,
    gradNorm: Math.sqrt(e.g),
    weightNorm: Math.sqrt(e.w),
    updateRatio: e.u,
  }));
}

/** Fraction of units (positions of one sample's output) that are exactly zero for every probe sample. */
export function deadFraction(data: Float32Array, shape: readonly number[]): number {
  const n = shape[0],
    per = data.length / Math.max(1, n);
  if (!per) return 0;
  let dead = 0;
  for (let u = 0; u < per; u++) {
    let zero = true;
    for (let s = 0; s < n && zero; s++) zero = data[s * per + u] === 0;
    if (zero) dead++;
  }
  return dead / per;
}

/** Watches one run; each anomaly (kind, block) is reported once. */
export class HealthMonitor {
  private streak = new Map<string, number>();
  private reported = new Set<string>();

  constructor(readonly net: InferResult) {}

  /** Gradient rules on one step's norms; returns the anomalies to report now. */
  observe(norms: StepNorms, step: number): HealthAnomaly[] {
    const layers = layerNorms(this.net, norms);
    const top = Math.max(0, ...layers.map((l) => l.gradNorm));
    const out: HealthAnomaly[] = [];
    const seen = new Set<string>();
    for (const l of layers) {
      if (top > 0 && l.gradNorm < VANISHING_RATIO * top)
        this.hit(out, seen, 'vanishing', l.block, step, () => {
          const r = l.gradNorm / top;
          return `the gradient of "${l.block}" is ${r.toExponential(1)} of the largest layer gradient (${l.gradNorm.toExponential(2)} vs ${top.toExponential(2)}): its weights barely learn`;
        });
      if (l.updateRatio > 1 || l.gradNorm > EXPLODING_GRAD)
        this.hit(out, seen, 'exploding', l.block, step, () =>
          l.updateRatio > 1
            ? `a step changed the weights of "${l.block}" by ${l.updateRatio.toFixed(2)}× their norm: lower the learning rate`
            : `the gradient norm of "${l.block}" is ${l.gradNorm.toExponential(2)}: lower the learning rate or normalize`,
        );
    }
    for (const key of this.streak.keys()) if (!seen.has(key)) this.streak.delete(key);
    return out;
  }

  /** The dead-ReLU rule on probe outputs of ReLU blocks (channels first). */
  observeDead(outputs: Map<string, { data: Float32Array; shape: number[] }>, step: number): HealthAnomaly[] {
    const out: HealthAnomaly[] = [];
    for (const [block, o] of outputs) {
      const f = deadFraction(o.data, o.shape);
      const key = `dead ${block}`;
      if (f > DEAD_FRACTION && !this.reported.has(key)) {
        this.reported.add(key);
        out.push({
          kind: 'dead',
          block,
          step,
          message: `${Math.round(f * 100)}% of the units of "${block}" are zero for every probe sample (dead ReLU): lower the learning rate or use another initialization`,
        });
      }
    }
    return out;
  }

  private hit(
    out: HealthAnomaly[],
    seen: Set<string>,
    kind: HealthKind,
    block: string,
    step: number,
    msg: () => string,
  ) {
    const key = `${kind} ${block}`;
    seen.add(key);
    const n = (this.streak.get(key) ?? 0) + 1;
    this.streak.set(key, n);
    if (n >= PERSIST_STEPS && !this.reported.has(key)) {
      this.reported.add(key);
      out.push({ kind, block, step, message: msg() });
    }
  }
}
