// tfjs-backend-wasm: XNNPACK kernels with SIMD, binaries shipped inside the npm package, so it works wherever
// Node runs. The fallback whose training speed we own: it gets our gradient kernels (../kernels) and, under
// Node, the threaded build on worker_threads (wasm-threads.ts) so that more than one core works.
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setGemmThreads } from '../kernels/gemm-pool';
import { registerWasmKernels } from '../kernels/register';
import { tf } from './tf';
import type { BackendEntry, BackendInitOptions } from './types';
import { useThreadedWasm, wasmPackageDir } from './wasm-threads';

const MAX_THREADS = 8; // the Emscripten build pre-spawns 8 pthread workers
let note = '';
/** Threads of the wasm instance tfjs holds now (0: none), so selecting wasm again reuses it. */
let liveThreads = 0;
let probe: Promise<{ ok: boolean; reason: string }> | undefined;
/** The package's own (single-threaded) factory, kept before wasm-threads.ts replaces it. */
let packageFactory: ReturnType<typeof tf.findBackendFactory> | undefined;

function defaultThreads(): number {
  const env = Number(process.env.NETLOOM_WASM_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export const wasmBackend: BackendEntry = {
  name: 'wasm',
  tfName: 'wasm',
  priority: 200,
  available() {
    // A cheap probe (once): WebAssembly.validate checks, without instantiating, that this runtime accepts the
    // SIMD binary init() loads; a file on disk alone proves nothing.
    probe ??= (async () => {
      if (typeof WebAssembly !== 'object') return { ok: false, reason: 'WebAssembly is not available' };
      const file = path.join(wasmPackageDir(), 'dist', 'tfjs-backend-wasm-simd.wasm');
      const bytes = await fs.promises.readFile(file).catch(() => null);
      if (!bytes) return { ok: false, reason: `wasm binary missing: ${file}` };
      if (!WebAssembly.validate(bytes))
        return { ok: false, reason: `this runtime rejects ${path.basename(file)} (SIMD)` };
      return { ok: true, reason: 'WebAssembly + XNNPACK, binaries shipped in @tensorflow/tfjs-backend-wasm' };
    })();
    return probe;
  },
  async init(options: BackendInitOptions = {}) {
    // Node has no fetch of relative URLs: point the loader at the package's dist/ folder.
    setWasmPaths(path.join(wasmPackageDir(), 'dist') + path.sep);
    registerWasmKernels();
    const threads = Math.min(MAX_THREADS, Math.max(1, options.threads ?? defaultThreads()));
    // Selecting wasm again (a new run) must not tear down the instance and its memory and build another.
    if (liveThreads === threads && tf.engine().registry.wasm) {
      if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
      return;
    }
    setGemmThreads(1); // until the threaded instance is up (its memory is what the GEMM helpers share)
    // Another thread count than the live instance's: XNNPACK's pool is sized once per instance, so the instance is
    // replaced (setBackend alone would keep the old one and its threads: a "1 thread" bench baseline ran on 2).
    packageFactory ??= tf.findBackendFactory('wasm');
    liveThreads = 0;
    if (threads > 1) {
      useThreadedWasm(threads);
      if (await tf.setBackend('wasm')) {
        note = `SIMD, ${getThreadsCount()} threads`;
        liveThreads = threads;
        setGemmThreads(getThreadsCount());
        return;
      }
      note = 'SIMD, 1 thread (threaded build failed to start)';
    } else {
      note = 'SIMD, 1 thread';
    }
    if (tf.findBackendFactory('wasm') !== packageFactory) {
      tf.removeBackend('wasm');
      if (packageFactory) tf.registerBackend('wasm', packageFactory, 2);
    }
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
    liveThreads = threads;
  },
  describe: () => note,
};
