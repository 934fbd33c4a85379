// Per-kernel time for `npm run bench -- --profile`. Wraps every kernelFunc registered for the backend with a timer;
// valid for synchronous backends (wasm, cpu), where a kernel's work is done when its function returns.
// Composed kernels call the package's originals directly, so their inner kernels are not counted twice.
// Beside wall time, the process's CPU time during each kernel: on a shared machine wall time includes waiting for
// a core, and on the threaded wasm build CPU above wall is other threads working (or spinning) for the kernel.
import { gemmPoolStats } from '../runtime/kernels/gemm-pool';
import { tf } from '../runtime/backends/tf';

const totals = new Map<string, { ms: number; cpu: number; calls: number }>();
let helperChunks0 = 0;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function installKernelProfiler(backend: string): void {
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    const key = config.kernelName;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const t0 = performance.now(),
          c0 = cpuMs();
        const out = inner(args);
        const e = totals.get(key) ?? { ms: 0, cpu: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.cpu += cpuMs() - c0;
        e.calls++;
        totals.set(key, e);
        return out;
      },
    });
  }
}

export function resetKernelProfile(): void {
  totals.clear();
  helperChunks0 = gemmPoolStats().helperChunks;
}

/** Top kernels by time, per step, and the row chunks the GEMM helper threads took. */
export function kernelProfileReport(steps: number, top = 15): string {
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const all = rows.reduce((s, [, e]) => s + e.ms, 0);
  const allCpu = rows.reduce((s, [, e]) => s + e.cpu, 0);
  const per = (v: number) => (v / steps).toFixed(1).padStart(8);
  const lines = rows
    .slice(0, top)
    .map(
      ([k, e]) =>
        `  ${k.padEnd(24)} ${per(e.ms)} ms/step ${((100 * e.ms) / all).toFixed(0).padStart(3)}%  CPU ${per(e.cpu)} ms  ${(e.calls / steps).toFixed(0)} calls`,
    );
  const pool = gemmPoolStats();
  const helpers = pool.helpers
    ? `  GEMM helper threads ${pool.helpers}: ${((pool.helperChunks - helperChunks0) / steps).toFixed(1)} row chunks/step`
    : '  GEMM on the calling thread only';
  return [`  kernels total ${per(all)} ms/step, CPU ${per(allCpu)} ms`, ...lines, helpers].join('\n');
}
