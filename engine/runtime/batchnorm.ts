// Training-mode BatchNorm as one differentiable unit with the closed-form gradient
//   dx = γ·σ⁻¹/m · (m·dy − Σdy − x̂·Σ(dy·x̂)),  dγ = Σ(dy·x̂),  dβ = Σdy
// instead of autodiff through moments(): about half the kernel calls, which dominate ResNet's small ops.
import { tf } from './backends/tf';

export interface BatchStats {
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/**
 * y = γ·(x − μ_B)/√(σ²_B + ε) + β over `axes` (all but channels). `onStats` receives the batch mean and
 * (biased) variance, kept past the caller's tidy, for the moving averages.
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
  axes: number[],
  onStats: (s: BatchStats) => void,
): tf.Tensor {
  const count = axes.reduce((a, i) => a * x.shape[i]!, 1);
  const f = tf.customGrad(((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const { mean, variance } = tf.moments(xi, axes);
    const invstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(xi, mean), invstd);
    save([xhat, invstd, g]);
    const value = tf.add(tf.mul(xhat, g), b);
    onStats({ mean: tf.keep(mean), variance: tf.keep(variance) }); // last: the callback may dispose them
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, inv, gm] = saved;
        const dbeta = tf.sum(dy, axes);
        const dgamma = tf.sum(tf.mul(dy, xh), axes);
        const scale = tf.div(tf.mul(gm, inv), count);
        const dx = tf.mul(scale, tf.sub(tf.sub(tf.mul(dy, count), dbeta), tf.mul(xh, dgamma)));
        return [dx, dgamma, dbeta];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta);
}
