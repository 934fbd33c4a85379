// Trainable fused ops: conv2d/dense + bias + activation in ONE kernel call forward (FusedConv2D/_FusedMatMul,
// which wasm, cpu and tfjs-node all implement). tf.fused.* refuses to fuse while recording gradients
// (fused_util.shouldFuse), which is exactly when training needs the speed, so we call the kernels directly and
// register their gradients here. The gradient closures are lazy per input: the engine only calls those on a
// path to a variable, so the first layer never computes the useless gradient w.r.t. the input image.
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { reluGradBiasWasm } from './relu-grad';
import { ownKernels } from './wasm-util';

export type Activation = 'linear' | 'relu' | 'sigmoid';
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** dL/dz from dL/dy for y = act(z), written with the saved output y (no need to keep z). */
function activationGrad(dy: Tensor, y: Tensor, activation: string): Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    default:
      throw new Error(`no gradient for fused activation '${activation}'`);
  }
}

/** dL/dz, and where one kernel gives it in the same pass (relu on wasm), the bias gradient Σ dz over all but channels. */
function activationAndBiasGrad(dy: Tensor, y: Tensor, activation: string): { dz: Tensor; db?: Tensor } {
  const fused = activation === 'relu' ? reluGradBiasWasm(dy, y) : null;
  return fused ? { dz: fused[0], db: fused[1] } : { dz: activationGrad(dy, y, activation) };
}

let registered = false;

/** Registers the gradients (idempotent). Called by the ops below, so users need not. */
export function registerFusedGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.FusedConv2D,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x, filter, y] = saved;
      const { strides, pad, dimRoundingMode, activation } = attrs as unknown as tf.FusedConv2DAttrs;
      // computed once, outside the per-input tidy, so all three closures can share it
      const { dz, db } = activationAndBiasGrad(dy as Tensor, y, activation as string);
      return {
        x: () =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dz, filter }, {
            strides,
            pad,
            dataFormat: 'NHWC',
            dimRoundingMode,
            inputShape: x.shape,
          } as unknown as NamedAttrMap) as Tensor,
        filter: () =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dz }, {
            strides,
            pad,
            dataFormat: 'NHWC',
            dimRoundingMode,
            filterShape: filter.shape,
          } as unknown as NamedAttrMap) as Tensor,
        bias: () => db ?? tf.sum(dz, [0, 1, 2]),
      };
    },
  });
  tf.registerGradient({
    kernelName: tf._FusedMatMul,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [a, b, y] = saved; // rank 3: [1, M, K] · [1, K, N], or rank 2 on wasm (see denseAct)
      if (attrs.transposeA || attrs.transposeB)
        throw new Error('fused dense gradient: transposed operands unsupported');
      const { dz, db } = activationAndBiasGrad(dy as Tensor, y, attrs.activation as string);
      // transposed operands in the call: wasm's GEMM (batch-mat-mul.ts) reads Aᵀ in place, other backends natively
      return {
        a: () => tf.matMul(dz as tf.Tensor3D, b as tf.Tensor3D, false, true),
        b: () => tf.matMul(a as tf.Tensor3D, dz as tf.Tensor3D, true, false),
        bias: () => db ?? tf.sum(dz, dz.rank === 2 ? 0 : [0, 1]),
      };
    },
  });
}

/**
 * Filter taps that touch real input for at least one output position, per spatial axis: [first, last].
 * On small feature maps with padding (ResNet-18's last stage at 28×28 input is 1×1 with a 3×3, pad-1 conv) most
 * taps only ever see padding zeros; slicing them off makes forward and backward up to 9× cheaper, exactly.
 */
function liveTaps(inSize: number, outSize: number, k: number, stride: number, padBefore: number): [number, number] {
  let first = k;
  let last = -1;
  for (let t = 0; t < k; t++) {
    for (let o = 0; o < outSize; o++) {
      const i = o * stride + t - padBefore;
      if (i >= 0 && i < inSize) {
        first = Math.min(first, t);
        last = Math.max(last, t);
        break;
      }
    }
  }
  return [first, last];
}

