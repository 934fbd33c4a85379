// `npm run bench -- --phases [--nets mlp,lenet] [--backends wasm] [--repeats 3] [--sources]`: where one training step's
// time goes outside the kernels. Times each phase of trainStep (runtime/step.ts marks them through its StepPhases hook)
// plus the batch fill before it, in wall and process CPU milliseconds per step (median over the repeats), then counts
// the kernels each phase dispatches. `--sources` also names, for the small bookkeeping kernels (Identity, Reshape,
// Cast, ...), the call site that dispatched them: the first frames of a stack taken in the kernel, grouped.
// Stacks and counting run in a separate pass after the timed one, so they never inflate the times.
import { selectBackend } from '../runtime';
import type { StepPhase, StepPhases } from '../runtime/step';
import { tf } from '../runtime/backends/tf';
import { benchStepper } from './stepper';

const PHASES = ['fill', 'upload', 'forward', 'loss', 'backward', 'read', 'update', 'dispose'] as const;
type Phase = (typeof PHASES)[number];
/** The kernels whose call sites `--sources` reports: the ones no layer asks for. */
const BOOKKEEPING = new Set(['Identity', 'Reshape', 'Cast', 'Fill', 'ZerosLike', 'OnesLike']);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Accumulates wall and CPU time per phase; `mark(p)` ends phase p and starts the next. */
class PhaseClock implements StepPhases {
  wall = new Map<Phase, number>();
  cpu = new Map<Phase, number>();
  current: Phase = 'fill';
  private t = 0;
  private c = 0;
  start(): void {
    this.t = performance.now();
    this.c = cpuMs();
    this.current = 'fill';
  }
  mark(p: StepPhase | 'fill'): void {
    const t = performance.now(),
      c = cpuMs();
    this.wall.set(p, (this.wall.get(p) ?? 0) + t - this.t);
    this.cpu.set(p, (this.cpu.get(p) ?? 0) + c - this.c);
    this.t = t;
    this.c = c;
    this.current = PHASES[PHASES.indexOf(p) + 1] ?? 'fill';
  }
}

/** Kernel calls per phase and, with stacks on, the call sites of the bookkeeping kernels. */
interface Census {
  on: boolean;
  stacks: boolean;
  clock: PhaseClock | null;
  calls: Map<Phase, Map<string, number>>;
  /** Wall ms inside kernels, per phase (the census pass without stacks). */
  inKernels: Map<Phase, number>;
  sites: Map<string, number>;
}
const census: Census = {
  on: false,
  stacks: false,
  clock: null,
  calls: new Map(),
  inKernels: new Map(),
  sites: new Map(),
};

