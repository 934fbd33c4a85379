// Optimizers with explicit, checkpointable state (Gluon's update rules): SGD with momentum and weight decay, Adam.
import { tf } from './backends/tf';
import { ADAM_UPDATE, fusedUpdates, SGD_UPDATE } from './kernels/optimizer-update';

export interface OptimizerConfig {
  type: 'sgd' | 'adam';
  lr: number;
  momentum?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** `dense0_weight#m3` → `dense0_weight` (see ParamStore). */
const gluonName = (v: tf.Variable) => v.name.replace(/#[^#]*$/, '');

export interface OptimizerState {
  step: number;
  slots: Record<string, { shape: number[]; data: Float32Array }>;
}

export class Optimizer {
  lr: number;
  step = 0;
  private slots = new Map<string, tf.Variable>();

  constructor(readonly config: OptimizerConfig) {
    this.lr = config.lr;
  }

  /** Slots are keyed by the parameter's Gluon name (variable names carry a per-model tag) so state restores into another model. */
  private slot(key: string, like: tf.Tensor): tf.Variable {
    let s = this.slots.get(key);
    if (!s) {
      s = tf.variable(tf.zerosLike(like), false);
      this.slots.set(key, s);
    }
    return s;
  }

  /** One update of every variable that has a gradient (grads keyed by variable name, as tf.variableGrads gives). */
  apply(vars: tf.Variable[], grads: Record<string, tf.Tensor>): void {
    this.step++;
    const { type, momentum = 0, weightDecay = 0, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = this.config;
    const lr = this.lr;
    const fused = fusedUpdates();
    tf.tidy(() => {
      for (const w of vars) {
        const g0 = grads[w.name];
        if (!g0) continue;
        if (fused) {
          // wasm: one kernel per parameter, the same f32 operations as the ops below (kernels/optimizer-update.ts)
          const slots =
            type === 'sgd'
              ? momentum
                ? [this.slot(`${gluonName(w)}/v`, w)]
                : []
              : [this.slot(`${gluonName(w)}/m`, w), this.slot(`${gluonName(w)}/v`, w)];
          const inputs = type === 'sgd' ? { w, g: g0, v: slots[0] } : { w, g: g0, m: slots[0], v: slots[1] };
          const attrs = { lr, momentum, weightDecay, beta1, beta2, epsilon, step: this.step };
          const [nw, ...ns] = tf
            .engine()
            .runKernel(
              type === 'sgd' ? SGD_UPDATE : ADAM_UPDATE,
              Object.fromEntries(Object.entries(inputs).filter(([, t]) => t)) as tf.NamedTensorMap,
              attrs as unknown as tf.NamedAttrMap,
            ) as tf.Tensor[];
          w.assign(nw);
          slots.forEach((sl, i) => sl.assign(ns[i]));
          continue;
        }
        const g = weightDecay ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
        if (type === 'sgd') {
          if (!momentum) {
            w.assign(tf.sub(w, tf.mul(g, lr)));
            continue;
          }
          const v = this.slot(`${gluonName(w)}/v`, w);
          v.assign(tf.sub(tf.mul(v, momentum), tf.mul(g, lr)));
          w.assign(tf.add(w, v));
        } else {
          const m = this.slot(`${gluonName(w)}/m`, w),
            v = this.slot(`${gluonName(w)}/v`, w);
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const mhat = tf.div(m, 1 - beta1 ** this.step),
            vhat = tf.div(v, 1 - beta2 ** this.step);
          w.assign(tf.sub(w, tf.div(tf.mul(mhat, lr), tf.add(tf.sqrt(vhat), epsilon))));
        }
      }
    });
  }

  async state(): Promise<OptimizerState> {
    const slots: OptimizerState['slots'] = {};
    for (const [k, v] of this.slots) slots[k] = { shape: v.shape, data: (await v.data()) as Float32Array };
    return { step: this.step, slots };
  }

  load(state: OptimizerState): void {
    this.step = state.step;
    for (const [k, s] of Object.entries(state.slots)) {
      const t = tf.tensor(s.data, s.shape);
      const v = this.slots.get(k);
      if (v) {
        v.assign(t);
        t.dispose();
      } else this.slots.set(k, tf.variable(t, false));
    }
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}
