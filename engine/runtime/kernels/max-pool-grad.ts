// MaxPoolGrad for wasm. The package's C kernel takes ~70 ms for LeNet's first pool (256×24×24×20) — more
// than the convolutions around it. Ours (simd/kernels.as.ts) finds, for each output position and channel,
// where in the window the forward max came from and puts dy there: for the common 2×2/stride-2 tiling four
// channels at a time with comparison masks (~4 ms for that pool), any other window with a scalar scan.
import type { MaxPoolGradAttrs, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { simd } from './simd';
import { byteOffset, heapF32, makeOutput, type WasmBackendLike } from './wasm-util';

export function maxPoolGradWasm(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { dy, input, output } = args.inputs;
  const b = args.backend;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const ci = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = ci;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = ci;
  const { top, left } = ci.padInfo;
  const dx = makeOutput(b, input.shape.slice());
  const [xo, yo, dyo, dxo] = [input, output, dy, dx].map((t) => byteOffset(b, t));
  // The forward output y is bitwise one of the window's values, so the argmax is the first position equal to
  // y (row-major), which is tfjs-cpu's rule (strict '>' scan). A NaN window matches nothing: no gradient.
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && H === 2 * Ho && W === 2 * Wo) {
    simd(b).maxPoolGrad2x2(xo, yo, dyo, dxo, N, Ho, Wo, C);
    return dx;
  }
  heapF32(b).fill(0, dxo / 4, dxo / 4 + N * H * W * C);
  simd(b).maxPoolGrad(xo, yo, dyo, dxo, N, H, W, C, Ho, Wo, fh, fw, sh, sw, top, left);
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as tf.KernelFunc,
};
