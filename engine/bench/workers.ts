// The data-parallel case of `npm run bench -- --workers W`: one net trained on 1 worker and on W workers
// (runtime DataParallel) on the wasm backend, interleaved (1, W, 1, W, …) because this machine's speed drifts over
// minutes, min/median/max images/s each, and the process's memory with W workers (worker threads share the process:
// RSS covers them). The "1 worker" is the engine's own wasm on ONE thread (bench.ts selects it so): the scaling
// is W single-threaded workers over one. Wall time alone cannot show scaling on a shared machine, so it also says
// how the W-worker steps spent their time: each worker's busy share of the wall time (computing, reducing its chunk,
// applying; the rest is waiting at a barrier or for the next step) and the process's CPU time per wall second.
// A third series, interleaved with the two, gives the same W workers W whole batches per step (each worker's share is
// the 1-worker batch): its scaling is what the machine itself allows W threads (shared caches, memory bandwidth, a
// clock that drops when more cores are busy), and its thread CPU per step against the 1-worker step says by how much
// running W at once inflates the same work; the W-worker step against it then leaves the work that does not halve.
import { inferNetwork } from '../core';
import { createFiller, loadDataset } from '../data';
import { DataParallel, Model, Optimizer, trainStep } from '../runtime';
import { threadCpuMs } from '../runtime/parallel/thread-cpu';

type PhaseTimes = ReturnType<DataParallel['phases']>;