/** The call site of a kernel: the tfjs frames (source-mapped to tfjs-core/src/…) up to the first of ours (engine/…). */
function callSite(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  const frames = (new Error().stack ?? '').split('\n').slice(3);
  Error.stackTraceLimit = limit;
  const ours = frames.findIndex((f) => /[/(]engine\/\w/.test(f) && !/node_modules|tfjs-/.test(f));
  return frames
    .slice(0, ours + 1)
    .slice(-4)
    .map((f) =>
      f
        .trim()
        .replace(/^at (Module\.)?/, '')
        .replace(/\(?\S*\/((?:tfjs-[\w-]+\/src|engine)\/\S+?):(\d+):\d+\)?$/, '$1:$2'),
    )
    .join(' ← ');
}

let installed = false;
/** Wraps every kernel of the backend once; a passthrough while the census is off. */
function installCensus(backend: string): void {
  if (installed) return;
  installed = true;
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    const name = config.kernelName;
    tf.unregisterKernel(name, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (census.on && census.clock) {
          const phase = census.clock.current;
          const byPhase = census.calls.get(census.clock.current) ?? new Map<string, number>();
          byPhase.set(name, (byPhase.get(name) ?? 0) + 1);
          census.calls.set(phase, byPhase);
          if (census.stacks && BOOKKEEPING.has(name)) {
            const key = `${name} [${phase}] ${callSite()}`;
            census.sites.set(key, (census.sites.get(key) ?? 0) + 1);
          }
          if (!census.stacks) {
            const t0 = performance.now();
            const out = inner(args);
            census.inKernels.set(phase, (census.inKernels.get(phase) ?? 0) + performance.now() - t0);
            return out;
          }
        }
        return inner(args);
      },
    });
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function phasesOf(net: unknown, name: string, batch: number, repeats: number, sources: boolean): Promise<string> {
  const { step, dispose } = await benchStepper(net, batch);
  const t0 = performance.now();
  await step();
  await step(); // warm-up
  const steps = Math.max(3, Math.round(1500 / ((performance.now() - t0) / 2)));
  const wall = new Map<Phase, number[]>(),
    cpu = new Map<Phase, number[]>();
  const totals: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const clock = new PhaseClock();
    const s0 = performance.now();
    for (let i = 0; i < steps; i++) await step(clock);
    totals.push((performance.now() - s0) / steps);
    for (const p of PHASES) {
      wall.set(p, [...(wall.get(p) ?? []), (clock.wall.get(p) ?? 0) / steps]);
      cpu.set(p, [...(cpu.get(p) ?? []), (clock.cpu.get(p) ?? 0) / steps]);
    }
  }
  // the census passes: steps with every kernel counted and timed, then (--sources) with call sites taken
  const counted = Math.max(4, Math.round(steps / 2));
  census.calls.clear();
  census.inKernels.clear();
  census.sites.clear();
  const clock = (census.clock = new PhaseClock());
  census.stacks = false;
  census.on = true;
  for (let i = 0; i < counted; i++) await step(clock);
  if (sources) census.calls.clear(); // counted again below, over the steps with stacks
  census.stacks = sources;
  census.clock = new PhaseClock();
  for (let i = 0; i < (sources ? 4 : 0); i++) await step(census.clock);
  census.on = false;
  const stackSteps = sources ? 4 : counted;
  dispose();

  const f = (v: number) => v.toFixed(2).padStart(7);
  const lines = [`${name} (batch ${batch}, ${steps} steps × ${repeats}): ${f(median(totals))} ms/step wall`];
  // "outside" = the phase's wall minus its time inside kernels, both from the (timed) census pass
  lines.push(`  ${'phase'.padEnd(9)} wall ms  CPU ms outside kernels/step`);
  let sumW = 0,
    sumC = 0,
    sumO = 0,
    sumK = 0;
  for (const p of PHASES) {
    const w = median(wall.get(p)!),
      c = median(cpu.get(p)!);
    const o = ((clock.wall.get(p) ?? 0) - (census.inKernels.get(p) ?? 0)) / counted;
    const ks = [...(census.calls.get(p) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1]);
    const k = ks.reduce((s, [, v]) => s + v, 0) / stackSteps;
    sumW += w;
    sumC += c;
    sumO += o;
    sumK += k;
    const detail = ks.map(([kn, v]) => `${kn} ${+(v / stackSteps).toFixed(1)}`).join(', ');
    lines.push(`  ${p.padEnd(9)}${f(w)} ${f(c)} ${f(o)}  ${String(+k.toFixed(1)).padStart(4)}  ${detail}`);
  }
  lines.push(`  ${'sum'.padEnd(9)}${f(sumW)} ${f(sumC)} ${f(sumO)}  ${String(+sumK.toFixed(1)).padStart(4)}`);
  if (sources) {
    lines.push('  bookkeeping kernels by call site (per step):');
    for (const [site, v] of [...census.sites.entries()].sort((a, b) => b[1] - a[1]))
      lines.push(`    ${String(+(v / stackSteps).toFixed(1)).padStart(4)} × ${site}`);
  }
  return lines.join('\n');
}

/** Prints the phase table of each net on each backend. */
export async function measurePhases(
  nets: Record<string, unknown>,
  backends: string[],
  batch: number,
  repeats: number,
  sources: boolean,
): Promise<void> {
  for (const backend of backends) {
    await selectBackend(backend);
    installCensus(backend);
    for (const [name, net] of Object.entries(nets))
      console.log(`${backend} ${await phasesOf(net, name, batch, repeats, sources)}`);
  }
}
