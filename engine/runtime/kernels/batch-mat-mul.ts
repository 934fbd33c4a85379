// BatchMatMul / _FusedMatMul for wasm on Netloom's own GEMM (simd/kernels.as.ts: gemm), split over threads by
// gemm-pool.ts. Why not the package's kernel: XNNPACK packs the weight operand into a new operator for every new
// tensor id, and training gives it a new one every step (the updated weights, each dy): measured ~3.4 ms of a
// ~10 ms 256×784×256 product; it runs on one thread even in the threaded build; and with transposeA/transposeB
// set it takes a scalar loop ~10× slower, which tfjs-core's MatMul gradient always sets (dA = dy·Bᵀ, dB = Aᵀ·dy).
// Our GEMM reads a transposed A in place (strides, into its packed 4-row strips) and packs B once per product
// (gemm-pool.ts); a transposed B, in practice a small weight matrix, is transposed explicitly first. Shapes it does not cover (broadcast batches, prelu/other fused
// activations, a bias that is not one value per column) go to the package's kernel, untransposed explicitly.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { gemmRows } from './gemm-pool';
import { byteOffset, makeOutput, ownKernels, release, transpose, wasmKernel, type WasmBackendLike } from './wasm-util';

function swapLast(t: TensorInfo): number[] {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return perm;
}

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

/** The package's kernel with both transposes made explicit (its transposed path is ~10× slower). */
function viaPackage(kernelName: string, args: Args): TensorInfo {
  const { inputs, attrs, backend: b } = args;
  const original = wasmKernel(kernelName);
  const call = (x: Args) => original(x as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  if (!attrs.transposeA && !attrs.transposeB) return call(args);
  const a = attrs.transposeA ? transpose(b, inputs.a, swapLast(inputs.a)) : inputs.a;
  const bb = attrs.transposeB ? transpose(b, inputs.b, swapLast(inputs.b)) : inputs.b;
  const out = call({
    ...args,
    inputs: { ...inputs, a, b: bb },
    attrs: { ...attrs, transposeA: false, transposeB: false },
  });
  release(b, ...[a, bb].filter((t, i) => t !== [inputs.a, inputs.b][i]));
  return out;
}

const sameDims = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);

function matMul(kernelName: string, args: Args): TensorInfo {
  const { inputs, attrs, backend: b } = args;
  const { a, b: w, bias, preluActivationWeights } = inputs;
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  const ta = !!attrs.transposeA,
    tb = !!attrs.transposeB;
  const ra = a.shape.length,
    rb = w.shape.length;
  const m = a.shape[ta ? ra - 1 : ra - 2],
    k = a.shape[ta ? ra - 2 : ra - 1];
  const n = w.shape[tb ? rb - 2 : rb - 1];
  const batchDims = a.shape.slice(0, -2);
  const supported =
    ownKernels() &&
    a.dtype === 'float32' &&
    w.dtype === 'float32' &&
    ra >= 2 &&
    sameDims(batchDims, w.shape.slice(0, -2)) &&
    k > 0 &&
    (activation === 'linear' || activation === 'relu') &&
    !preluActivationWeights &&
    (!bias || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === n));
  if (!supported) return viaPackage(kernelName, args);
  const out = makeOutput(b, [...batchDims, m, n]);
  const batches = batchDims.reduce((s, v) => s * v, 1);
  if (m === 0 || n === 0 || batches === 0) return out;
  const bt = tb ? transpose(b, w, swapLast(w)) : w; // [..., k, n]
  const flags = (bias ? 1 : 0) | (activation === 'relu' ? 2 : 0);
  for (let i = 0; i < batches; i++) {
    // offsets are read per call: nothing allocates in between, so the heap cannot move under them
    gemmRows(b, {
      a: byteOffset(b, a) + 4 * i * m * k,
      sai: ta ? 1 : k,
      sap: ta ? m : 1,
      b: byteOffset(b, bt) + 4 * i * k * n,
      ldb: n,
      c: byteOffset(b, out) + 4 * i * m * n,
      ldc: n,
      m,
      n,
      k,
      bias: bias ? byteOffset(b, bias) : 0,
      flags,
    });
  }
  if (bt !== w) release(b, bt);
  return out;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: ((args: Args) => matMul(tf.BatchMatMul, args)) as unknown as tf.KernelFunc,
};

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  kernelFunc: ((args: Args) => matMul(tf._FusedMatMul, args)) as unknown as tf.KernelFunc,
};
