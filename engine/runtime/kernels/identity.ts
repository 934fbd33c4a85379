// Identity for wasm without the copy. The package's kernel copies the tensor, and the engine calls it for every
// tensor a gradient keeps (ResNet-18: ~200 copies, ~50 ms a step). Tensors are immutable, so the output may
// share the input's buffer, as Reshape already does on this backend (reference counted).
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { reshape, type WasmBackendLike } from './wasm-util';

export function identityWasm(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x } = args.inputs;
  return reshape(args.backend, x, x.shape.slice());
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identityWasm as unknown as tf.KernelFunc,
};
