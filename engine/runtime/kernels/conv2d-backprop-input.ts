// Conv2DBackpropInput for wasm. The package has one, but it is a plain C loop (~330 ms for LeNet's second conv
// at batch 256, 6× the forward conv). dx is the "full" correlation of dy with the filter rotated by 180° and its
// in/out channels swapped, so XNNPACK's Conv2D computes it as one GEMM:
//   stride 1: dx = conv(dy, rot180(W)ᵀ, pad = k−1−pad);
//   stride s: split dx by phase (row mod s, column mod s). Each phase only meets the filter taps of matching
//   phase, so it is the same stride-1 correlation of dy with that tap subset; the s² phase results are then
//   interleaved into dx. Total work equals the forward conv's (spreading dy with zeros instead cost s² more).
import type { Conv2DBackpropInputAttrs, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { reverseWasm } from './reverse';
import { slice } from './slice';
import {
  assertShape,
  f32Offset,
  heapF32,
  makeOutput,
  release,
  run,
  transpose,
  wasmKernel,
  type Info,
  type WasmBackendLike,
} from './wasm-util';

/** rot180 over the spatial axes and in/out channels swapped: [kh,kw,Ci,Co] → [kh,kw,Co,Ci]. */
function flipFilter(b: WasmBackendLike, filter: Info): Info {
  const rotated = reverseWasm({ inputs: { x: filter }, backend: b, attrs: { dims: [0, 1] } });
  const wT = transpose(b, rotated, [0, 1, 3, 2]);
  release(b, rotated);
  return wT;
}

/** How one phase of dx along one axis is computed: its filter taps, dy crop and padding, output length. */
interface AxisPlan {
  taps: number[];
  crop: number;
  padBefore: number;
  padAfter: number;
  out: number;
}

/**
 * One axis of one phase. Output rows y = q + s·u (u < out) receive dy[i]·W[t] for i·s + t − pad = y, i.e.
 * t ≡ q + pad (mod s) and i = u + (q + pad − t)/s. With taps t_0 < … < t_{m−1} (step s), d = (q + pad − t_0)/s,
 * row u reads dy rows u + d − (m−1) … u + d against the reversed taps: a stride-1 correlation of dy (cropped by
 * `crop`, zero-padded by padBefore/padAfter) with the rotated tap subset.
 */
function axisPlan(q: number, s: number, k: number, pad: number, inSize: number, dySize: number): AxisPlan {
  const taps: number[] = [];
  for (let t = 0; t < k; t++) if ((((q + pad - t) % s) + s) % s === 0) taps.push(t);
  const out = Math.ceil((inSize - q) / s);
  if (taps.length === 0 || out <= 0) return { taps, crop: 0, padBefore: 0, padAfter: 0, out: Math.max(0, out) };
  const m = taps.length;
  const d = (q + pad - taps[0]) / s;
  const first = d - (m - 1); // dy row read by u = 0 against the first (reversed) tap
  const last = out - 1 + d; // dy row read by u = out−1 against the last tap
  const crop = Math.max(0, first);
  return { taps, crop, padBefore: Math.max(0, -first), padAfter: Math.max(0, last - (dySize - 1)), out };
}

/** The [rows.length, cols.length, Co, Ci] sub-filter of wT at the given tap rows and columns (block copies). */
function gatherTaps(b: WasmBackendLike, wT: Info, rows: number[], cols: number[]): Info {
  const [, kw, co, ci] = wT.shape;
  const block = co * ci;
  const out = makeOutput(b, [rows.length, cols.length, co, ci]);
  const heap = heapF32(b); // after the malloc
  const src = f32Offset(b, wT);
  let dst = f32Offset(b, out);
  for (const r of rows) {
    for (const c of cols) {
      const from = src + (r * kw + c) * block;
      heap.copyWithin(dst, from, from + block);
      dst += block;
    }
  }
  return out;
}

function phaseConv(b: WasmBackendLike, dy: Info, wT: Info, h: AxisPlan, w: AxisPlan): Info {
  const [n, dyH, dyW, co] = dy.shape;
  const [, , , ci] = wT.shape;
  // sub-filter of the flipped filter: flipped index of tap t is k−1−t; taps ascending → flipped descending,
  // and the correlation wants them in the rotated order, i.e. ascending flipped index
  const kh = wT.shape[0];
  const kw = wT.shape[1];
  const rowsF = h.taps.map((t) => kh - 1 - t).reverse();
  const colsF = w.taps.map((t) => kw - 1 - t).reverse();
  const sub = rowsF.length === kh && colsF.length === kw ? wT : gatherTaps(b, wT, rowsF, colsF);
  const usedH = Math.min(dyH - h.crop, h.out + h.taps.length - 1 - h.padBefore - h.padAfter);
  const usedW = Math.min(dyW - w.crop, w.out + w.taps.length - 1 - w.padBefore - w.padAfter);
  let src = dy;
  if (h.crop > 0 || w.crop > 0 || usedH < dyH || usedW < dyW)
    src = slice(b, dy, [0, h.crop, w.crop, 0], [n, usedH, usedW, co]);
  const out = run(
    'Conv2D',
    b,
    { x: src, filter: sub },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [h.padBefore, h.padAfter],
        [w.padBefore, w.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as unknown as string,
    },
  );
  if (src !== dy) release(b, src);
  if (sub !== wT) release(b, sub);
  assertShape('Conv2DBackpropInput phase', out.shape, [n, h.out, w.out, ci]);
  return out;
}

function strided(b: WasmBackendLike, dy: Info, filter: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const { top, left } = info.padInfo;
  const { batchSize: n, inChannels: ci } = info;
  const wT = flipFilter(b, filter);
  const dx = makeOutput(b, [n, H, W, ci]);
  const phases: { q: number; r: number; t: Info }[] = [];
  let complete = true;
  for (let q = 0; q < sh; q++) {
    const h = axisPlan(q, sh, kh, top, H, info.outHeight);
    for (let r = 0; r < sw; r++) {
      const w = axisPlan(r, sw, kw, left, W, info.outWidth);
      if (h.out === 0 || w.out === 0) continue;
      if (h.taps.length === 0 || w.taps.length === 0) {
        complete = false; // this phase of dx only ever meets padding or skipped rows: zeros
        continue;
      }
      phases.push({ q, r, t: phaseConv(b, dy, wT, h, w) });
    }
  }
  release(b, wT);
  const heap = heapF32(b); // after every malloc above
  const base = f32Offset(b, dx);
  if (!complete) heap.fill(0, base, base + n * H * W * ci);
  for (const { q, r, t } of phases) {
    const [, ho, wo] = t.shape;
    let from = f32Offset(b, t);
    for (let i = 0; i < n; i++) {
      for (let u = 0; u < ho; u++) {
        let to = base + ((i * H + q + u * sh) * W + r) * ci;
        for (let v = 0; v < wo; v++, from += ci, to += sw * ci) {
          if (ci >= 16) heap.copyWithin(to, from, from + ci);
          else for (let c = 0; c < ci; c++) heap[to + c] = heap[from + c];
        }
      }
    }
    release(b, t);
  }
  return dx;
}

export function conv2dBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const b = args.backend;
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropInput on wasm supports NHWC only, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  assertShape('Conv2DBackpropInput dy', dy.shape, info.outShape);
  const { filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const { top, left } = info.padInfo;
  const pt = kh - 1 - top;
  const pl = kw - 1 - left;
  if (pt < 0 || pl < 0) {
    // padding wider than the kernel (unusual): the package's kernel handles it
    return wasmKernel(tf.Conv2DBackpropInput)(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  }
  if (info.strideHeight > 1 || info.strideWidth > 1) {
    const dx = strided(b, dy, filter, info);
    assertShape('Conv2DBackpropInput dx', dx.shape, inputShape);
    return dx;
  }
  // stride 1: rows of dy beyond the input's reach are cropped, the rest padded to land exactly on H×W
  const pb = H + kh - 1 - pt - info.outHeight;
  const pr = W + kw - 1 - pl - info.outWidth;
  const wT = flipFilter(b, filter);
  let src = dy;
  const [n, hs, ws, co] = dy.shape;
  if (pb < 0 || pr < 0) src = slice(b, dy, [0, 0, 0, 0], [n, hs + Math.min(0, pb), ws + Math.min(0, pr), co]);
  const dx = run(
    'Conv2D',
    b,
    { x: src, filter: wT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [pt, Math.max(0, pb)],
        [pl, Math.max(0, pr)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as unknown as string,
    },
  );
  if (src !== dy) release(b, src);
  release(b, wT);
  assertShape('Conv2DBackpropInput dx', dx.shape, inputShape);
  return dx;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm as unknown as tf.KernelFunc,
};
