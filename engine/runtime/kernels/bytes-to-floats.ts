// The input batch from bytes on wasm (see ../input.ts): the bytes are uploaded as int32 words (tfjs has no uint8
// dtype) and simd/kernels.as.ts: bytesToFloats writes the float32 input tensor from them in one pass, the same
// floats as the data filler's table.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import type { ByteBatch } from '../input';
import { simd } from './simd';
import { byteOffset, makeOutput, ownWasmKernel, type WasmBackendLike } from './wasm-util';

export const BYTES_TO_FLOATS = 'NetloomBytesToFloats';

type Args = { inputs: { bytes: TensorInfo; affine: TensorInfo }; backend: WasmBackendLike; attrs: NamedAttrMap };

function bytesToFloats({ inputs: { bytes, affine }, backend: b, attrs }: Args): TensorInfo {
  const shape = attrs.shape as number[];
  const channels = affine.shape[0] / 2;
  const size = shape.reduce((a, v) => a * v, 1);
  const plane = size / shape[0] / channels;
  if (bytes.dtype !== 'int32' || bytes.shape[0] * 4 < size || !Number.isInteger(plane))
    throw new Error(`bytes to floats: ${bytes.shape[0]} words for ${shape} in ${channels} channels`);
  const out = makeOutput(b, shape);
  simd(b).bytesToFloats(byteOffset(b, bytes), byteOffset(b, affine), byteOffset(b, out), size / plane, plane, channels);
  return out;
}

export const bytesToFloatsConfig: tf.KernelConfig = {
  kernelName: BYTES_TO_FLOATS,
  backendName: 'wasm',
  kernelFunc: bytesToFloats as unknown as tf.KernelFunc,
};

/** The float tensor of `shape` ([N, C, …] or [N, C·…] with C = scale.length) from a byte batch; null off wasm. */
export function bytesInputWasm(x: ByteBatch, shape: number[]): tf.Tensor | null {
  if (!ownWasmKernel(BYTES_TO_FLOATS)) return null;
  const size = shape.reduce((a, v) => a * v, 1);
  let bytes = x.bytes.subarray(0, size);
  if (bytes.byteOffset % 4 || size % 4) {
    bytes = new Uint8Array(Math.ceil(size / 4) * 4);
    bytes.set(x.bytes.subarray(0, size));
  }
  return tf.tidy(() => {
    const words = tf.tensor1d(new Int32Array(bytes.buffer, bytes.byteOffset, Math.ceil(size / 4)), 'int32');
    const affine = tf.tensor1d(Float32Array.from([...x.scale, ...x.shift]));
    return tf
      .engine()
      .runKernel(BYTES_TO_FLOATS, { bytes: words, affine }, { shape } as unknown as NamedAttrMap) as tf.Tensor;
  });
}
