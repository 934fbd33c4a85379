// The training loss, softmax cross-entropy, as ONE custom-gradient op. Written as tfjs ops (oneHot · logSoftmax,
// sum, mean, neg) it dispatched ~26 kernels forward and ~13 backward per step, each recorded on the tape with its
// saved inputs cloned: more time in tfjs's bookkeeping than in the arithmetic on a [256, 10] batch. Inside
// tf.customGrad nothing is taped; the gradient is tfjs's own logSoftmax gradient applied to the same upstream
// gradient as before (−1/n at each label), so it is the same floats. The correct count is taken on the host from
// the logits the step reads anyway, instead of four more kernels and a second read.
import { tf } from './backends/tf';
import { softmaxXentWasm } from './kernels/softmax-xent';

/**
 * Mean softmax cross-entropy of `logits` [n, classes] against the integer `labels` (host values, n of them); its
 * gradient is (softmax − onehot)/n. A label outside 0…classes−1 counts nothing, as tf.oneHot's zero row did.
 * A NaN/Inf logit makes the loss non-finite (the step's NaN check relies on it).
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: ArrayLike<number>): tf.Scalar {
  const byKernel = softmaxXentWasm(logits, labels); // on wasm: the same op as one kernel (kernels/softmax-xent.ts)
  if (byKernel) return byKernel;
  const [n, classes] = logits.shape as [number, number];
  // −1/n at each label: the loss's weights, and exactly the upstream gradient neg∘mean∘sum∘mul gave logSoftmax.
  // Written on the host and uploaded: no OneHot/Cast/Multiply kernels (and wasm's OneHot ignores a float dtype).
  const weights = new Float32Array(n * classes);
  for (let r = 0; r < n; r++) if (labels[r] >= 0 && labels[r] < classes) weights[r * classes + labels[r]] = -1 / n;
  const w = tf.tensor2d(weights, [n, classes]);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // tfjs's logSoftmax, inlined: max-shifted, so a large logit stays finite
    const shifted = tf.sub(z, tf.max(z, 1, true));
    const lsm = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), 1, true)));
    save([lsm, w]);
    return {
      value: tf.sum(tf.mul(lsm, w)) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [savedLsm, savedW]: tf.Tensor[]) => {
        const g = tf.mul(savedW, dy);
        return tf.sub(g, tf.mul(tf.sum(g, 1, true), tf.exp(savedLsm)));
      },
    };
  });
  const loss = op(logits) as tf.Scalar;
  w.dispose();
  return loss;
}

/** How many rows of `logits` (row-major [n, classes]) have their first largest value at the label, as tf.argMax. */
export function countCorrect(logits: ArrayLike<number>, classes: number, labels: ArrayLike<number>, n: number): number {
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const o = r * classes;
    let best = 0;
    let max = logits[o];
    for (let c = 1; c < classes; c++) {
      // `>` as the backends' ArgMax: the first maximum wins, and NaN is never larger than anything
      if (logits[o + c] > max) {
        max = logits[o + c];
        best = c;
      }
    }
    if (best === labels[r]) correct++;
  }
  return correct;
}
