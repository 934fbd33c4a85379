// Helpers for kernels composed of other wasm kernels. Such a kernel works on TensorInfos, below the engine's
// Tensor bookkeeping, so memory is managed by hand through the backend's reference counts:
//  - every intermediate must be released with `release` exactly once (Reshape returns the *same* dataId with
//    an extra reference, so releasing the reshape and its source are both needed and both safe);
//  - never release a kernel input: the engine owns it, and freeing it makes a later op read freed memory
//    (wasm's malloc hands the block to the next tensor, so the bug shows up as wrong numbers, not a crash).
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../backends/tf';

export type Info = TensorInfo;

/** The parts of BackendWasm these kernels use (the class is not exported with these members typed). */
export interface WasmBackendLike extends KernelBackend {
  incRef(dataId: unknown): void;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/**
 * `NETLOOM_WASM_KERNELS=package` turns off the kernels that replace whole computations (our GEMM under MatMul,
 * the fused optimizer update): the "before" of a side-by-side benchmark in one checkout.
 */
export const ownKernels = (): boolean => process.env.NETLOOM_WASM_KERNELS !== 'package';

/** Whether our kernel `name` serves ops now: the active backend is wasm, our kernels are on and it is registered. */
export const ownWasmKernel = (name: string): boolean =>
  ownKernels() && tf.getBackend() === 'wasm' && !!tf.getKernel(name, 'wasm');

const originals = new Map<string, tf.KernelFunc>();

/** The package's own kernel, captured before we override any: composed kernels call these, not our wrappers. */
export function wasmKernel(name: string): tf.KernelFunc {
  let k = originals.get(name);
  if (!k) {
    const config = tf.getKernel(name, 'wasm');
    if (!config) throw new Error(`wasm kernel ${name} is not registered`);
    k = config.kernelFunc;
    originals.set(name, k);
  }
  return k;
}

export function run(
  name: string,
  backend: WasmBackendLike,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): Info {
  return wasmKernel(name)({ inputs, backend, attrs }) as Info;
}

export function release(backend: WasmBackendLike, ...infos: Info[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

export const reshape = (b: WasmBackendLike, x: Info, shape: number[]) => run('Reshape', b, { x }, { shape });
export const transpose = (b: WasmBackendLike, x: Info, perm: number[]) => run('Transpose', b, { x }, { perm });
/** Plain matmul of 2-D or 3-D operands, never transposed in the call (wasm's transposed path is ~10x slower). */
export const matMul = (b: WasmBackendLike, a: Info, bb: Info) =>
  run('BatchMatMul', b, { a, b: bb }, { transposeA: false, transposeB: false });

/** Same-size check that keeps shape arithmetic honest in composed kernels. */
export function assertShape(what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
    throw new Error(`${what}: shape ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

interface WasmModuleLike {
  HEAPF32: Float32Array;
  wasmMemory?: WebAssembly.Memory;
}

/**
 * A Float32Array over the wasm heap. With the threaded build the memory is a growable SharedArrayBuffer and a
 * worker's malloc can grow it, leaving the module's cached view stale: rebuild it when the buffer changed.
 */
export function heapF32(backend: WasmBackendLike): Float32Array {
  const wasm = (backend as unknown as { wasm: WasmModuleLike }).wasm;
  if (wasm.wasmMemory && wasm.HEAPF32.buffer !== wasm.wasmMemory.buffer)
    return new Float32Array(wasm.wasmMemory.buffer);
  return wasm.HEAPF32;
}

/** Byte offset of a tensor's data in the backend's memory (what Netloom's own wasm kernels take). */
export function byteOffset(backend: WasmBackendLike, t: Info): number {
  const map = (backend as unknown as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap;
  return map.get(t.dataId).memoryOffset;
}

/** Index of a tensor's first float in heapF32(). */
export const f32Offset = (backend: WasmBackendLike, t: Info): number => byteOffset(backend, t) / 4;

/** A new float32 output tensor of the backend (owned by the engine once returned from a kernel). */
export function makeOutput(backend: WasmBackendLike, shape: number[]): Info {
  return (backend as unknown as { makeOutput(s: number[], d: string): Info }).makeOutput(shape, 'float32');
}

const COPY_WITHIN = 64; // runs at least this long are one copyWithin call; shorter ones a loop (call cost)

/**
 * The data mover under Transpose, Slice and Reverse: writes Π outer runs of `run` contiguous floats to `dst`,
 * in order; the source of each run starts at `from` and moves by steps[a] (floats, may be negative) per step
 * of outer axis a, the last axis fastest (an odometer).
 */
export function copyRuns(
  heap: Float32Array,
  dst: number,
  from: number,
  run: number,
  outer: readonly number[],
  steps: readonly number[],
): void {
  const idx = new Array<number>(outer.length).fill(0);
  const count = outer.reduce((a, v) => a * v, 1);
  for (let k = 0; k < count; k++) {
    if (run >= COPY_WITHIN) heap.copyWithin(dst, from, from + run);
    else for (let j = 0; j < run; j++) heap[dst + j] = heap[from + j];
    dst += run;
    for (let a = outer.length - 1; a >= 0; a--) {
      idx[a]++;
      from += steps[a];
      if (idx[a] < outer[a]) break;
      from -= steps[a] * outer[a];
      idx[a] = 0;
    }
  }
}
