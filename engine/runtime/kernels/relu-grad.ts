// The backward of a fused layer's relu and bias as ONE wasm kernel (simd/kernels.as.ts: reluGradBias): dz = dy ·
// step(y) and db = Σ dz over the leading axes in one pass, where the ops took three kernels (Step, Multiply, Sum),
// three passes and two intermediate tensors. Bit-identical to those ops (the same f32 products, and the sum in the
// order of our Sum kernel, sum.ts); fused-ops.ts calls it from the _FusedMatMul and FusedConv2D gradients.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { simd } from './simd';
import { byteOffset, makeOutput, ownWasmKernel, type WasmBackendLike } from './wasm-util';

export const RELU_GRAD = 'NetloomReluGrad';

type Args = { inputs: { dy: TensorInfo; y: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap };

function reluGrad({ inputs: { dy, y }, backend: b }: Args): TensorInfo[] {
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.shape.join() !== y.shape.join() || y.shape.length < 2)
    throw new Error(`relu gradient: dy ${dy.shape} and y ${y.shape} must be the same float32 shape, rank ≥ 2`);
  const inner = y.shape[y.shape.length - 1];
  const rows = y.shape.slice(0, -1).reduce((a, v) => a * v, 1);
  const dz = makeOutput(b, y.shape.slice());
  const db = makeOutput(b, [inner]);
  const acc = makeOutput(b, [2 * inner]); // float64 scratch, as sum.ts
  simd(b).reluGradBias(
    byteOffset(b, dy),
    byteOffset(b, y),
    byteOffset(b, dz),
    rows,
    inner,
    byteOffset(b, acc),
    byteOffset(b, db),
  );
  b.disposeData(acc.dataId);
  return [dz, db];
}

export const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as tf.KernelFunc,
};

/** [dz, db] of y = relu(z + bias) for the upstream dy, or null where the kernel is not in use (other backends). */
export function reluGradBiasWasm(dy: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor1D] | null {
  if (!ownWasmKernel(RELU_GRAD) || y.rank < 2) return null;
  return tf.engine().runKernel(RELU_GRAD, { dy, y }) as unknown as [tf.Tensor, tf.Tensor1D];
}
