// Block semantics on real tfjs (wasm): BatchNorm statistics, dropout only in training, constants never
// change, frozen blocks get no updates, shared parameters are one variable.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDocInput } from '../core';
import { loadTemplate } from '../../templates';
import { tf } from './backends/tf';
import { selectBackend } from './backends/registry';
import { Model } from './model';
import { Optimizer } from './optim';
import { Rng } from './rng';
import { trainStep } from './step';

beforeAll(async () => {
  await selectBackend('wasm');
});

const doc = (root: unknown, shape: number[]) => ({
  format: 'netloom/network',
  version: 1,
  name: 't',
  input: { shape },
  root,
});

describe('BatchNorm', () => {
  it('normalizes by batch statistics in training, moving averages (momentum 0.9) in inference', async () => {
    const model = new Model(
      inferNetwork(
        doc({ kind: 'sequential', id: 'net', children: [{ kind: 'layer', id: 'bn', type: 'BatchNorm' }] }, [3]),
      ),
      1,
    );
    const x = new Float32Array([1, 10, -2, 3, 20, -4, 5, 30, -6, 7, 40, -8]);
    const { y, bnUpdates } = model.forward(model.input(x, 4), { training: true });
    const mean = tf.mean(y, 0).arraySync() as number[];
    mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    Model.applyUpdates(bnUpdates);
    const w = await model.params.toGluon();
    expect(Array.from(w.sequential0_batchnorm0_running_mean.data).map((v) => +v.toFixed(5))).toEqual([0.4, 2.5, -0.5]); // 0.1 · batch mean
    // Biased batch variance of the columns: 5, 125, 5 → 0.9·1 + 0.1·var.
    expect(Array.from(w.sequential0_batchnorm0_running_var.data).map((v) => +v.toFixed(4))).toEqual([1.4, 13.4, 1.4]);
    const inf = model.forward(model.input(new Float32Array([0.4, 2.5, -0.5]), 1), { training: false }).y.dataSync();
    Array.from(inf).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5)); // x = running mean → 0
    model.dispose();
  });
});

describe('Dropout', () => {
  it('drops only while training', () => {
    const model = new Model(
      inferNetwork(
        doc(
          {
            kind: 'sequential',
            id: 'net',
            children: [{ kind: 'layer', id: 'd', type: 'Dropout', params: { rate: 0.5 } }],
          },
          [1000],
        ),
      ),
      1,
    );
    const ones = new Float32Array(1000).fill(1);
    const train = model.forward(model.input(ones, 1), { training: true }).y.dataSync();
    const zeros = train.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(400);
    expect(zeros).toBeLessThan(600);
    expect(train.filter((v) => v !== 0).every((v) => Math.abs(v - 2) < 1e-6)).toBe(true); // inverted dropout
    expect(
      Array.from(model.forward(model.input(ones, 1), { training: false }).y.dataSync()).every((v) => v === 1),
    ).toBe(true);
    model.dispose();
  });
});

async function stepsOn(model: Model, opt: Optimizer, steps: number, classes: number) {
  const n = 16,
    size = model.inputShape.reduce((a, b) => a * b, 1);
  const x = new Rng(3).normal(new Float32Array(n * size), 0, 1);
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % classes);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push((await trainStep(model, opt, x, y, n)).loss);
  return losses;
}

describe('parameters', () => {
  it('fancy-mlp: the constant never changes, the dense layer applied twice is one variable that trains', async () => {
    const net = inferNetwork(loadTemplate('fancy-mlp'));
    const model = new Model(net, 2);
    const before = await model.params.toGluon();
    const losses = await stepsOn(model, new Optimizer({ type: 'adam', lr: 1e-2 }), 6, 256);
    const after = await model.params.toGluon();
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    const constants = net.parameters.filter((p) => !p.trainable);
    expect(constants.length).toBeGreaterThan(0);
    for (const p of constants) expect(after[p.name].data).toEqual(before[p.name].data);
    const shared = net.parameters.find((p) => p.usedBy.length === 2)!;
    expect(after[shared.name].data).not.toEqual(before[shared.name].data);
    expect(model.params.vars.size).toBe(net.parameters.length); // one variable per parameter, not per use
    model.dispose();
  });

  it('a frozen block gets no updates; its neighbours do', async () => {
    const d = loadTemplate('mlp') as NetworkDocInput & { root: { children: { trainable?: boolean }[] } };
    d.root.children[0].trainable = false;
    d.input = { shape: [20] };
    const model = new Model(inferNetwork(d), 4);
    const before = await model.params.toGluon();
    await stepsOn(model, new Optimizer({ type: 'sgd', lr: 0.1, momentum: 0.9 }), 3, 10);
    const after = await model.params.toGluon();
    expect(after.sequential0_dense0_weight.data).toEqual(before.sequential0_dense0_weight.data);
    expect(after.sequential0_dense1_weight.data).not.toEqual(before.sequential0_dense1_weight.data);
    model.dispose();
  });
});
