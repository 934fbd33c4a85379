// The optimizer's update as one wasm kernel per parameter (simd/kernels.as.ts: sgdUpdate, adamUpdate) instead of
// 4–10 tfjs ops, each a pass over the parameter and a new tensor: the same f32 operations in the same order, so
// the result is the one the ops give (optim.ts keeps them for the other backends). On the threaded build this
// also keeps XNNPACK's thread pool asleep: its binary ops wake it, and its workers then spin for a while on the
// core our GEMM helpers need.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { tf } from '../backends/tf';
import { simd } from './simd';
import { byteOffset, makeOutput, ownWasmKernel, type WasmBackendLike } from './wasm-util';

export const SGD_UPDATE = 'NetloomSgdUpdate';
export const ADAM_UPDATE = 'NetloomAdamUpdate';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

const size = (t: TensorInfo) => t.shape.reduce((a, v) => a * v, 1);

function check(inputs: Record<string, TensorInfo>): void {
  const n = size(inputs.w);
  for (const [k, t] of Object.entries(inputs))
    if (t.dtype !== 'float32' || size(t) !== n) throw new Error(`optimizer update: ${k} is not ${n} float32 values`);
}

function sgd({ inputs, backend: b, attrs }: Args): TensorInfo[] {
  check(inputs);
  const { w, g, v } = inputs;
  const lr = attrs.lr as number,
    momentum = (attrs.momentum as number) ?? 0,
    wd = (attrs.weightDecay as number) ?? 0;
  const outW = makeOutput(b, w.shape);
  const outV = v ? makeOutput(b, w.shape) : undefined;
  const at = (t?: TensorInfo) => (t ? byteOffset(b, t) : 0);
  simd(b).sgdUpdate(at(w), at(g), at(v), at(outW), at(outV), size(w), lr, momentum, wd, (v ? 1 : 0) | (wd ? 2 : 0));
  return outV ? [outW, outV] : [outW];
}

function adam({ inputs, backend: b, attrs }: Args): TensorInfo[] {
  check(inputs);
  const { w, g, m, v } = inputs;
  const { lr, beta1, beta2, epsilon, weightDecay, step } = attrs as Record<string, number>;
  const out = [makeOutput(b, w.shape), makeOutput(b, w.shape), makeOutput(b, w.shape)];
  const [ow, om, ov] = out.map((t) => byteOffset(b, t));
  // the scalars tfjs would make: each computed in double, then a float32 tensor
  simd(b).adamUpdate(
    byteOffset(b, w),
    byteOffset(b, g),
    byteOffset(b, m),
    byteOffset(b, v),
    ow,
    om,
    ov,
    size(w),
    lr,
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    1 - beta1 ** step,
    1 - beta2 ** step,
    epsilon,
    weightDecay,
    weightDecay ? 2 : 0,
  );
  return out;
}

export const sgdUpdateConfig: tf.KernelConfig = {
  kernelName: SGD_UPDATE,
  backendName: 'wasm',
  kernelFunc: sgd as unknown as tf.KernelFunc,
};

export const adamUpdateConfig: tf.KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adam as unknown as tf.KernelFunc,
};

/** Whether the optimizer may use the fused updates now (the active backend is wasm with our kernels on). */
export const fusedUpdates = (): boolean => ownWasmKernel(SGD_UPDATE);
