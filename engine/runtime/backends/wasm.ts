// tfjs-backend-wasm: XNNPACK kernels with SIMD, binaries shipped inside the npm package, so it works wherever
// Node runs. The fallback whose training speed we own: it gets our gradient kernels (../kernels) and, under
// Node, the threaded build on worker_threads (wasm-threads.ts) so that more than one core works.
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerWasmKernels } from '../kernels/register';
import { tf } from './tf';
import type { BackendEntry, BackendInitOptions } from './types';
import { useThreadedWasm, wasmPackageDir } from './wasm-threads';

const MAX_THREADS = 8; // the Emscripten build pre-spawns 8 pthread workers
let note = '';

function defaultThreads(): number {
  const env = Number(process.env.NETLOOM_WASM_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export const wasmBackend: BackendEntry = {
  name: 'wasm',
  tfName: 'wasm',
  priority: 200,
  async available() {
    if (typeof WebAssembly !== 'object') return { ok: false, reason: 'WebAssembly is not available' };
    const dist = path.join(wasmPackageDir(), 'dist');
    if (!fs.existsSync(path.join(dist, 'tfjs-backend-wasm-simd.wasm'))) {
      return { ok: false, reason: `wasm binaries missing in ${dist}` };
    }
    return { ok: true, reason: 'WebAssembly + XNNPACK, binaries shipped in @tensorflow/tfjs-backend-wasm' };
  },
  async init(options: BackendInitOptions = {}) {
    // Node has no fetch of relative URLs: point the loader at the package's dist/ folder.
    setWasmPaths(path.join(wasmPackageDir(), 'dist') + path.sep);
    registerWasmKernels();
    const threads = Math.min(MAX_THREADS, Math.max(1, options.threads ?? defaultThreads()));
    if (threads > 1) {
      const restore = useThreadedWasm(threads);
      if (await tf.setBackend('wasm')) {
        note = `SIMD, ${getThreadsCount()} threads`;
        return;
      }
      restore();
      note = 'SIMD, 1 thread (threaded build failed to start)';
    } else {
      note = 'SIMD, 1 thread';
    }
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
  },
  describe: () => note,
};
