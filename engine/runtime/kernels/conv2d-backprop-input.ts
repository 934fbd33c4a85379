// Conv2DBackpropInput for wasm. The package has one, but it is a plain C loop (~330 ms for LeNet's second conv
// at batch 256, 6× the forward conv). dx is the "full" correlation of dy with the filter rotated by 180° and its
// in/out channels swapped, so XNNPACK's Conv2D computes it as one GEMM:
//   stride 1: dx = conv(dy, rot180(W)ᵀ, pad = k−1−pad);
//   stride s: dy is first spread on an s-times finer grid with zeros between (reshape → pad → reshape), then the
//   same stride-1 conv. That costs s² more multiply-adds on zeros but stays in XNNPACK, far ahead of the C loop.
import type { Conv2DBackpropInputAttrs, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { assertShape, release, reshape, run, slice, transpose, wasmKernel, type Info, type WasmBackendLike } from './wasm-util';

/** dy [N,Ho,Wo,C] → [N,Ho·sh,Wo·sw,C] with dy[n,i,j] at (i·sh, j·sw) and zeros elsewhere. */
function spread(b: WasmBackendLike, dy: Info, sh: number, sw: number): Info {
  if (sh === 1 && sw === 1) return reshape(b, dy, dy.shape.slice()); // a reference the caller may release
  const [n, ho, wo, c] = dy.shape;
  const r6 = reshape(b, dy, [n, ho, 1, wo, 1, c]);
  const padded = run('PadV2', b, { x: r6 }, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0,
  });
  release(b, r6);
  const out = reshape(b, padded, [n, ho * sh, wo * sw, c]);
  release(b, padded);
  return out;
}

export function conv2dBackpropInputWasm(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs;
  const b = args.backend;
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropInput on wasm supports NHWC only, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number], filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  assertShape('Conv2DBackpropInput dy', dy.shape, info.outShape);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: H, inWidth: W } = info;
  const { top, left } = info.padInfo;
  const pt = kh - 1 - top;
  const pl = kw - 1 - left;
  // rows of the spread dy beyond the last real one are zeros already; pad/crop to land exactly on H×W
  const pb = H + kh - 1 - pt - info.outHeight * sh;
  const pr = W + kw - 1 - pl - info.outWidth * sw;
  if (pt < 0 || pl < 0) {
    // padding wider than the kernel (unusual): the package's kernel handles it
    return wasmKernel(tf.Conv2DBackpropInput)(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  }
  const rotated = run('Reverse', b, { x: filter }, { dims: [0, 1] });
  const wT = transpose(b, rotated, [0, 1, 3, 2]); // [kh, kw, Co, Ci]
  release(b, rotated);
  let src = spread(b, dy, sh, sw);
  const [n, hs, ws, co] = src.shape;
  if (pb < 0 || pr < 0) {
    const cropped = slice(b, src, [0, 0, 0, 0], [n, hs + Math.min(0, pb), ws + Math.min(0, pr), co]);
    release(b, src);
    src = cropped;
  }
  const dx = run('Conv2D', b, { x: src, filter: wT }, {
    strides: [1, 1],
    pad: [[0, 0], [pt, Math.max(0, pb)], [pl, Math.max(0, pr)], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined as unknown as string,
  });
  release(b, src, wT);
  assertShape('Conv2DBackpropInput dx', dx.shape, inputShape);
  return dx;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm as unknown as tf.KernelFunc,
};
