// Layout conversions, all in one place. Netloom's weights cross the runtime boundary in Gluon/NCHW terms:
// Dense weight (units, in), Conv2D weight (C, Cin, kh, kw), activations (N, C, H, W); a Dense after a (C, H, W)
// input sees its features in C·H·W order, because the runtime flattens as Gluon does (ops.ts `flattenCHW`
// transposes its NHWC activations to NCHW before reshaping). ONNX and PyTorch are NCHW: Gluon layouts go
// through unchanged. TF.js/Keras is NHWC: kernels transpose, and a Keras Flatten of an (H, W, C) map would yield
// H·W·C order, so the export permutes the map to (C, H, W) first (KERAS_HWC_TO_CHW), exactly as the runtime does.

/** A float32 tensor with its shape, row-major. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Permutes the axes of a row-major tensor: output axis i is input axis `perm[i]` (numpy's `transpose(perm)`).
 * Example: `transpose({ shape: [2, 3], data }, [1, 0])` → shape [3, 2].
 */
export function transpose(t: Tensor, perm: readonly number[]): Tensor {
  const rank = t.shape.length;
  if (perm.length !== rank || [...perm].sort().some((p, i) => p !== i))
    throw new Error(`bad permutation [${perm.join(', ')}] for rank ${rank}`);
  const shape = perm.map((p) => t.shape[p]);
  const out = new Float32Array(t.data.length);
  if (out.length === 0) return { shape, data: out };
  // Input strides, read in output-axis order: walking the output contiguously visits the input by these.
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= t.shape[i];
  }
  const strides = perm.map((p) => inStrides[p]);
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const n = shape[last],
    step = strides[last];
  let o = 0;
  for (;;) {
    let base = 0;
    for (let i = 0; i < last; i++) base += idx[i] * strides[i];
    for (let j = 0; j < n; j++) out[o++] = t.data[base + j * step];
    let a = last - 1;
    while (a >= 0 && ++idx[a] === shape[a]) idx[a--] = 0;
    if (a < 0) break;
  }
  return { shape, data: out };
}

/** Activations (N, C, H, W) → (N, H, W, C). */
export const nchwToNhwc = (t: Tensor): Tensor => transpose(t, [0, 2, 3, 1]);
/** The axis order taking (N, H, W, C) to (N, C, H, W): the runtime's flatten order (ops.ts `flattenCHW`). */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
/** Activations (N, H, W, C) → (N, C, H, W). */
export const nhwcToNchw = (t: Tensor): Tensor => transpose(t, NHWC_TO_NCHW);
/** The same reorder as a Keras `Permute` layer's `dims` (1-based, the batch axis left out): (H, W, C) → (C, H, W). */
export const KERAS_HWC_TO_CHW: number[] = NHWC_TO_NCHW.slice(1);

/** Conv2D weight: Gluon/ONNX/PyTorch (C, Cin, kh, kw) → TF/Keras (kh, kw, Cin, C). */
export const convKernelToTf = (w: Tensor): Tensor => transpose(w, [2, 3, 1, 0]);
/** Conv2D weight: TF/Keras (kh, kw, Cin, C) → Gluon (C, Cin, kh, kw). */
export const convKernelFromTf = (w: Tensor): Tensor => transpose(w, [3, 2, 0, 1]);

/** Dense weight: Gluon/PyTorch (units, in) → Keras kernel (in, units). */
export const denseKernelToTf = (w: Tensor): Tensor => transpose(w, [1, 0]);
/** Dense weight: Keras kernel (in, units) → Gluon (units, in). */
export const denseKernelFromTf = (w: Tensor): Tensor => transpose(w, [1, 0]);

/** Little-endian bytes of a float32 array, without copying when the platform is little-endian (all we run on). */
export function floatBytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
