// `npm run bench:gemm`: GFLOPS of the wasm GEMM (runtime/kernels/gemm-pool.ts: gemmRows, B packing included) on
// the dense layers' shapes of the MLP and LeNet, on one thread and on the pool (the wasm thread count),
// interleaved in one process (1 thread, pool, 1 thread, … per repeat: this machine's speed drifts), min/median/
// max per mode. Beside wall GFLOPS, GFLOPS per CPU second (process.cpuUsage over the calls): on a shared machine
// that is the per-thread figure to compare. (Commit 290abfe ran the old in-place kernel beside this one.) Where the
// kernels use relaxed SIMD (simd/index.ts), "1 thr plain" runs the binary built without it on one thread, so
// "FMA/plain" is what the fused multiply-add buys per thread.
// Flags: --repeats R (default 7), --ms T (time per measurement, default 60), --shapes name,… (default all).
import { parseArgs } from '../cli/args';
import { initEngineBackend } from '../runtime/backends/registry';
import { tf } from '../runtime/backends/tf';
import { gemmRows, type GemmJob } from '../runtime/kernels/gemm-pool';
import { relaxedSimd } from '../runtime/kernels/simd';
import { byteOffset, type WasmBackendLike } from '../runtime/kernels/wasm-util';

interface Shape {
  name: string;
  what: string;
  m: number;
  k: number;
  n: number;
  /** A stored transposed (k×m, read in place: the weight gradient Xᵀ·dY). */
  ta?: boolean;
  /** + bias + relu (the Dense layer's forward). */
  fused?: boolean;
}

const SHAPES: Shape[] = [
  { name: 'mlp-fwd', what: 'MLP forward 256×784·784×256 +bias+relu', m: 256, k: 784, n: 256, fused: true },
  { name: 'mlp-dw1', what: 'MLP dW1 784×256 = Xᵀ·dH', m: 784, k: 256, n: 256, ta: true },
  { name: 'mlp-dh', what: 'MLP dH 256×10·10×256', m: 256, k: 10, n: 256 },
  { name: 'mlp-dw2', what: 'MLP dW2 256×10 = Hᵀ·dY', m: 256, k: 256, n: 10, ta: true },
  { name: 'lenet-fwd', what: 'LeNet dense 256×1250·1250×128 +bias+relu', m: 256, k: 1250, n: 128, fused: true },
  { name: 'lenet-dw', what: 'LeNet dense dW 1250×128 = Xᵀ·dH', m: 1250, k: 256, n: 128, ta: true },
];

const MODES = ['1 thread', '1 thr plain', 'pool'] as const;
type Mode = (typeof MODES)[number];

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs the product `calls` times; returns wall and CPU ms per call. */
function time(be: WasmBackendLike, job: GemmJob, mode: Mode, calls: number): { wall: number; cpu: number } {
  const t0 = performance.now(),
    c0 = cpuMs();
  const opts = { oneThread: mode !== 'pool', plainSimd: mode === '1 thr plain' };
  for (let i = 0; i < calls; i++) gemmRows(be, job, opts);
  return { wall: (performance.now() - t0) / calls, cpu: (cpuMs() - c0) / calls };
}

async function main() {
  const p = parseArgs(process.argv.slice(2));
  const repeats = Number(p.flags.repeats ?? 7),
    ms = Number(p.flags.ms ?? 60);
  const only = typeof p.flags.shapes === 'string' ? p.flags.shapes.split(',') : undefined;
  const choice = await initEngineBackend('wasm');
  const modes = MODES.filter((m) => m !== '1 thr plain' || relaxedSimd());
  console.log(`backend: ${choice.reason}; ${repeats} repeats of ~${ms} ms per mode, interleaved`);
  console.log(
    `kernels: ${relaxedSimd() ? 'relaxed SIMD (fused multiply-add)' : 'plain SIMD (relaxed SIMD unavailable)'}`,
  );
  console.log('GFLOPS min/median/max; pool/1: ratio of medians');
  const be = tf.backend() as unknown as WasmBackendLike;
  const off = (t: tf.Tensor) => byteOffset(be, { dataId: t.dataId, shape: t.shape, dtype: 'float32' });
  for (const s of SHAPES.filter((x) => !only || only.includes(x.name))) {
    const a = tf.randomUniform(s.ta ? [s.k, s.m] : [s.m, s.k], -1, 1, 'float32', 1);
    const b = tf.randomUniform([s.k, s.n], -1, 1, 'float32', 2);
    const bias = tf.randomUniform([s.n], -1, 1, 'float32', 3);
    const c = tf.zeros([s.m, s.n]);
    const job: GemmJob = {
      ...{ a: off(a), sai: s.ta ? 1 : s.k, sap: s.ta ? s.m : 1, b: off(b), ldb: s.n, c: off(c), ldc: s.n },
      ...{ m: s.m, n: s.n, k: s.k, bias: s.fused ? off(bias) : 0, flags: s.fused ? 3 : 0 },
    };
    const flop = 2 * s.m * s.n * s.k;
    const calls = {} as Record<Mode, number>;
    for (const mode of modes) {
      time(be, job, mode, 5); // warm-up: the wasm tiers up, the pool starts
      calls[mode] = Math.max(1, Math.round(ms / Math.max(time(be, job, mode, 5).wall, 1e-3)));
    }
    const wall: Record<Mode, number[]> = { '1 thread': [], '1 thr plain': [], pool: [] };
    const cpu: Record<Mode, number[]> = { '1 thread': [], '1 thr plain': [], pool: [] };
    for (let r = 0; r < repeats; r++)
      for (const mode of modes) {
        const t = time(be, job, mode, calls[mode]);
        wall[mode].push(flop / t.wall / 1e6);
        cpu[mode].push(flop / t.cpu / 1e6);
      }
    const g = (x: number[]) => [sorted(x)[0], median(x), sorted(x)[x.length - 1]].map((v) => v.toFixed(1)).join('/');
    console.log(`${s.name.padEnd(10)} ${s.what}`);
    for (const mode of modes)
      console.log(`  ${mode.padEnd(11)} wall ${g(wall[mode]).padEnd(16)} per CPU s ${g(cpu[mode])}`);
    const ratio = (x: Mode, y: Mode) => (median(wall[x]) / median(wall[y])).toFixed(2);
    if (modes.includes('1 thr plain')) console.log(`  FMA/plain   wall ×${ratio('1 thread', '1 thr plain')}`);
    console.log(`  pool/1      wall ×${ratio('pool', '1 thread')}`);
    tf.dispose([a, b, bias, c]);
  }
  process.exit(0);
}

void main();
