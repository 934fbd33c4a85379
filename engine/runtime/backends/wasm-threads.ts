// Runs tfjs-wasm's multi-threaded build (XNNPACK + pthreads) under Node. tfjs itself refuses threads under Node
// (WASM_HAS_MULTITHREAD_SUPPORT is hard-wired false, tfjs issue #3830) because its loader hands Emscripten
// Blob URLs that Node's worker_threads cannot start. The Emscripten code in the package does support Node
// workers when given file paths, so we instantiate it ourselves:
//  - the pthread worker script is written once to a temp file (Node's Worker needs a path);
//  - the main script is the package's own wasm-out/*.js (workers eval it by path);
//  - `emscripten_num_logical_cores` is overridden because the C side caps XNNPACK's pool at cores/2
//    (it assumes hyper-threading), which would give one thread on a 2-core machine.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf';

const require = createRequire(import.meta.url);
const INIT_TIMEOUT_MS = 30_000;

export function wasmPackageDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
}

/** Writes the worker script to a content-addressed temp file (tmp + rename: safe with parallel processes). */
function workerScriptPath(root: string): string {
  const { wasmWorkerContents } = require(path.join(root, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The string comes from a template literal, which turned the script's "\n" escapes into real newlines
  // inside string literals; tfjs's own loader undoes it the same way.
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha1').update(text).digest('hex').slice(0, 12);
  const file = path.join(os.tmpdir(), `netloom-tfjs-wasm-${hash}.worker.cjs`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return file;
}

type EmscriptenFactory = (config: Record<string, unknown>) => Promise<Record<string, unknown> & { cwrap: Cwrap }>;
type Cwrap = (name: string, ret: string | null, args: string[]) => unknown;

async function instantiateThreaded(threads: number): Promise<BackendWasm> {
  const root = wasmPackageDir();
  const mainScript = path.join(root, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const factory = require(mainScript) as EmscriptenFactory;
  const wasmFile = path.join(root, 'dist/tfjs-backend-wasm-threaded-simd.wasm');
  const workerFile = workerScriptPath(root);
  const module = await factory({
    locateFile: (p: string) => (p.endsWith('.worker.js') ? workerFile : path.join(root, 'dist', p)),
    mainScriptUrlOrBlob: mainScript,
    instantiateWasm(
      info: { env: Record<string, unknown> },
      receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void,
    ) {
      info.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(fs.readFileSync(wasmFile), info as WebAssembly.Imports).then((r) =>
        receive(r.instance, r.module),
      );
      return {};
    },
  });
  // The same bridge tfjs's init() builds (backend_wasm.ts).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  return new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
}

/**
 * Replaces the 'wasm' backend factory by the threaded one. Returns a function restoring the package's own
 * (single-threaded) factory, for when the threaded start fails.
 */
export function useThreadedWasm(threads: number): () => void {
  const original = tf.findBackendFactory('wasm');
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('threaded wasm start timed out')), INIT_TIMEOUT_MS);
      });
      return Promise.race([instantiateThreaded(threads), timeout]).finally(() => clearTimeout(timer));
    },
    2,
  );
  return () => {
    tf.removeBackend('wasm');
    if (original) tf.registerBackend('wasm', original, 2);
  };
}
