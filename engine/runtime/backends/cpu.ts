// Pure-JS tfjs backend: always present, slow (no SIMD, one thread). The last resort, and the reference the
// custom wasm kernels are tested against.
import '@tensorflow/tfjs-backend-cpu';
import { tf } from './tf';
import type { BackendEntry } from './types';

export const cpuBackend: BackendEntry = {
  name: 'cpu',
  tfName: 'cpu',
  priority: 100,
  async available() {
    return { ok: true, reason: 'pure JavaScript, always available (slow)' };
  },
  async init() {
    if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') failed");
  },
};
