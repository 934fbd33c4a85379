// Netloom's own wasm kernels (kernels.as.ts), instantiated inside tfjs-backend-wasm's memory so that they read
// and write tensors in place. One instance per backend memory; offsets are in bytes.
// Relaxed SIMD (the GEMM tile's fused multiply-add: 1.2–1.5× per thread on an AMD EPYC, `npm run bench:gemm`) is on
// by default in Electron's V8 and behind a flag in Node 20's, which V8 takes at run time before a module is
// compiled: the kernels ask for it once, and use the relaxed binaries where WebAssembly then validates them.
// NETLOOM_WASM_RELAXED=0 keeps the plain ones (the "before" of a side-by-side bench).
import v8 from 'node:v8';
import type { WasmBackendLike } from '../wasm-util';
import { PLAIN_MEMORY_RELAXED_WASM, PLAIN_MEMORY_WASM, SHARED_MEMORY_RELAXED_WASM, SHARED_MEMORY_WASM } from './binary';

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

// (v128, v128, v128) → v128 { f32x4.relaxed_madd }: validates only where relaxed SIMD is enabled
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);
let relaxed: boolean | undefined;

/** Whether the kernels use relaxed SIMD in this process (enabled on first call where V8 allows it). */
export function relaxedSimd(): boolean {
  if (relaxed !== undefined) return relaxed;
  if (process.env.NETLOOM_WASM_RELAXED === '0') return (relaxed = false);
  if (!WebAssembly.validate(RELAXED_PROBE)) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // a V8 without the flag: the plain kernels
    }
  }
  return (relaxed = WebAssembly.validate(RELAXED_PROBE));
}

const BINARIES = {
  shared: { plain: SHARED_MEMORY_WASM, relaxed: SHARED_MEMORY_RELAXED_WASM },
  plain: { plain: PLAIN_MEMORY_WASM, relaxed: PLAIN_MEMORY_RELAXED_WASM },
};

/** The kernels' binary (base64) for a memory: shared or plain, relaxed where enabled unless `plain` is asked. */
export const kernelsWasm = (shared: boolean, opts: { plain?: boolean } = {}): string =>
  BINARIES[shared ? 'shared' : 'plain'][!opts.plain && relaxedSimd() ? 'relaxed' : 'plain'];

const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();
const plainInstances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The backend's wasm memory (a SharedArrayBuffer's under the threaded build). */
export function memoryOf(backend: WasmBackendLike): WebAssembly.Memory {
  const wasm = (backend as unknown as { wasm: WasmModuleLike }).wasm;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (!memory) throw new Error('tfjs-backend-wasm: cannot find the module memory');
  return memory;
}

/**
 * The kernels bound to this backend's memory (compiled and instantiated on first use); `plain`: the binary
 * without relaxed SIMD even where it is enabled (`npm run bench:gemm` runs both).
 */
export function simd(backend: WasmBackendLike, opts: { plain?: boolean } = {}): SimdKernels {
  const memory = memoryOf(backend);
  const cache = opts.plain ? plainInstances : instances;
  let k = cache.get(memory);
  if (!k) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(kernelsWasm(shared, opts), 'base64');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        memory,
        abort: () => {
          throw new Error('netloom wasm kernel aborted');
        },
      },
    });
    k = instance.exports as unknown as SimdKernels;
    cache.set(memory, k);
  }
  return k;
}
