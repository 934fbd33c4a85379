// BatchMatMul / _FusedMatMul for wasm without transposed operands: the package's kernel runs ~10× slower when
// transposeA/transposeB is set than after an explicit Transpose, and tfjs-core's MatMul gradient always sets
// one of them (dA = dy·Bᵀ, dB = Aᵀ·dy). We transpose explicitly and call the original with both flags false.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';
import { release, transpose, wasmKernel, type WasmBackendLike } from './wasm-util';

function swapLast(t: TensorInfo): number[] {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return perm;
}

function untransposed(kernelName: string): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as { inputs: Record<string, TensorInfo>; attrs: NamedAttrMap };
    const b = args.backend as WasmBackendLike;
    const original = wasmKernel(kernelName);
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const temps: TensorInfo[] = [];
    const a = attrs.transposeA ? transpose(b, inputs.a, swapLast(inputs.a)) : inputs.a;
    const bb = attrs.transposeB ? transpose(b, inputs.b, swapLast(inputs.b)) : inputs.b;
    if (a !== inputs.a) temps.push(a);
    if (bb !== inputs.b) temps.push(bb);
    const out = original({
      ...args,
      inputs: { ...inputs, a, b: bb },
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    release(b, ...temps);
    return out;
  };
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: untransposed(tf.BatchMatMul),
};

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  kernelFunc: untransposed(tf._FusedMatMul),
};
