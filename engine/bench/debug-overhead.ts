// The streaming budget of visual debugging: LeNet training with the editor's two subscriptions open (the Inside
// view on a conv block: activations, weights, gradients at 4 Hz, every value of the 8 probe samples; the Health
// view: every layer's norms at 10 Hz, measured each step), each event encoded as the engine sends it, against
// the same training headless, on the same backend. Interleaved (headless, watched, headless, …) because this
// machine's speed drifts over minutes; the figure is the ratio of medians (issue 12 asks for ≤ 5 % slower).
import { inferNetwork, type InferResult } from '../core';
import { loadTemplate } from '../../templates';
import { createFiller, loadDataset } from '../data';
import { RunMonitor, TfjsAccess, type ProbeBatch, type Watch } from '../debug';
import { probeBatch } from '../host/debug-data';
import { encodeFrame } from '../protocol/codec';
import { Model, Optimizer, trainStep } from '../runtime';

export interface DebugOverhead {
  headless: number[];
  watched: number[];
  /** median(watched images/s) / median(headless images/s): 1 = no cost, 0.95 = 5 % slower. */
  ratio: number;
  /**
   * The same from this process's CPU time per image (process.cpuUsage, the wasm threads included): on a shared
   * machine, where wall time mostly measures the neighbours, the figure to compare.
   */
  cpuRatio: number;
  snapshots: number;
}

/** Values per sample of a block's output. */
const sizeOf = (net: InferResult, path: string) =>
  (net.blocks.find((b) => b.path === path)?.outputShape ?? []).reduce((a, v) => a * v, 1);

/**
 * What renderer/src/panels/debug/link.ts subscribes with (INSIDE_HZ, maxValuesFor(shape, PROBE_SAMPLES), health),
 * each event encoded as the engine sends it; `counted` once per snapshot.
 */
export function editorWatches(net: InferResult, probe: ProbeBatch, block: string, counted: () => void): Watch[] {
  const inside: Watch = {
    id: 'inside',
    blocks: [block],
    kinds: ['activation', 'weight', 'gradient'],
    maxHz: 4,
    maxValues: Math.max(4096, probe.shape[0] * sizeOf(net, block)),
    probe,
    deliver: (s) => {
      counted();
      encodeFrame({
        t: 'event',
        event: 'debug/activations',
        payload: { runId: 'bench', subscriptionId: 'inside', ...s },
      });
    },
  };
  const health: Watch = {
    id: 'health',
    blocks: [],
    kinds: ['health'],
    maxHz: 10,
    maxValues: 4096,
    probe,
    deliver: () => {},
    deliverHealth: (h) => void encodeFrame({ t: 'event', event: 'debug/health', payload: { runId: 'bench', ...h } }),
  };
  return [inside, health];
}

export const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** The figures of interleaved runs: images/s and CPU time per image of each run, headless and watched. */
export function overheadOf(
  speed: Record<'headless' | 'watched', number[]>,
  cpu: Record<'headless' | 'watched', number[]>,
  snapshots: number,
): DebugOverhead {
  return {
    ...speed,
    ratio: +(median(speed.watched) / median(speed.headless)).toFixed(3),
    cpuRatio: +(median(cpu.headless) / median(cpu.watched)).toFixed(3),
    snapshots,
  };
}

export async function measureDebugOverhead(batch: number, repeats: number, block = 'conv1'): Promise<DebugOverhead> {
  const data = await loadDataset({ source: 'fashion-mnist', limit: batch * 4 });
  const filler = createFiller(data.train, data.inputShape, data.normalize);
  const x = new Float32Array(batch * filler.sampleSize),
    y = new Int32Array(batch);
  const model = new Model(inferNetwork(loadTemplate('lenet')), 1);
  const opt = new Optimizer({ type: 'sgd', lr: 0.01, momentum: 0.9 });
  const probe = probeBatch(data);
  let snapshots = 0;
  const [inside, health] = editorWatches(model.net, probe, block, () => snapshots++);
  const access = new TfjsAccess(model); // driven here step by step, as the Trainer drives it
  const monitor = new RunMonitor(access, { probe, watches: () => [inside, health], onAnomaly: () => {} });
  // A real epoch's length (Fashion-MNIST's 60 000 training images), so the dead-ReLU check runs as often as in a run.
  const batches = Math.ceil(60_000 / batch);
  let b = 0;
  const step = async (watched: boolean) => {
    const batchIndex = b++ % 4;
    filler.fill(null, batchIndex * batch, batch, x, y);
    await trainStep(model, opt, x, y, batch, watched ? access.probe : undefined);
    if (watched) await access.afterStep({ step: b, epoch: 0, batch: (b - 1) % batches, batches, applied: true });
  };
  await step(false);
  await step(true); // warm-up (kernels, buffer pools, the probe's shapes)
  // ~4 s per run, sized on a warm step (the first ones compile: sized on them, a run was ~3 steps, all noise).
  const t0 = performance.now();
  await step(false);
  const steps = Math.max(2, Math.round(4000 / (performance.now() - t0)));
  const cpu: Record<'headless' | 'watched', number[]> = { headless: [], watched: [] };
  const run = async (watched: boolean) => {
    const s0 = performance.now(),
      c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) await step(watched);
    const c = process.cpuUsage(c0);
    cpu[watched ? 'watched' : 'headless'].push((c.user + c.system) / (steps * batch));
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
  return overheadOf({ headless, watched }, cpu, snapshots);
}
