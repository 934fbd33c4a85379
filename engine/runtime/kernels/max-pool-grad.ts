// MaxPoolGrad for wasm. The package's C kernel takes ~70 ms for LeNet's first pool (256×24×24×20) — more
// than the convolutions around it. This JS loop over the wasm heap does it in a few ms: for each output
// position and channel it finds where in the window the forward max came from and adds dy there.
import type { MaxPoolGradAttrs, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { f32Offset, heapF32, makeOutput, type WasmBackendLike } from './wasm-util';

export function maxPoolGradWasm(args: { inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { dy, input, output } = args.inputs;
  const b = args.backend;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const ci = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = ci;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = ci;
  const { top, left } = ci.padInfo;

  const dx = makeOutput(b, input.shape.slice());
  const heap = heapF32(b); // after makeOutput: its malloc may have grown the heap
  const xo = f32Offset(b, input);
  const yo = f32Offset(b, output);
  const dyo = f32Offset(b, dy);
  const dxo = f32Offset(b, dx);
  heap.fill(0, dxo, dxo + N * H * W * C);
  // The forward output y is bitwise one of the window's values, so the argmax is the first position equal to
  // y (row-major), which is tfjs-cpu's rule (strict '>' scan). A NaN window matches nothing: no gradient.
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && Ho * 2 <= H && Wo * 2 <= W) {
    pool2x2(heap, xo, yo, dyo, dxo, N, H, W, C, Ho, Wo);
    return dx;
  }
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * sh - top;
      const hs = Math.max(0, h0);
      const he = Math.min(H, h0 + fh);
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * sw - left;
        const ws = Math.max(0, w0);
        const we = Math.min(W, w0 + fw);
        const o = ((n * Ho + oh) * Wo + ow) * C;
        // channel-outer with an early exit measured faster than channel-inner scans for overlapping 3×3 windows
        for (let c = 0; c < C; c++) {
          const target = heap[yo + o + c];
          let found = -1;
          for (let h = hs; h < he && found < 0; h++) {
            let i = ((n * H + h) * W + ws) * C + c;
            for (let w = ws; w < we; w++, i += C) {
              if (heap[xo + i] === target) {
                found = i;
                break;
              }
            }
          }
          if (found >= 0) heap[dxo + found] += heap[dyo + o + c];
        }
      }
    }
  }
  return dx;
}

/** 2×2 windows, stride 2, no padding (LeNet's and most pools): disjoint windows, four candidates each. */
function pool2x2(heap: Float32Array, xo: number, yo: number, dyo: number, dxo: number,
  N: number, H: number, W: number, C: number, Ho: number, Wo: number): void {
  const right = C;
  const down = W * C;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        const o = ((n * Ho + oh) * Wo + ow) * C;
        const i = ((n * H + 2 * oh) * W + 2 * ow) * C;
        for (let c = 0; c < C; c++) {
          const t = heap[yo + o + c];
          const a = i + c;
          const at = heap[xo + a] === t ? a : heap[xo + a + right] === t ? a + right
            : heap[xo + a + down] === t ? a + down : heap[xo + a + down + right] === t ? a + down + right : -1;
          if (at >= 0) heap[dxo + at] = heap[dyo + o + c];
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as tf.KernelFunc,
};
