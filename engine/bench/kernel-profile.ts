// Per-kernel time for `npm run bench -- --profile`. Wraps every kernelFunc registered for the backend with a timer;
// valid for synchronous backends (wasm, cpu), where a kernel's work is done when its function returns.
// Composed kernels call the package's originals directly, so their inner kernels are not counted twice.
import { tf } from '../runtime/backends/tf';

const totals = new Map<string, { ms: number; calls: number }>();

export function installKernelProfiler(backend: string): void {
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    const key = config.kernelName;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const t0 = performance.now();
        const out = inner(args);
        const e = totals.get(key) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.calls++;
        totals.set(key, e);
        return out;
      },
    });
  }
}

export function resetKernelProfile(): void {
  totals.clear();
}

/** Top kernels by time, per step. */
export function kernelProfileReport(steps: number, top = 15): string {
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const all = rows.reduce((s, [, e]) => s + e.ms, 0);
  const lines = rows
    .slice(0, top)
    .map(
      ([k, e]) =>
        `  ${k.padEnd(24)} ${(e.ms / steps).toFixed(1).padStart(8)} ms/step ${((100 * e.ms) / all).toFixed(0).padStart(3)}%  ${(e.calls / steps).toFixed(0)} calls`,
    );
  return [`  kernels total ${(all / steps).toFixed(1)} ms/step`, ...lines].join('\n');
}
