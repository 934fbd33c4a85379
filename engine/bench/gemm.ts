// `npm run bench:gemm`: GFLOPS of the wasm GEMM (runtime/kernels/gemm-pool.ts: gemmRows, packing included) on the
// dense layers' shapes of the MLP and LeNet, on one thread and on the pool, the old kernel and the new one
// interleaved in one process (old, new, old, new, … per repeat: this machine's speed drifts), median per variant
// and the ratio of medians. Beside wall GFLOPS, GFLOPS per CPU second (process.cpuUsage over the calls): on a
// shared machine that is the figure to compare, per thread. Flags: --repeats R (default 7), --ms T (time per
// measurement, default 60), --shapes name,… (default all).
import { parseArgs } from '../cli/args';
import { initEngineBackend } from '../runtime/backends/registry';
import { tf } from '../runtime/backends/tf';
import { gemmRows, type GemmJob } from '../runtime/kernels/gemm-pool';
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

const VARIANTS = ['old', 'new'] as const;
type Variant = (typeof VARIANTS)[number];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function setVariant(v: Variant): void {
  if (v === 'old') process.env.NETLOOM_GEMM = 'old';
  else delete process.env.NETLOOM_GEMM;
}

/** Runs the product `calls` times; returns wall and CPU ms per call. */
function time(be: WasmBackendLike, job: GemmJob, oneThread: boolean, calls: number): { wall: number; cpu: number } {
  const t0 = performance.now(),
    c0 = cpuMs();
  for (let i = 0; i < calls; i++) gemmRows(be, job, { oneThread });
  return { wall: (performance.now() - t0) / calls, cpu: (cpuMs() - c0) / calls };
}

async function main() {
  const p = parseArgs(process.argv.slice(2));
  const repeats = Number(p.flags.repeats ?? 7),
    ms = Number(p.flags.ms ?? 60);
  const only = typeof p.flags.shapes === 'string' ? p.flags.shapes.split(',') : undefined;
  const choice = await initEngineBackend('wasm');
  console.log(`backend: ${choice.reason}; ${repeats} repeats of ~${ms} ms per variant, interleaved`);
  const be = tf.backend() as unknown as WasmBackendLike;
  const off = (t: tf.Tensor) => byteOffset(be, { dataId: t.dataId, shape: t.shape, dtype: 'float32' });
  const rows: string[] = [];
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
    // the two kernels agree (summation order differs: relative, not exact)
    const outs = VARIANTS.map((v) => {
      setVariant(v);
      gemmRows(be, job);
      return c.dataSync().slice();
    });
    let worst = 0;
    for (let i = 0; i < outs[0].length; i++)
      worst = Math.max(worst, Math.abs(outs[0][i] - outs[1][i]) / Math.max(1, Math.abs(outs[0][i])));
    for (const oneThread of [true, false]) {
      const calls: Record<Variant, number> = { old: 1, new: 1 };
      for (const v of VARIANTS) {
        setVariant(v);
        time(be, job, oneThread, 5); // warm-up: the wasm tiers up
        const once = time(be, job, oneThread, 5).wall;
        calls[v] = Math.max(1, Math.round(ms / Math.max(once, 1e-3)));
      }
      const wall: Record<Variant, number[]> = { old: [], new: [] };
      const cpu: Record<Variant, number[]> = { old: [], new: [] };
      for (let r = 0; r < repeats; r++)
        for (const v of VARIANTS) {
          setVariant(v);
          const t = time(be, job, oneThread, calls[v]);
          wall[v].push(flop / t.wall / 1e6);
          cpu[v].push(flop / t.cpu / 1e6);
        }
      const g = (x: number[]) => median(x).toFixed(1).padStart(6);
      const ratio = (x: Record<Variant, number[]>) => (median(x.new) / median(x.old)).toFixed(2);
      rows.push(
        `${s.name.padEnd(10)} ${(oneThread ? '1 thread' : 'pool').padEnd(9)}` +
          ` wall GFLOPS old ${g(wall.old)} new ${g(wall.new)} ×${ratio(wall)}` +
          ` | per CPU s old ${g(cpu.old)} new ${g(cpu.new)} ×${ratio(cpu)}` +
          (oneThread ? `  (${s.what}; max rel diff ${worst.toExponential(1)})` : ''),
      );
      console.log(rows[rows.length - 1]);
    }
    tf.dispose([a, b, bias, c]);
  }
  setVariant('new');
  process.exit(0);
}

void main();
