// Slice for wasm. The package's kernel is a JS loop that moves one float at a time (~10 ns per float; ResNet-18
// slices its last-stage filters every step, see fused-ops' liveTaps). A slice is a sequence of contiguous runs:
// the trailing axes it keeps whole, times the extent of the innermost axis it cuts (copyRuns).
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { copyRuns, f32Offset, heapF32, makeOutput, wasmKernel, type Info, type WasmBackendLike } from './wasm-util';

export function sliceWasm(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype !== 'float32' || x.shape.length === 0)
    return wasmKernel(tf.Slice)(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.TensorInfo & { rank: number },
    args.attrs.begin as number[],
    args.attrs.size as number[],
  );
  const r = x.shape.length;
  const b = args.backend;
  const out = makeOutput(b, size.slice());
  const total = size.reduce((a, v) => a * v, 1);
  if (total === 0) return out;
  // the innermost axis that is cut: everything after it is copied whole with it
  let cut = r - 1;
  while (cut > 0 && begin[cut] === 0 && size[cut] === x.shape[cut]) cut--;
  const stride = new Array<number>(r).fill(1);
  for (let i = r - 2; i >= 0; i--) stride[i] = stride[i + 1] * x.shape[i + 1];
  const from = f32Offset(b, x) + begin.reduce((a, v, i) => a + v * stride[i], 0);
  copyRuns(heapF32(b), f32Offset(b, out), from, size[cut] * stride[cut], size.slice(0, cut), stride.slice(0, cut));
  return out;
}

/** For composed kernels. */
export const slice = (b: WasmBackendLike, x: Info, begin: number[], size: number[]): Info =>
  sliceWasm({ inputs: { x }, backend: b, attrs: { begin, size } });

export const sliceConfig: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: 'wasm',
  kernelFunc: sliceWasm as unknown as tf.KernelFunc,
};
