// Registers Netloom's kernels on the wasm backend. Idempotent; must run before the backend initialises so
// that the originals we wrap are captured first.
import { tf } from '../backends/tf';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { wasmKernel } from './wasm-util';

let done = false;

export function registerWasmKernels(): void {
  if (done) return;
  done = true;
  // capture the package's kernels before anything is overridden
  for (const k of ['Conv2D', 'Transpose', 'Reshape', 'Slice', 'BatchMatMul']) wasmKernel(k);
  const configs = [conv2dBackpropFilterConfig];
  for (const c of configs) {
    if (tf.getKernel(c.kernelName, 'wasm')) tf.unregisterKernel(c.kernelName, 'wasm');
    tf.registerKernel(c);
  }
}