export interface WorkersCase {
  workers: number;
  one: number[];
  many: number[];
  /** median(W workers) / median(1 worker). */
  scaling: number;
  /** W workers on W whole batches per step (each worker's share = the 1-worker batch), images/s. */
  whole: number[];
  /** median(whole) / median(1 worker): the scaling the machine allows W such threads at all. */
  wholeScaling: number;
  /** Process CPU seconds per wall second over the 1-worker and the W-worker repeats (W cores busy: ≈ W). */
  cpuPerWall: { one: number; many: number };
  /** Each worker's busy share of the W-worker repeats' wall time, and its ms per step by phase. */
  busy: number[];
  perStepMs: {
    compute: number;
    waitGradients: number;
    reduce: number;
    waitReduced: number;
    apply: number;
    /** The worker thread's CPU ms per step. */
    cpu: number;
  }[];
  /**
   * Thread CPU ms per step (Linux), which load does not distort much: the engine thread's for a 1-worker step and
   * during a W-worker step, and the scaling they imply on W idle cores: one / the busiest worker's.
   */
  cpuMsPerStep: { one: number; engine: number; projectedScaling: number };
  /**
   * Where a W-worker step's CPU goes, from thread CPU times: `share` = the busiest worker's CPU per W-worker step /
   * a 1-worker step's (1/W if everything halved at no cost); `inflation` = the busiest worker's CPU per whole-batch
   * step / a 1-worker step's (the same work, W threads at once); `fixed` = the part of a step that does not shrink
   * with the share, from share / inflation = fixed + (1 − fixed)/W.
   */
  cpuSplit: { share: number; inflation: number; fixed: number };
  /** The engine thread's ms per step: copying the batch in, waiting for the workers, applying the update. */
  engineMs: { copy: number; wait: number; apply: number };
  /** Resident memory after the W-worker runs, and the process's peak, in MiB. */
  rssMiB: number;
  peakRssMiB: number;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const round = (v: number) => +v.toFixed(2);

/** What happened between two phase readings, per step. */
function phaseDelta(a: PhaseTimes, b: PhaseTimes, wallMs: number) {
  const steps = b.steps - a.steps;
  const perStepMs = b.workers.map((w, i) => {
    const d = (k: keyof typeof w) => round((w[k] - a.workers[i][k]) / steps);
    return {
      compute: d('compute'),
      waitGradients: d('waitGradients'),
      reduce: d('reduce'),
      waitReduced: d('waitReduced'),
      apply: d('apply'),
      cpu: d('cpu'),
    };
  });
  const busy = perStepMs.map((p) => round(((p.compute + p.reduce + p.apply) * steps) / wallMs));
  const e = (k: keyof PhaseTimes['engine']) => round((b.engine[k] - a.engine[k]) / steps);
  return { perStepMs, busy, engineMs: { copy: e('copy'), wait: e('wait'), apply: e('apply') } };
}

export async function measureWorkers(
  doc: unknown,
  workers: number,
  batch: number,
  repeats: number,
): Promise<WorkersCase> {
  const data = await loadDataset({ source: 'fashion-mnist', limit: batch * (4 + workers) });
  const filler = createFiller(data.train, data.inputShape, data.normalize);
  const x = new Float32Array(workers * batch * filler.sampleSize),
    y = new Int32Array(workers * batch);
  const make = () => {
    const model = new Model(inferNetwork(doc), 1);
    return { model, opt: new Optimizer({ type: 'sgd', lr: 0.01, momentum: 0.9 }) };
  };
  const single = make(),
    multi = make();
  const dp = await DataParallel.start(multi.model, multi.opt, { workers });
  let b = 0;
  const fill = (n: number) => filler.fill(null, (b++ % 4) * batch, n, x, y);
  // one batch's rows as arrays of their own length (a step takes the whole array as its batch)
  const x1 = x.subarray(0, batch * filler.sampleSize),
    y1 = y.subarray(0, batch);
  const stepOne = async () => (fill(batch), await trainStep(single.model, single.opt, x1, y1, batch));
  const stepMany = async () => (fill(batch), await dp.trainStep(multi.model, multi.opt, x1, y1, batch));
  const stepWhole = async () => (
    fill(workers * batch),
    await dp.trainStep(multi.model, multi.opt, x, y, workers * batch)
  );
  // Warm-up all three (kernel compilation, buffer pools), and size a repeat at ~2 s of the single worker.
  await stepOne();
  await stepMany();
  await stepWhole();
  const t0 = performance.now();
  await stepOne();
  const steps = Math.max(1, Math.round(2000 / (performance.now() - t0)));
  const cpu = { one: 0, many: 0, whole: 0 },
    wall = { one: 0, many: 0, whole: 0 },
    thread = { one: 0, many: 0, whole: 0 },
    counted = { one: 0, many: 0, whole: 0 };
  const timed = async (kind: 'one' | 'many' | 'whole', step: () => Promise<unknown>) => {
    const n = kind === 'whole' ? Math.max(1, Math.round(steps / workers)) : steps,
      images = n * batch * (kind === 'whole' ? workers : 1);
    const c0 = process.cpuUsage(),
      t0 = threadCpuMs(),
      s0 = performance.now();
    for (let i = 0; i < n; i++) await step();
    const ms = performance.now() - s0,
      c = process.cpuUsage(c0);
    thread[kind] += threadCpuMs() - t0;
    counted[kind] += n;
    wall[kind] += ms;
    cpu[kind] += (c.user + c.system) / 1000;
    return images / (ms / 1000);
  };
  const one: number[] = [],
    many: number[] = [],
    whole: number[] = [];
  // Phases summed over every W-worker repeat of a kind (repeats of the other kinds run between them; the last step's
  // apply is counted in its repeat: settled(), outside the wall time).
  const zero = (): PhaseTimes => {
    const p = dp.phases();
    return {
      workers: p.workers.map((w) => ({ ...w, ...Object.fromEntries(Object.keys(w).map((k) => [k, 0])) })),
      engine: { copy: 0, wait: 0, apply: 0 },
      steps: 0,
    };
  };
  const sums = { many: zero(), whole: zero() };
  const timedPhases = async (kind: 'many' | 'whole', step: () => Promise<unknown>) => {
    const p0 = dp.phases();
    const rate = await timed(kind, step);
    await dp.settled();
    const p1 = dp.phases(),
      acc = sums[kind];
    acc.steps += p1.steps - p0.steps;
    acc.workers.forEach((w, i) => {
      for (const k of Object.keys(w) as (keyof typeof w)[]) w[k] += p1.workers[i][k] - p0.workers[i][k];
    });
    for (const k of Object.keys(acc.engine) as (keyof PhaseTimes['engine'])[])
      acc.engine[k] += p1.engine[k] - p0.engine[k];
    return rate;
  };
  for (let r = 0; r < repeats; r++) {
    one.push(await timed('one', stepOne));
    many.push(await timedPhases('many', stepMany));
    whole.push(await timedPhases('whole', stepWhole));
  }
  const phases = phaseDelta(zero(), sums.many, wall.many),
    wholePhases = phaseDelta(zero(), sums.whole, wall.whole);
  const rss = process.memoryUsage().rss;
  const oneCpu = thread.one / counted.one,
    busiest = Math.max(...phases.perStepMs.map((p) => p.cpu)),
    busiestWhole = Math.max(...wholePhases.perStepMs.map((p) => p.cpu));
  const share = busiest / oneCpu,
    inflation = busiestWhole / oneCpu;
  await dp.close();
  single.model.dispose();
  multi.model.dispose();
  single.opt.dispose();
  multi.opt.dispose();
  return {
    workers,
    one,
    many,
    scaling: +(median(many) / median(one)).toFixed(3),
    whole,
    wholeScaling: +(median(whole) / median(one)).toFixed(3),
    cpuPerWall: { one: round(cpu.one / wall.one), many: round(cpu.many / wall.many) },
    busy: phases.busy,
    cpuMsPerStep: {
      one: round(oneCpu),
      engine: round(thread.many / counted.many),
      projectedScaling: round(oneCpu / busiest),
    },
    cpuSplit: {
      share: round(share),
      inflation: round(inflation),
      fixed: round((share / inflation - 1 / workers) / (1 - 1 / workers)),
    },
    perStepMs: phases.perStepMs,
    engineMs: phases.engineMs,
    rssMiB: mib(rss),
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
  };
}

export const WORKERS_HEADER =
  '| network | wasm 1 worker (1 thread) img/s | wasm W workers img/s | scaling | CPU/wall 1 · W | busy per worker | CPU ms/step: 1 worker · each of W · engine (projected scaling) | W whole batches: scaling · CPU share · inflation · fixed | RSS / peak |\n|---|---|---|---|---|---|---|---|---|';

export function workersRow(net: string, c: WorkersCase): string {
  const f = (a: number[]) => {
    const s = [...a].sort((p, q) => p - q);
    return `${s[0].toFixed(0)} / **${median(a).toFixed(0)}** / ${s[s.length - 1].toFixed(0)}`;
  };
  const busy = c.busy.map((v) => `${Math.round(100 * v)}%`).join(' · ');
  const cpu = `${c.cpuMsPerStep.one} · ${c.perStepMs.map((p) => p.cpu).join(' · ')} · ${c.cpuMsPerStep.engine} (${c.cpuMsPerStep.projectedScaling}×)`;
  const split = `${c.wholeScaling.toFixed(2)}× · ${c.cpuSplit.share} · ${c.cpuSplit.inflation}× · ${c.cpuSplit.fixed}`;
  return `| ${net} | ${f(c.one)} | ${f(c.many)} | ${c.scaling.toFixed(2)}× | ${c.cpuPerWall.one} · ${c.cpuPerWall.many} | ${busy} | ${cpu} | ${split} | ${c.rssMiB} / ${c.peakRssMiB} MiB |`;
}
