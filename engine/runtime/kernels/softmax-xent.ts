// Softmax cross-entropy as ONE wasm kernel (simd/kernels.as.ts: softmaxXent) returning the loss and its gradient:
// loss.ts's composite op dispatched nine kernels forward (max, exp, sum, log, …) and five backward on a [256, 10]
// batch, each costing more in tfjs's bookkeeping than in arithmetic. The same formula and f32 steps (the loss
// summed in float64): within 1e-6 of the ops (loss.test.ts).
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { simd } from './simd';
import { byteOffset, f32Offset, heapF32, makeOutput, ownWasmKernel, type WasmBackendLike } from './wasm-util';

export const SOFTMAX_XENT = 'NetloomSoftmaxXent';

type Args = { inputs: { logits: TensorInfo; labels: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap };

function softmaxXent({ inputs: { logits, labels }, backend: b }: Args): TensorInfo[] {
  const [rows, classes] = logits.shape;
  if (
    logits.dtype !== 'float32' ||
    logits.shape.length !== 2 ||
    labels.dtype !== 'int32' ||
    labels.shape.join() !== `${rows}`
  )
    throw new Error(`softmax cross-entropy: logits ${logits.shape} (float32, 2-D) and labels ${labels.shape} (int32)`);
  const grad = makeOutput(b, [rows, classes]);
  const loss = makeOutput(b, []);
  const value = simd(b).softmaxXent(byteOffset(b, logits), byteOffset(b, labels), rows, classes, byteOffset(b, grad));
  heapF32(b)[f32Offset(b, loss)] = value;
  return [loss, grad];
}

export const softmaxXentConfig: tf.KernelConfig = {
  kernelName: SOFTMAX_XENT,
  backendName: 'wasm',
  kernelFunc: softmaxXent as unknown as tf.KernelFunc,
};

let gradientRegistered = false;

/**
 * Mean softmax cross-entropy by the kernel, differentiable w.r.t. the logits (d loss = dy · grad), or null where
 * the kernel is not in use (other backends, NETLOOM_WASM_KERNELS=package).
 */
export function softmaxXentWasm(logits: tf.Tensor, labels: ArrayLike<number>): tf.Scalar | null {
  if (!ownWasmKernel(SOFTMAX_XENT)) return null;
  if (!gradientRegistered) {
    gradientRegistered = true;
    tf.registerGradient({
      kernelName: SOFTMAX_XENT,
      outputsToSave: [false, true],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
        logits: () => tf.mul((dy as tf.Tensor[])[0], saved[0]),
      }),
    });
  }
  const y = tf.tensor1d(Int32Array.from(labels), 'int32');
  const [loss, grad] = tf.engine().runKernel(SOFTMAX_XENT, { logits, labels: y }) as unknown as tf.Tensor[];
  y.dispose();
  grad.dispose();
  return loss as tf.Scalar;
}
