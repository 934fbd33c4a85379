// Number tests: for every layer kind, the gradients tfjs computes through our Blocks agree with central
// finite differences of the same loss. Runs on the cpu backend (float32; tolerances sized for that).
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork, type Block } from '../core';
import { tf } from './backends/tf';
import { selectBackend } from './backends/registry';
import { Model } from './model';
import { Rng } from './rng';

beforeAll(async () => {
  await selectBackend('cpu');
});

const layer = (id: string, type: string, params: Record<string, unknown> = {}): Block =>
  ({ kind: 'layer', id, type, params }) as Block;
const seq = (...children: Block[]): Block => ({ kind: 'sequential', id: 'net', children });
const doc = (root: Block, shape = [2, 6, 6]) => ({
  format: 'netloom/network',
  version: 1,
  name: 't',
  input: { shape },
  root,
});
const conv = (id = 'c', channels = 2, extra: Record<string, unknown> = {}) =>
  layer(id, 'Conv2D', { channels, kernelSize: 1, ...extra });

/**
 * `distinct`: inputs are a shuffled arange, so with one input channel and a 1×1 conv the values are far
 * apart and a max never switches under the perturbation (max pooling is not differentiable at ties).
 */
function check(d: unknown, dropoutSeed?: number, distinct = false) {
  const net = inferNetwork(d);
  expect(net.errors).toEqual([]);
  const model = new Model(net, 11);
  const n = 3;
  const size = n * net.input.reduce((a, b) => a * b, 1);
  const xs = new Rng(5).normal(new Float32Array(size), 0, 1);
  if (distinct) {
    const order = Array.from(xs.keys()).sort((a, b) => xs[a] - xs[b]);
    order.forEach((k, rank) => {
      xs[k] = (rank - size / 2) * 0.1;
    });
  }
  const outSize = net.output!.reduce((a, b) => a * b, 1);
  const r = tf.tensor(new Rng(9).normal(new Float32Array(n * outSize), 0, 1));
  // A scalar loss that depends on every output; the same dropout mask on every evaluation.
  const loss = () =>
    tf.tidy(() => {
      const x = model.input(xs, n);
      const { y, bnUpdates } = model.forward(x, { training: true, rng: new Rng(dropoutSeed ?? 1) });
      bnUpdates.forEach((u) => u.value.dispose());
      return tf.sum(tf.mul(tf.reshape(y, [-1]), r)) as tf.Scalar;
    });
  const vars = model.params.trainable();
  const { grads } = tf.variableGrads(loss, vars);
  let checked = 0;
  for (const v of vars) {
    const g = grads[v.name].dataSync();
    const values = v.dataSync().slice();
    const pick = new Rng(v.size);
    for (let k = 0; k < Math.min(4, v.size); k++) {
      const i = Math.floor(pick.next() * v.size);
      const eps = 3e-3;
      const at = (delta: number) => {
        const w = values.slice();
        w[i] += delta;
        v.assign(tf.tensor(w, v.shape));
        return loss().dataSync()[0];
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(values, v.shape));
      expect(Math.abs(fd - g[i]), `${v.name}[${i}]: finite difference ${fd} vs gradient ${g[i]}`).toBeLessThan(
        2e-2 + 2e-2 * Math.abs(g[i]),
      );
      checked++;
    }
  }
  tf.dispose(grads);
  r.dispose();
  model.dispose();
  return checked;
}

describe('gradients agree with finite differences', () => {
  it('Dense (on CHW input: flatten order included)', () => {
    expect(check(doc(seq(layer('d', 'Dense', { units: 3 }))))).toBeGreaterThan(0);
  });
  it('Dense with each activation', () => {
    for (const activation of ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'])
      check(doc(seq(layer('d', 'Dense', { units: 4, activation })), [5]));
  });
  it('Conv2D: kernel 3, stride 2, padding 1, non-square input', () => {
    check(doc(seq(conv('c', 3, { kernelSize: 3, strides: 2, padding: 1 })), [2, 7, 5]));
  });
  it('Conv2D with [h, w] kernel and sigmoid', () => {
    check(doc(seq(conv('c', 2, { kernelSize: [3, 2], activation: 'sigmoid' }))));
  });
  it('MaxPool2D: overlapping windows, stride 1, padding, non-square window', () => {
    const one = conv('c', 1);
    check(doc(seq(one, layer('p', 'MaxPool2D', { poolSize: 3, strides: 2 })), [1, 7, 7]), undefined, true);
    check(doc(seq(one, layer('p', 'MaxPool2D', { poolSize: 2, strides: 1 })), [1, 4, 4]), undefined, true);
    check(doc(seq(one, layer('p', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 })), [1, 6, 6]), undefined, true);
    check(doc(seq(one, layer('p', 'MaxPool2D', { poolSize: [2, 3] })), [1, 6, 6]), undefined, true);
  });
  it('AvgPool2D with ceil mode', () => {
    check(doc(seq(conv(), layer('p', 'AvgPool2D', { poolSize: 2, ceilMode: true })), [2, 5, 5]));
  });
  it('GlobalAvgPool2D, Flatten, Activation', () => {
    check(doc(seq(conv(), layer('g', 'GlobalAvgPool2D'), layer('f', 'Flatten'))));
    check(
      doc(
        seq(
          conv(),
          layer('a', 'Activation', { activation: 'tanh' }),
          layer('f', 'Flatten'),
          layer('d', 'Dense', { units: 2 }),
        ),
      ),
    );
  });
  it('Dropout (training, a fixed mask)', () => {
    check(doc(seq(conv(), layer('drop', 'Dropout', { rate: 0.5 }))), 42);
  });
  it('BatchNorm (batch statistics in training)', () => {
    check(doc(seq(conv('c', 3), layer('bn', 'BatchNorm'))));
    check(doc(seq(layer('d', 'Dense', { units: 4 }), layer('bn', 'BatchNorm')), [6]));
  });
  it('Centered', () => {
    check(doc(seq(layer('d', 'Dense', { units: 4 }), layer('c', 'Centered')), [5]));
  });
  it('Concat and Add in a graph block', () => {
    const g = (merge: string): Block => ({
      kind: 'graph',
      id: 'net',
      output: 'm',
      nodes: [conv('a', 2), conv('b', 2, { kernelSize: 3, padding: 1 }), layer('m', merge)],
      edges: [
        { from: 'input', to: 'a' },
        { from: 'input', to: 'b' },
        { from: 'a', to: 'm' },
        { from: 'b', to: 'm' },
      ],
    });
    check(doc(g('Concat')));
    check(doc(g('Add')));
  });
  it('a layer applied twice and a shared layer accumulate both uses', () => {
    check(
      doc(seq(layer('d', 'Dense', { units: 5, activation: 'tanh' }), { kind: 'apply', id: 'again', target: 'd' }), [5]),
    );
    check(
      doc(
        seq(layer('a', 'Dense', { units: 5, activation: 'tanh' }), {
          kind: 'layer',
          id: 'b',
          type: 'Dense',
          params: { units: 5 },
          share: 'a',
        } as Block),
        [5],
      ),
    );
  });
});
