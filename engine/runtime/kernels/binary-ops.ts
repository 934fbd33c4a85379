// Add, Sub and Multiply of float32 tensors on wasm, single-threaded (simd/kernels.as.ts: binary), when one operand
// is the output's shape and the other the same, one value, one value per row or one per column. The package runs
// these through XNNPACK's thread pool on the threaded build: for the small tensors of a training step (the loss,
// the relu gradient) waking the pool costs more than the pass (MLP step under load: 9 such ops 7 ms of CPU, ~0.3
// ms on one thread), and its workers then spin on the core our GEMM helpers need. Same IEEE operations, so the
// same floats. Large tensors, other shapes and dtypes go to the package's kernel.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { simd } from './simd';
import { byteOffset, makeOutput, ownKernels, wasmKernel, type WasmBackendLike } from './wasm-util';

const OPS: Record<string, number> = { [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2 };
const size = (s: readonly number[]) => s.reduce((a, v) => a * v, 1);
/** Above this many floats the pool's wake-up is paid back (a conv net's activations, BatchNorm): the package's. */
const MAX_ONE_THREAD = 1 << 17;

/** How b broadcasts over a, which has the output's shape: [mode, rows, inner], or null (not covered). */
function layout(a: readonly number[], b: readonly number[]): [number, number, number] | null {
  const n = size(a);
  const inner = a.length ? a[a.length - 1] : 1;
  if (b.length <= a.length && b.every((v, i) => v === a[a.length - b.length + i])) {
    if (size(b) === n) return [0, 1, n];
  }
  if (size(b) === 1) return [1, 1, n];
  // strip b's leading 1s: what is left must be a's trailing dims (one value per column) ...
  const bt = b.slice(b.findIndex((v) => v !== 1));
  if (bt.length <= a.length && bt.every((v, i) => v === a[a.length - bt.length + i]) && size(bt) === size(b))
    return [4, n / size(bt), size(bt)];
  // ... or a's leading dims with a trailing 1 (one value per row)
  if (b.length === a.length && b[b.length - 1] === 1 && b.slice(0, -1).every((v, i) => v === a[i]))
    return [3, n / inner, inner];
  return null;
}

function binaryKernel(name: string): tf.KernelFunc {
  const op = OPS[name];
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const backend = args.backend as WasmBackendLike;
    const big = Math.max(size(a.shape), size(b.shape)) > MAX_ONE_THREAD;
    if (ownKernels() && !big && a.dtype === 'float32' && b.dtype === 'float32') {
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const isOut = (t: TensorInfo) => t.shape.length === outShape.length && t.shape.every((v, i) => v === outShape[i]);
      let [x, y] = [a, b];
      let l = isOut(a) ? layout(a.shape, b.shape) : null;
      if (!l && op !== 1 && isOut(b)) {
        [x, y] = [b, a]; // commutative: the broadcast operand second
        l = layout(b.shape, a.shape);
      }
      if (!l && size(a.shape) === 1 && isOut(b)) {
        [x, y] = [a, b]; // a is one value
        l = [2, 1, size(b.shape)];
      }
      if (l) {
        const out = makeOutput(backend, outShape);
        if (size(outShape) > 0)
          simd(backend).binary(
            op,
            byteOffset(backend, x),
            byteOffset(backend, y),
            byteOffset(backend, out),
            l[1],
            l[2],
            l[0],
          );
        return out;
      }
    }
    return wasmKernel(name)(args);
  };
}

export const binaryConfigs: tf.KernelConfig[] = [tf.Add, tf.Sub, tf.Multiply].map((kernelName) => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: binaryKernel(kernelName),
}));
