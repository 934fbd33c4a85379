// Transpose for wasm when the last axis stays last (e.g. NHWC [N,H,W,C] → [H,W,N,C], used by the gradient
// kernels): the package's kernel moves one float at a time through an index computation (~20 ms for 3M
// floats); here each run of C contiguous floats is one copyWithin (C ≥ 64) or a short loop. Other
// permutations go to the original kernel.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { f32Offset, heapF32, makeOutput, wasmKernel, type WasmBackendLike } from './wasm-util';

const COPY_WITHIN = 64; // runs at least this long are one copyWithin call; shorter ones a loop

export function transposeWasm(args: { inputs: { x: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { x } = args.inputs;
  const perm = args.attrs.perm as number[];
  const r = perm.length;
  // a moving last axis means strided reads, where the package's C loop is faster than JS
  if (x.dtype !== 'float32' || r < 2 || perm[r - 1] !== r - 1) return wasmKernel(tf.Transpose)(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  const b = args.backend;
  const outShape = perm.map((p) => x.shape[p]);
  const out = makeOutput(b, outShape);
  const heap = heapF32(b);
  let dst = f32Offset(b, out);
  const inStride = new Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) inStride[i] = inStride[i + 1] * x.shape[i + 1];
  const run = outShape[r - 1];
  const outer = outShape.slice(0, r - 1);
  const strides = perm.slice(0, r - 1).map((p) => inStride[p]);
  const idx = new Array<number>(r - 1).fill(0);
  const count = outer.reduce((a, v) => a * v, 1);
  let from = f32Offset(b, x);
  for (let k = 0; k < count; k++) {
    if (run >= COPY_WITHIN) heap.copyWithin(dst, from, from + run);
    else for (let j = 0; j < run; j++) heap[dst + j] = heap[from + j];
    dst += run;
    // odometer increment over the output's outer axes, tracking the input offset incrementally
    for (let a = r - 2; a >= 0; a--) {
      idx[a]++;
      from += strides[a];
      if (idx[a] < outer[a]) break;
      from -= strides[a] * outer[a];
      idx[a] = 0;
    }
  }
  return out;
}

export const transposeConfig: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: 'wasm',
  kernelFunc: transposeWasm as unknown as tf.KernelFunc,
};