/** act(conv2d(x, w) + b), NHWC, one kernel forward; differentiable w.r.t. x, w and b. */
export function conv2dAct(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D | undefined,
  stride: number | [number, number],
  pad: Pad,
  activation: Activation = 'linear',
): tf.Tensor4D {
  registerFusedGradients();
  const [sh, sw] = typeof stride === 'number' ? [stride, stride] : stride;
  // a numeric pad is made explicit first: tfjs sizes numeric padding with the filter *height* on both axes,
  // which is wrong for non-square filters (pad 2, 5×3 filter, width 5 → width 5 instead of 7)
  const explicit =
    typeof pad === 'number'
      ? ([
          [0, 0],
          [pad, pad],
          [pad, pad],
          [0, 0],
        ] as tf.backend_util.ExplicitPadding)
      : pad;
  const info = tf.backend_util.computeConv2DInfo(x.shape, w.shape, [sh, sw], 1, explicit);
  const { top, bottom, left, right } = info.padInfo;
  const [h0, h1] = liveTaps(info.inHeight, info.outHeight, info.filterHeight, sh, top);
  const [w0, w1] = liveTaps(info.inWidth, info.outWidth, info.filterWidth, sw, left);
  let filter: Tensor = w;
  let padding = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  if (h1 >= h0 && w1 >= w0 && (h1 - h0 + 1 < info.filterHeight || w1 - w0 + 1 < info.filterWidth)) {
    filter = tf.slice(w, [h0, w0, 0, 0], [h1 - h0 + 1, w1 - w0 + 1, w.shape[2], w.shape[3]]);
    // same output grid: shift the window start by the dropped leading taps, trim the trailing side to match
    const kh = h1 - h0 + 1;
    const kw = w1 - w0 + 1;
    const pt = top - h0;
    const pl = left - w0;
    const pb = (info.outHeight - 1) * sh + kh - info.inHeight - pt;
    const pr = (info.outWidth - 1) * sw + kw - info.inWidth - pl;
    if (pt >= 0 && pl >= 0 && pb >= 0 && pr >= 0)
      padding = [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ];
    else filter = w; // would need negative padding (cropping the input): keep the full filter
  }
  const inputs: Record<string, Tensor> = { x, filter };
  if (b) inputs.bias = b;
  return tf.engine().runKernel(tf.FusedConv2D, inputs, {
    strides: [sh, sw],
    pad: padding,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    activation,
  } as unknown as NamedAttrMap) as tf.Tensor4D;
}

/** act(x·w + b) for x [batch, in], w [in, out]; one kernel forward; differentiable. */
export function denseAct(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D | undefined,
  activation: Activation = 'linear',
): tf.Tensor2D {
  registerFusedGradients();
  // Our wasm GEMM (batch-mat-mul.ts) takes rank-2 operands for linear/relu; the other kernels want rank 3. Rank 2
  // spares the step three reshapes forward (each with a clone kept for its gradient) and three backward.
  if (tf.getBackend() === 'wasm' && ownKernels() && (activation === 'linear' || activation === 'relu')) {
    const direct: Record<string, Tensor> = { a: x, b: w };
    if (b) direct.bias = b;
    return tf.engine().runKernel(tf._FusedMatMul, direct, {
      transposeA: false,
      transposeB: false,
      activation,
    } as unknown as NamedAttrMap) as tf.Tensor2D;
  }
  const [m, k] = x.shape;
  const inputs: Record<string, Tensor> = { a: tf.reshape(x, [1, m, k]), b: tf.reshape(w, [1, k, w.shape[1]]) };
  if (b) inputs.bias = b;
  const y = tf.engine().runKernel(tf._FusedMatMul, inputs, {
    transposeA: false,
    transposeB: false,
    activation,
  } as unknown as NamedAttrMap) as Tensor;
  return tf.reshape(y, [m, w.shape[1]]);
}
