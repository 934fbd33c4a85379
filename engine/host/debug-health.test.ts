// The health monitor (engine/debug) on real training (wasm, real Fashion-MNIST), hooked into the Trainer as
// the engine host does: a deep plain sigmoid MLP shows vanishing gradients in its first layers; the same depth
// with ReLU and BatchNorm does not (the seed's reason for ResNet, made visible). Also the rules on set norms.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { loadTemplate } from '../../templates';
import { loadDataset, type Dataset } from '../data';
import { Model, probeOutputs, selectBackend } from '../runtime';
import { Trainer } from '../train';
import {
  deadFraction,
  HealthMonitor,
  PERSIST_STEPS,
  RunMonitor,
  TfjsAccess,
  VANISHING_RATIO,
  type HealthAnomaly,
} from '../debug';
import { DEPTH, deepMlp } from './testing/deep-mlp';

let data: Dataset;
beforeAll(async () => {
  await selectBackend('wasm');
  data = await loadDataset({ source: 'fashion-mnist', limit: 320, split: 0 });
});

const mlp = deepMlp;

async function anomaliesOf(doc: object): Promise<HealthAnomaly[]> {
  const net = inferNetwork(doc);
  expect(net.errors).toEqual([]);
  const model = new Model(net, 2);
  const trainer = new Trainer(model, data, {
    epochs: 1,
    batchSize: 32, // 10 steps
    seed: 2,
    optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
  });
  const found: HealthAnomaly[] = [];
  const x = new Float32Array(8 * 784);
  for (let i = 0; i < x.length; i++) x[i] = data.test.x[i] / 255;
  const probe = {
    split: 'test' as const,
    indices: new Int32Array(8),
    labels: new Int32Array(8),
    input: x,
    shape: [8, 1, 28, 28],
  };
  const monitor = new RunMonitor(new TfjsAccess(model, trainer), {
    probe,
    watches: () => [],
    onAnomaly: (a) => found.push(a),
  });
  await trainer.run();
  monitor.dispose();
  trainer.dispose();
  model.dispose();
  return found;
}

describe('health monitor', () => {
  it('flags vanishing gradients in the first layers of a deep sigmoid MLP, not with ReLU + BatchNorm', async () => {
    const sigmoid = await anomaliesOf(mlp(false));
    const vanishing = sigmoid.filter((a) => a.kind === 'vanishing').map((a) => a.block);
    expect(vanishing).toContain('d0');
    expect(vanishing).not.toContain('out');
    expect(vanishing).not.toContain(`d${DEPTH - 1}`);
    // the first layers, not arbitrary ones: every flagged layer is before every unflagged hidden layer
    const idx = vanishing.map((b) => Number(b.slice(1)));
    expect(Math.max(...idx)).toBeLessThan(idx.length);
    const relu = await anomaliesOf(mlp(true));
    expect(relu.filter((a) => a.kind === 'vanishing')).toEqual([]);
  }, 300_000);

  it('rules: a gradient must stay below the ratio for PERSIST_STEPS steps; each finding once', () => {
    const net = inferNetwork(mlp(false));
    const h = new HealthMonitor(net);
    const names = net.parameters.filter((p) => p.trainable).map((p) => p.name);
    const norms = (first: number) => ({
      names,
      weightNorm: new Float32Array(names.length).fill(1),
      gradNorm: Float32Array.from(names, (n, i) => (i < 2 ? first : 1)),
      updateRatio: new Float32Array(names.length).fill(0.01),
      grads: new Map(),
    });
    const tiny = VANISHING_RATIO / 10;
    const seen: HealthAnomaly[] = [];
    for (let s = 1; s < PERSIST_STEPS; s++) seen.push(...h.observe(norms(tiny), s));
    expect(seen).toEqual([]);
    seen.push(...h.observe(norms(1), PERSIST_STEPS)); // the streak breaks
    for (let s = 1; s <= PERSIST_STEPS; s++) seen.push(...h.observe(norms(tiny), 10 + s));
    expect(seen.map((a) => [a.kind, a.block, a.step])).toEqual([['vanishing', 'd0', 10 + PERSIST_STEPS]]);
    expect(h.observe(norms(tiny), 99)).toEqual([]);
  });

  it('dead ReLU: units zero for every probe sample (custom-init: weights U[5, 10], bias 2)', async () => {
    const d = new Float32Array([0, 1, 0, 0, 0, 2, 0, 0]); // 2 samples × 4 units: units 0, 2 and 3 are dead
    expect(deadFraction(d, [2, 4])).toBe(0.75);
    const net = inferNetwork(loadTemplate('custom-init'));
    const model = new Model(net, 1);
    // negative inputs drive every pre-activation of `hidden` below zero; positive ones keep them alive
    const dead = await probeOutputs(model, new Float32Array(4 * 784).fill(-1), 4, ['hidden']);
    const alive = await probeOutputs(model, new Float32Array(4 * 784).fill(1), 4, ['hidden']);
    const h = new HealthMonitor(net);
    expect(h.observeDead(alive, 1)).toEqual([]);
    expect(h.observeDead(dead, 2).map((a) => [a.kind, a.block, a.step])).toEqual([['dead', 'hidden', 2]]);
    expect(h.observeDead(dead, 3)).toEqual([]); // reported once
    model.dispose();
  });
});
