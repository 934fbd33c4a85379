// What the engine holds in tensor memory right now, for diagnostics and leak tests: tfjs's own counts plus,
// on wasm, the size of the WebAssembly heap (which only grows, so a leak shows as growth run after run).
import { tf } from './tf';

export interface EngineMemory {
  /** The active tfjs backend ('wasm', 'cpu', 'tensorflow'). */
  backend: string;
  numTensors: number;
  numBytes: number;
  /** wasm only: bytes of the module's linear memory. */
  wasmHeapBytes?: number;
}

export function engineMemory(): EngineMemory {
  const m = tf.memory();
  const backend = tf.getBackend();
  const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  return {
    backend,
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    ...(backend === 'wasm' && heap ? { wasmHeapBytes: heap.byteLength } : {}),
  };
}
