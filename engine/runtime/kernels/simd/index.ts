// Netloom's own wasm kernels (kernels.as.ts), instantiated inside tfjs-backend-wasm's memory so that they read
// and write tensors in place. One instance per backend memory; offsets are in bytes.
import type { WasmBackendLike } from '../wasm-util';
import { PLAIN_MEMORY_WASM, SHARED_MEMORY_WASM } from './binary';

export interface SimdKernels {
  maxPoolGrad2x2(x: number, y: number, dy: number, dx: number, n: number, ho: number, wo: number, c: number): void;
  maxPoolGrad(
    x: number,
    y: number,
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    ho: number,
    wo: number,
    fh: number,
    fw: number,
    sh: number,
    sw: number,
    top: number,
    left: number,
  ): void;
  sumRows(src: number, rows: number, inner: number, acc: number, out: number, scale: number): void;
  gemm(
    a: number,
    sai: number,
    sap: number,
    bp: number,
    c: number,
    ldc: number,
    i0: number,
    i1: number,
    n: number,
    k: number,
    bias: number,
    flags: number,
    ap: number,
  ): void;
  packB(b: number, ldb: number, k: number, n: number, dst: number): void;
  packedBFloats(k: number, n: number): number;
  aStripFloats(): number;
  gemmTileRows(): number;
  sgdUpdate(
    w: number,
    g: number,
    v: number,
    outW: number,
    outV: number,
    n: number,
    lr: number,
    momentum: number,
    wd: number,
    flags: number,
  ): void;
  adamUpdate(
    w: number,
    g: number,
    m: number,
    v: number,
    outW: number,
    outM: number,
    outV: number,
    n: number,
    lr: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    k1: number,
    k2: number,
    eps: number,
    wd: number,
    flags: number,
  ): void;
  binary(op: number, a: number, b: number, out: number, rows: number, inner: number, mode: number): void;
  reluGradBias(dy: number, y: number, dz: number, rows: number, inner: number, acc: number, db: number): void;
  softmaxXent(z: number, labels: number, rows: number, classes: number, grad: number): number;
  bytesToFloats(src: number, affine: number, dst: number, planes: number, plane: number, channels: number): void;
  im2colT(
    x: number,
    col: number,
    n: number,
    h: number,
    w: number,
    c: number,
    kh: number,
    kw: number,
    ho: number,
    wo: number,
    sh: number,
    sw: number,
    top: number,
    left: number,
  ): void;
}

interface WasmModuleLike {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The backend's wasm memory (a SharedArrayBuffer's under the threaded build). */
export function memoryOf(backend: WasmBackendLike): WebAssembly.Memory {
  const wasm = (backend as unknown as { wasm: WasmModuleLike }).wasm;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (!memory) throw new Error('tfjs-backend-wasm: cannot find the module memory');
  return memory;
}

/** The kernels bound to this backend's memory (compiled and instantiated on first use). */
export function simd(backend: WasmBackendLike): SimdKernels {
  const memory = memoryOf(backend);
  let k = instances.get(memory);
  if (!k) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? SHARED_MEMORY_WASM : PLAIN_MEMORY_WASM, 'base64');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        memory,
        abort: () => {
          throw new Error('netloom wasm kernel aborted');
        },
      },
    });
    k = instance.exports as unknown as SimdKernels;
    instances.set(memory, k);
  }
  return k;
}
