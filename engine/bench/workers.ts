// The data-parallel case of `npm run bench -- --workers W`: one net trained on 1 worker and on W workers
// (runtime DataParallel) on the wasm backend, interleaved (1, W, 1, W, …) because this machine's speed drifts over
// minutes, min/median/max images/s each, and the process's memory with W workers (worker threads share the process:
// RSS covers them). Until these figures show a gain, the product's default stays 1 worker.
import { inferNetwork } from '../core';
import { createFiller, loadDataset } from '../data';
import { DataParallel, Model, Optimizer, trainStep } from '../runtime';

export interface WorkersCase {
  workers: number;
  one: number[];
  many: number[];
  /** median(W workers) / median(1 worker). */
  scaling: number;
  /** Resident memory after the W-worker runs, and the process's peak, in MiB. */
  rssMiB: number;
  peakRssMiB: number;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

export async function measureWorkers(
  doc: unknown,
  workers: number,
  batch: number,
  repeats: number,
): Promise<WorkersCase> {
  const data = await loadDataset({ source: 'fashion-mnist', limit: batch * 4 });
  const filler = createFiller(data.train, data.inputShape, data.normalize);
  const x = new Float32Array(batch * filler.sampleSize),
    y = new Int32Array(batch);
  const make = () => {
    const model = new Model(inferNetwork(doc), 1);
    return { model, opt: new Optimizer({ type: 'sgd', lr: 0.01, momentum: 0.9 }) };
  };
  const single = make(),
    multi = make();
  const dp = await DataParallel.start(multi.model, multi.opt, { workers });
  let b = 0;
  const fill = () => filler.fill(null, (b++ % 4) * batch, batch, x, y);
  const stepOne = async () => (fill(), await trainStep(single.model, single.opt, x, y, batch));
  const stepMany = async () => (fill(), await dp.trainStep(multi.model, multi.opt, x, y, batch));
  // Warm-up both (kernel compilation, buffer pools), and size a repeat at ~2 s of the single worker.
  await stepOne();
  await stepMany();
  const t0 = performance.now();
  await stepOne();
  const steps = Math.max(1, Math.round(2000 / (performance.now() - t0)));
  const timed = async (step: () => Promise<unknown>) => {
    const s0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    return (steps * batch) / ((performance.now() - s0) / 1000);
  };
  const one: number[] = [],
    many: number[] = [];
  for (let r = 0; r < repeats; r++) {
    one.push(await timed(stepOne));
    many.push(await timed(stepMany));
  }
  const rss = process.memoryUsage().rss;
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
    rssMiB: mib(rss),
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
  };
}

export function workersRow(net: string, c: WorkersCase): string {
  const f = (a: number[]) => {
    const s = [...a].sort((p, q) => p - q);
    return `${s[0].toFixed(0)} / **${median(a).toFixed(0)}** / ${s[s.length - 1].toFixed(0)}`;
  };
  return `| ${net} | ${f(c.one)} | ${f(c.many)} | ${c.scaling.toFixed(2)}× | ${c.rssMiB} / ${c.peakRssMiB} MiB |`;
}
