// Runs a GEMM (simd/kernels.as.ts: gemm) on several threads over tfjs-wasm's threaded build, whose memory is a
// SharedArrayBuffer: helper worker_threads instantiate the same kernels on that memory and take row chunks of C.
// tfjs-wasm runs every matmul on one thread (XNNPACK is called without its thread pool), so this is what puts the
// second core to work on dense layers.
// Chunks are claimed with a compare-and-swap on one word (total << 16 | next), the calling thread claiming too: a
// helper the OS has not scheduled yet just claims nothing, so a busy machine never makes a product wait for it.
// The caller returns once every claimed chunk is done; a helper that stops answering fails the call, never hangs it.
// The caller packs B once per product (every thread reads it) into scratch it mallocs in the tfjs heap; each thread
// packs its own A strips into its slice of that scratch.
import { Worker } from 'node:worker_threads';
import { kernelsWasm, memoryOf, simd } from './simd';
import type { WasmBackendLike } from './wasm-util';

export interface GemmJob {
  a: number;
  sai: number;
  sap: number;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
  m: number;
  n: number;
  k: number;
  bias: number;
  flags: number;
}

// ctl words
const SEQ = 0; // bumped per job: helpers sleep on it
const WORD = 1; // total << 16 | next chunk
const DONE = 2; // chunks finished
const ERROR = 3; // 1: a helper's kernel threw
const QUIT = 4;
const HELPED = 5; // chunks helpers have done since the pool started (gemmPoolStats)
const PARAMS = 13; // float64 view from here: see PAR
// a, sai, sap, b, ldb, c, ldc, m, n, k, bias, flags, rows per chunk, packed B, A strip scratch of thread 0, bytes
// per thread's A scratch
const PAR_COUNT = 16;

/** Below this many multiply-adds a product stays on the calling thread (waking a helper costs ~10–50 µs). */
const MIN_PARALLEL_MACS = 1 << 19;
const HELPER_TIMEOUT_MS = 60_000;

