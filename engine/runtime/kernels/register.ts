// Registers Netloom's kernels on the wasm backend: the missing gradient kernel (Conv2DBackpropFilter) and faster
// replacements for slow ones (see each file). Idempotent. Run before the wasm backend initialises: a replaced
// kernel keeps the original's setupFunc (it binds the C function the original calls), and the originals are
// captured first so composed kernels call them rather than our wrappers.
import { tf } from '../backends/tf';
import { batchMatMulConfig, fusedMatMulConfig } from './batch-mat-mul';
import { binaryConfigs } from './binary-ops';
import { bytesToFloatsConfig } from './bytes-to-floats';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './max-pool-grad';
import { adamUpdateConfig, sgdUpdateConfig } from './optimizer-update';
import { reluGradConfig } from './relu-grad';
import { reverseConfig } from './reverse';
import { sliceConfig } from './slice';
import { softmaxXentConfig } from './softmax-xent';
import { meanConfig, sumConfig } from './sum';
import { transposeConfig } from './transpose';
import { wasmKernel } from './wasm-util';

export const WASM_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  transposeConfig,
  reverseConfig,
  identityConfig,
  sliceConfig,
  sumConfig,
  meanConfig,
  sgdUpdateConfig,
  adamUpdateConfig,
  reluGradConfig,
  softmaxXentConfig,
  bytesToFloatsConfig,
  ...binaryConfigs,
];

let done = false;

export function registerWasmKernels(): void {
  if (done) return;
  done = true;
  for (const k of [
    'Conv2D',
    'Transpose',
    'Reshape',
    'Slice',
    'PadV2',
    'Reverse',
    ...WASM_KERNELS.map((c) => c.kernelName),
  ]) {
    if (tf.getKernel(k, 'wasm')) wasmKernel(k);
  }
  for (const c of WASM_KERNELS) {
    const existing = tf.getKernel(c.kernelName, 'wasm');
    if (existing) tf.unregisterKernel(c.kernelName, 'wasm');
    tf.registerKernel({ ...existing, ...c, setupFunc: existing?.setupFunc, disposeFunc: existing?.disposeFunc });
  }
}
