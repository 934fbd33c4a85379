// Transpose for wasm when the last axis stays last (e.g. NHWC [N,H,W,C] → [H,W,N,C], used by the gradient
// kernels): the package's kernel moves one float at a time through an index computation (~20 ms for 3M
// floats); here each run of C contiguous floats is copied whole (copyRuns). Other permutations go to the
// original kernel, whose C loop beats JS at strided reads.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { copyRuns, f32Offset, heapF32, makeOutput, wasmKernel, type WasmBackendLike } from './wasm-util';

export function transposeWasm(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x } = args.inputs;
  const perm = args.attrs.perm as number[];
  const r = perm.length;
  if (x.dtype !== 'float32' || r < 2 || perm[r - 1] !== r - 1)
    return wasmKernel(tf.Transpose)(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  const b = args.backend;
  const outShape = perm.map((p) => x.shape[p]);
  const out = makeOutput(b, outShape);
  const inStride = new Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) inStride[i] = inStride[i + 1] * x.shape[i + 1];
  copyRuns(
    heapF32(b),
    f32Offset(b, out),
    f32Offset(b, x),
    outShape[r - 1],
    outShape.slice(0, r - 1),
    perm.slice(0, r - 1).map((p) => inStride[p]),
  );
  return out;
}

export const transposeConfig: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: 'wasm',
  kernelFunc: transposeWasm as unknown as tf.KernelFunc,
};
