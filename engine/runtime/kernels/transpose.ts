// Transpose for wasm when the last axis stays last (e.g. NHWC [N,H,W,C] → [H,W,N,C], used by the gradient
// kernels): the package's kernel moves one float at a time (~20 ms for 3M floats); here each run of C
// contiguous floats is one copyWithin. Other permutations go to the original kernel.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { f32Offset, heapF32, makeOutput, wasmKernel, type WasmBackendLike } from './wasm-util';

const MIN_CHUNK = 4; // below this the per-chunk call costs more than the element loop it replaces

export function transposeWasm(args: { inputs: { x: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { x } = args.inputs;
  const perm = args.attrs.perm as number[];
  const r = perm.length;
  const chunk = r > 0 ? x.shape[r - 1] : 1;
  if (x.dtype !== 'float32' || r < 3 || perm[r - 1] !== r - 1 || chunk < MIN_CHUNK) {
    return wasmKernel(tf.Transpose)(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  }
  const b = args.backend;
  const outShape = perm.map((p) => x.shape[p]);
  const out = makeOutput(b, outShape);
  const heap = heapF32(b);
  const src = f32Offset(b, x);
  let dst = f32Offset(b, out);
  // input strides (in floats) of the permuted outer axes
  const inStride = new Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) inStride[i] = inStride[i + 1] * x.shape[i + 1];
  const outer = outShape.slice(0, r - 1);
  const strides = perm.slice(0, r - 1).map((p) => inStride[p]);
  const idx = new Array<number>(r - 1).fill(0);
  const count = outer.reduce((a, v) => a * v, 1);
  let from = src;
  for (let k = 0; k < count; k++) {
    heap.copyWithin(dst, from, from + chunk);
    dst += chunk;
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
