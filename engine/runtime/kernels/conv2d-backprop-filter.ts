// Conv2DBackpropFilter for wasm, which tfjs-wasm lacks (training any conv net fails without it).
// dW[kh,kw,ci,co] = Σ_{n,i,j} x[n, i·s+kh−pad, j·s+kw−pad, ci] · dy[n,i,j,co] is itself a convolution once batch
// and channels swap roles: input xᵀ = [Ci,H,W,N], "filter" dyᵀ = [Ho,Wo,N,Co], dilation = the forward stride.
// XNNPACK's Conv2D then runs it as ONE GEMM (M = Ci·kh·kw, K = N·Ho·Wo, N = Co) through its indirection
// buffer: im2col without materialising the im2col matrix, and without one matmul per filter tap.
// Measured alternatives at LeNet shapes, batch 256, one thread: im2col written by a JS loop + one matmul was
// ~1.5× slower (JS costs ~10 ns per float written); per-tap Slice+Concat im2col ~10× slower.
import type { Conv2DBackpropFilterAttrs, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { transposeWasm } from './transpose';
import { assertShape, release, run, slice, type WasmBackendLike } from './wasm-util';

const transpose = (b: WasmBackendLike, x: TensorInfo, perm: number[]) => transposeWasm({ inputs: { x }, backend: b, attrs: { perm } });

export function conv2dBackpropFilterWasm(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs;
  const b = args.backend;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const [kh, kw, ci, co] = filterShape;
  assertShape('Conv2DBackpropFilter dy', dy.shape, info.outShape);
  const { top, left } = info.padInfo;
  // Bottom/right padding so the "output" has exactly kh×kw rows/cols; when the forward conv ignored trailing
  // input rows (stride not dividing H), the extra output is sliced away instead.
  const bottom = Math.max(0, kh + (info.outHeight - 1) * info.strideHeight - info.inHeight - top);
  const right = Math.max(0, kw + (info.outWidth - 1) * info.strideWidth - info.inWidth - left);

  const xT = transpose(b, x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyT = transpose(b, dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  const conv = run('Conv2D', b, { x: xT, filter: dyT }, {
    strides: [1, 1],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [info.strideHeight, info.strideWidth],
    dimRoundingMode: undefined as unknown as string,
  });
  release(b, xT, dyT);
  let g = conv; // [Ci, ≥kh, ≥kw, Co]
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    g = slice(b, conv, [0, 0, 0, 0], [ci, kh, kw, co]);
    release(b, conv);
  }
  const dw = transpose(b, g, [1, 2, 0, 3]); // [kh, kw, Ci, Co]
  release(b, g);
  return dw;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
