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
    // The probe: the package registered its factory in our tfjs-core (a second copy of tfjs-core would not).
    if (!tf.findBackendFactory('cpu'))
      return { ok: false, reason: '@tensorflow/tfjs-backend-cpu did not register in this tfjs-core' };
    return { ok: true, reason: 'pure JavaScript (slow)' };
  },
  async init() {
    if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') failed");
  },
};
