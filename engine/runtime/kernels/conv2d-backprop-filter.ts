// Conv2DBackpropFilter for wasm, which tfjs-wasm lacks (training any conv net fails without it).
// dW[kh,kw,ci,co] = Σ_{n,i,j} x[n, i·s+kh−pad, j·s+kw−pad, ci] · dy[n,i,j,co] is itself a convolution once batch
// and channels swap roles: input xᵀ = [Ci,H,W,N], "filter" dyᵀ = [Ho,Wo,N,Co], dilation = the forward stride.
// XNNPACK's Conv2D then runs it as ONE GEMM (M = Ci·kh·kw, K = N·Ho·Wo, N = Co) through its indirection
// buffer: im2col without materialising the im2col matrix, and without one matmul per filter tap.
// That GEMM's packed operand is dy, though, re-packed on every call (~15 ns per float), after two transposes.
// When a layer widens (Ci < Co: first layers, downsampling stages) the transposed im2col matrix
// [kh·kw·Ci, N·Ho·Wo] is cheaper: written by simd/kernels.as.ts (im2colT) and multiplied by dy on our GEMM
// (batch-mat-mul.ts, which packs nothing), a slice of the batch at a time. Measured at batch 256 (ms, conv →
// im2col with XNNPACK's matmul): LeNet conv1 5×5×1→20 69 → 37, conv2 3×3×20→50 49 → 43, ResNet stem 7×7×1→64
// 67 → 41, 1×1 s2 128→256 15 → 5; where Ci = Co the conv stays ahead (3×3×64→64 54 vs 70, 3×3×256→256 45 vs 57).
import type { Conv2DBackpropFilterAttrs, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { batchMatMulConfig } from './batch-mat-mul';
import { simd } from './simd';
import { slice } from './slice';
import { transposeWasm } from './transpose';
import {
  assertShape,
  byteOffset,
  f32Offset,
  heapF32,
  makeOutput,
  release,
  reshape,
  run,
  type Info,
  type WasmBackendLike,
} from './wasm-util';

const transpose = (b: WasmBackendLike, x: TensorInfo, perm: number[]) =>
  transposeWasm({ inputs: { x }, backend: b, attrs: { perm } });

export function conv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x, dy } = args.inputs;
  const b = args.backend;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [kh, kw, ci, co] = filterShape;
  assertShape('Conv2DBackpropFilter dy', dy.shape, info.outShape);
  if (ci < co && info.dilationHeight === 1 && info.dilationWidth === 1) return viaIm2col(b, x, dy, info);
  const { top, left } = info.padInfo;
  // Bottom/right padding so the "output" has exactly kh×kw rows/cols; when the forward conv ignored trailing
  // input rows (stride not dividing H), the extra output is sliced away instead.
  const bottom = Math.max(0, kh + (info.outHeight - 1) * info.strideHeight - info.inHeight - top);
  const right = Math.max(0, kw + (info.outWidth - 1) * info.strideWidth - info.inWidth - left);

  const xT = transpose(b, x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyT = transpose(b, dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  const conv = run(
    'Conv2D',
    b,
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
      dimRoundingMode: undefined as unknown as string,
    },
  );
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

/**
 * Bytes of im2col matrix and dy (twice: room for a packed copy) that one slice of the batch may take. One product
 * over the whole batch streamed ~20 MB (LeNet conv2 at batch 256) out to memory and back; slices this size stay in
 * cache, and their products sum to the same dW. Measured on one thread, LeNet at batch 256 (ms, whole → slices of
 * 8–16 images, XNNPACK's matmul): conv2 88 → 51, conv1 51 → 38, the step 310 → 252; 4 images per slice is slower
 * again (per-call costs). On our GEMM, which packs nothing: conv1 ~15 either way, conv2 48 → 41 with slices.
 */
export const IM2COL_SLICE_BYTES = 1.5 * 2 ** 20;

/** dW = colᵀ · dy with colᵀ[(a,b,k), (n,i,j)] = x[n, i·sh + a − top, j·sw + b − left, k] (0 outside). */
function viaIm2col(b: WasmBackendLike, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { batchSize: n, inHeight: H, inWidth: W, inChannels: ci, outChannels: co, outHeight: ho, outWidth: wo } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const m = kh * kw * ci;
  const slice = Math.max(1, Math.floor(IM2COL_SLICE_BYTES / (4 * (m + 2 * co) * ho * wo)));
  /** dW of images [n0, n0 + nc): dy's rows are read in place when the slice is the whole batch. */
  const part = (n0: number, nc: number) => {
    const p = nc * ho * wo;
    const col = makeOutput(b, [1, m, p]);
    simd(b).im2colT(
      byteOffset(b, x) + 4 * n0 * H * W * ci,
      byteOffset(b, col),
      nc,
      H,
      W,
      ci,
      kh,
      kw,
      ho,
      wo,
      sh,
      sw,
      top,
      left,
    );
    let dyPart: Info;
    if (nc === n) dyPart = reshape(b, dy, [1, p, co]);
    else {
      // a tensor of its own (the package's matmul, where ours declines, caches its packed operand by tensor id)
      dyPart = makeOutput(b, [1, p, co]);
      const from = f32Offset(b, dy) + n0 * ho * wo * co;
      heapF32(b).copyWithin(f32Offset(b, dyPart), from, from + p * co);
    }
    const dw = batchMatMulConfig.kernelFunc({
      inputs: { a: col, b: dyPart },
      backend: b as unknown as tf.KernelBackend,
      attrs: { transposeA: false, transposeB: false },
    }) as Info; // [1, kh·kw·Ci, Co]
    release(b, col, dyPart);
    return dw;
  };
  const total = part(0, Math.min(slice, n));
  for (let n0 = slice; n0 < n; n0 += slice) {
    const dw = part(n0, Math.min(slice, n - n0));
    const heap = heapF32(b); // after the mallocs
    const t = f32Offset(b, total),
      d = f32Offset(b, dw);
    for (let i = 0; i < m * co; i++) heap[t + i] += heap[d + i];
    release(b, dw);
  }
  const out = reshape(b, total, [kh, kw, ci, co]);
  release(b, total);
  return out;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
