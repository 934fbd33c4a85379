// The streaming budget of visual debugging: LeNet training with a conv block watched (activations, weights,
// gradients at up to 10 Hz, as the Inside view asks) and every layer's health measured each step, against the
// same training headless, on the same backend. Interleaved (headless, watched, headless, …) because this
// machine's speed drifts over minutes; the figure is the ratio of medians (issue 12 asks for ≤ 5 % slower).
import { inferNetwork } from '../core';
import { loadTemplate } from '../../templates';
import { createFiller, loadDataset } from '../data';
import { RunMonitor, type Watch } from '../debug';
import { probeBatch } from '../host/debug-data';
import { Model, Optimizer, trainStep } from '../runtime';

export interface DebugOverhead {
  headless: number[];
  watched: number[];
  /** median(watched images/s) / median(headless images/s): 1 = no cost, 0.95 = 5 % slower. */
  ratio: number;
  snapshots: number;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

export async function measureDebugOverhead(batch: number, repeats: number, block = 'conv1'): Promise<DebugOverhead> {
  const data = await loadDataset({ source: 'fashion-mnist', limit: batch * 4 });
  const filler = createFiller(data.train, data.inputShape, data.normalize);
  const x = new Float32Array(batch * filler.sampleSize),
    y = new Int32Array(batch);
  const model = new Model(inferNetwork(loadTemplate('lenet')), 1);
  const opt = new Optimizer({ type: 'sgd', lr: 0.01, momentum: 0.9 });
  const probe = probeBatch(data);
  let snapshots = 0;
  const watch: Watch = {
    id: 'bench',
    blocks: [block],
    kinds: ['activation', 'weight', 'gradient', 'health'],
    maxHz: 10,
    maxValues: 4096,
    probe,
    deliver: () => void snapshots++,
    deliverHealth: () => {},
  };
  const monitor = new RunMonitor(model, { probe, watches: () => [watch], onAnomaly: () => {} });
  let b = 0;
  const step = async (watched: boolean) => {
    const batchIndex = b++ % 4;
    filler.fill(null, batchIndex * batch, batch, x, y);
    await trainStep(model, opt, x, y, batch, watched ? monitor.probe : undefined);
    if (watched) await monitor.afterStep({ step: b, epoch: 0, batch: batchIndex, batches: 4, applied: true });
  };
  const t0 = performance.now();
  await step(false);
  await step(true); // warm-up (kernels, buffer pools, the probe's shapes)
  const steps = Math.max(2, Math.round(4000 / (performance.now() - t0)));
  const run = async (watched: boolean) => {
    const s0 = performance.now();
    for (let i = 0; i < steps; i++) await step(watched);
    return (steps * batch) / ((performance.now() - s0) / 1000);
  };
  const headless: number[] = [],
    watched: number[] = [];
  for (let r = 0; r < repeats; r++) {
    headless.push(await run(false));
    watched.push(await run(true));
  }
  monitor.dispose();
  opt.dispose();
  model.dispose();
  return { headless, watched, ratio: +(median(watched) / median(headless)).toFixed(3), snapshots };
}
