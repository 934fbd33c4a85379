// Sum and Mean for wasm when the reduced axes are the leading ones (bias gradients and BatchNorm statistics:
// over N,H,W of an NHWC tensor).
// The package's kernel first transposes the reduced axes to the end, a full copy at ~7 ns/float; ours
// (simd/kernels.as.ts: sumRows) reads the data once, four channels at a time. Other reductions go to the
// original kernel.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { simd } from './simd';
import { byteOffset, makeOutput, wasmKernel, type WasmBackendLike } from './wasm-util';

function reduceLeading(
  kernel: string,
  mean: boolean,
  args: { inputs: { x: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap },
): TensorInfo {
  const { x } = args.inputs;
  const r = x.shape.length;
  const axes = tf.util.parseAxisParam(args.attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
  const keepDims = !!args.attrs.keepDims;
  const prefix = axes.length > 0 && axes.length < r && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !prefix)
    return wasmKernel(kernel)(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  const rows = x.shape.slice(0, axes.length).reduce((a, v) => a * v, 1);
  const inner = x.shape.slice(axes.length).reduce((a, v) => a * v, 1);
  const b = args.backend;
  const outShape = keepDims ? x.shape.map((v, i) => (i < axes.length ? 1 : v)) : x.shape.slice(axes.length);
  const out = makeOutput(b, outShape);
  const acc = makeOutput(b, [2 * inner]); // float64 scratch for the running sums
  simd(b).sumRows(byteOffset(b, x), rows, inner, byteOffset(b, acc), byteOffset(b, out), mean ? 1 / rows : 1);
  b.disposeData(acc.dataId);
  return out;
}

type Args = Parameters<typeof reduceLeading>[2];
export const sumWasm = (args: Args) => reduceLeading(tf.Sum, false, args);
export const meanWasm = (args: Args) => reduceLeading(tf.Mean, true, args);

export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: sumWasm as unknown as tf.KernelFunc,
};

export const meanConfig: tf.KernelConfig = {
  kernelName: tf.Mean,
  backendName: 'wasm',
  kernelFunc: meanWasm as unknown as tf.KernelFunc,
};