// The helper: plain CommonJS, evaluated (no file to locate in the Electron bundle or under tsx).
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, wasm, control, index } = workerData;
const k = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(wasm, 'base64')), {
  env: { memory, abort: () => { throw new Error('netloom wasm kernel aborted'); } },
}).exports;
const ctl = new Int32Array(control);
const par = new Float64Array(control, ${PARAMS * 8});
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  if (Atomics.load(ctl, ${QUIT})) break;
  for (;;) {
    const w = Atomics.load(ctl, ${WORD});
    const next = w & 0xffff;
    if (next >= w >>> 16) break;
    if (Atomics.compareExchange(ctl, ${WORD}, w, w + 1) !== w) continue;
    try {
      const i0 = next * par[12];
      const i1 = Math.min(par[7], i0 + par[12]);
      k.gemm(par[0], par[1], par[2], par[13], par[5], par[6], i0, i1, par[8], par[9], par[10], par[11], par[14] + index * par[15]);
    } catch (e) {
      Atomics.store(ctl, ${ERROR}, 1);
    }
    Atomics.add(ctl, ${HELPED}, 1);
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
}
`;

interface Pool {
  memory: WebAssembly.Memory;
  workers: Worker[];
  ctl: Int32Array;
  par: Float64Array;
}

let threads = 1;
let pool: Pool | undefined;

/** Threads a product may use (the wasm backend's thread count); helpers start on the first large product. */
export function setGemmThreads(n: number): void {
  threads = Math.max(1, Math.floor(n));
  if (pool && pool.workers.length !== threads - 1) closeGemmPool();
}

export function closeGemmPool(): void {
  if (!pool) return;
  Atomics.store(pool.ctl, QUIT, 1);
  Atomics.add(pool.ctl, SEQ, 1);
  Atomics.notify(pool.ctl, SEQ);
  for (const w of pool.workers) void w.terminate();
  pool = undefined;
}

function poolFor(backend: WasmBackendLike): Pool | undefined {
  if (threads < 2 || typeof SharedArrayBuffer === 'undefined') return undefined;
  const memory = memoryOf(backend);
  if (!(memory.buffer instanceof SharedArrayBuffer)) return undefined;
  if (pool?.memory === memory) return pool;
  closeGemmPool();
  const control = new SharedArrayBuffer(PARAMS * 8 + PAR_COUNT * 8);
  const workers = Array.from({ length: threads - 1 }, (_, h) => {
    const workerData = { memory, wasm: kernelsWasm(true), control, index: h + 1 };
    const w = new Worker(HELPER_SOURCE, { eval: true, workerData });
    w.unref();
    return w;
  });
  pool = { memory, workers, ctl: new Int32Array(control), par: new Float64Array(control, PARAMS * 8) };
  return pool;
}

/** Helper threads running, and the row chunks they have computed (tests and the bench's evidence). */
export function gemmPoolStats(): { helpers: number; helperChunks: number } {
  return { helpers: pool?.workers.length ?? 0, helperChunks: pool ? Atomics.load(pool.ctl, HELPED) : 0 };
}

interface Scratch {
  memory: WebAssembly.Memory;
  malloced: number;
  offset: number;
  bytes: number;
}
let scratch: Scratch | undefined;

interface WasmHeap {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/**
 * Byte offset of at least `bytes` of scratch in the backend's heap (packed B, the threads' A strips), malloced
 * like a tensor and kept for the next product; it only grows (to the largest product's packed B). Our kernels
 * never allocate. Existing tensors never move when the heap grows, so offsets read before this stay valid.
 */
function scratchFor(backend: WasmBackendLike, bytes: number): number {
  const memory = memoryOf(backend);
  if (scratch?.memory === memory && scratch.bytes >= bytes) return scratch.offset;
  const heap = (backend as unknown as { wasm: WasmHeap }).wasm;
  if (scratch?.memory === memory) heap._free(scratch.malloced);
  scratch = undefined;
  const malloced = heap._malloc(bytes + 64) >>> 0;
  if (!malloced) throw new Error(`wasm matmul: out of memory (${bytes} bytes of packing scratch)`);
  scratch = { memory, malloced, offset: Math.ceil(malloced / 64) * 64, bytes }; // cache-line aligned
  return scratch.offset;
}

/**
 * C = act(A·B + bias) for the job's m rows, on the calling thread and the pool's helpers. callerComputes: false
 * (tests) leaves every row chunk to the helpers; oneThread (the GEMM bench) keeps the product on the caller, and
 * plainSimd (with oneThread, the bench) runs the kernels built without relaxed SIMD.
 */
export function gemmRows(
  backend: WasmBackendLike,
  j: GemmJob,
  opts: { callerComputes?: boolean; oneThread?: boolean; plainSimd?: boolean } = {},
): void {
  const k = simd(backend, { plain: opts.plainSimd });
  const p =
    !opts.oneThread && !opts.plainSimd && j.m >= 8 && j.m * j.n * j.k >= MIN_PARALLEL_MACS
      ? poolFor(backend)
      : undefined;
  const strip = k.aStripFloats() * 4;
  const packed = k.packedBFloats(j.k, j.n) * 4;
  const bp = scratchFor(backend, packed + strip * (p ? threads : 1));
  const ap = bp + packed; // thread t's A strips at ap + t·strip
  k.packB(j.b, j.ldb, j.k, j.n, bp); // once, before any thread reads it
  if (!p) {
    k.gemm(j.a, j.sai, j.sap, bp, j.c, j.ldc, 0, j.m, j.n, j.k, j.bias, j.flags, ap);
    return;
  }
  // ~4 chunks per thread (of whole register tiles), so a thread that starts late still takes a share
  const tile = k.gemmTileRows();
  const rows = Math.max(tile, Math.ceil(j.m / (4 * threads) / tile) * tile);
  const total = Math.ceil(j.m / rows);
  const { ctl, par } = p;
  par.set([j.a, j.sai, j.sap, j.b, j.ldb, j.c, j.ldc, j.m, j.n, j.k, j.bias, j.flags, rows, bp, ap, strip]);
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, WORD, total << 16);
  Atomics.add(ctl, SEQ, 1);
  Atomics.notify(ctl, SEQ);
  for (let claim = opts.callerComputes !== false; claim;) {
    const w = Atomics.load(ctl, WORD);
    const next = w & 0xffff;
    if (next >= total) break;
    if (Atomics.compareExchange(ctl, WORD, w, w + 1) !== w) continue;
    const i0 = next * rows;
    const i1 = Math.min(j.m, i0 + rows);
    try {
      k.gemm(j.a, j.sai, j.sap, bp, j.c, j.ldc, i0, i1, j.n, j.k, j.bias, j.flags, ap);
    } catch (e) {
      closeGemmPool(); // helpers may still be on this job: the next one must not count their chunks
      throw e;
    }
    Atomics.add(ctl, DONE, 1);
  }
  const t0 = Date.now();
  for (let d = Atomics.load(ctl, DONE); d < total; d = Atomics.load(ctl, DONE)) {
    Atomics.wait(ctl, DONE, d, 100);
    if (Date.now() - t0 > HELPER_TIMEOUT_MS) {
      closeGemmPool();
      throw new Error(`wasm matmul: a kernel thread stopped responding (${total - d} of ${total} row chunks)`);
    }
  }
  if (Atomics.exchange(ctl, ERROR, 0)) throw new Error('wasm matmul: a kernel thread failed');
}
