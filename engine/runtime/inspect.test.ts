// Visual debugging's tensor services on real tfjs (wasm): a probe snapshot is the plain forward pass on the
// same input (channels first, only the watched paths kept, both applications of a reused layer), and the
// gradient tap's norms are those of the step's own gradients, recomputed here independently.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork } from '../core';
import { loadTemplate } from '../../templates';
import { tf } from './backends/tf';
import { selectBackend } from './backends/registry';
import { GradientTap, probeOutputs } from './inspect';
import { Model } from './model';
import { Optimizer } from './optim';
import { Rng } from './rng';
import { predictBatch, trainStep } from './step';

beforeAll(async () => {
  await selectBackend('wasm');
});

const input = (model: Model, n: number, seed = 5) =>
  new Rng(seed).normal(new Float32Array(n * model.inputShape.reduce((a, b) => a * b, 1)), 0, 1);
const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
/** Within 1e-4 relative (float32 sums in a different order). */
const rel = (a: number, b: number) => expect(Math.abs(a - b) / Math.max(1e-12, Math.abs(b))).toBeLessThan(1e-4);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  expect(worst).toBeLessThanOrEqual(tol);
};

describe('probeOutputs', () => {
  it('inside a definition instance (b2/r1/conv1): the plain forward, channels first; the root equals predict', async () => {
    const d = loadTemplate('resnet18-small') as { input: { shape: number[] } };
    const model = new Model(inferNetwork({ ...d, input: { shape: [1, 32, 32] } }), 3);
    const x = input(model, 2);
    const before = await model.params.toGluon();
    const outs = await probeOutputs(model, x, 2, ['b2/r1/conv1', '']);
    expect([...outs.keys()].sort()).toEqual(['', 'b2/r1/conv1']);
    const record = new Map<string, tf.Tensor>();
    tf.tidy(() => void model.forward(model.input(x, 2), { training: false, record }));
    const nhwc = record.get('b2/r1/conv1')!;
    const [n, h, w, c] = nhwc.shape;
    const plain = nhwc.dataSync();
    const got = outs.get('b2/r1/conv1')!;
    expect(got.shape).toEqual([n, c, h, w]);
    // element (s, ch, y, x) of the probe is element (s, y, x, ch) of the plain NHWC output
    const moved = new Float32Array(plain.length);
    for (let s = 0; s < n; s++)
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < h; y++)
          for (let xx = 0; xx < w; xx++)
            moved[((s * c + ch) * h + y) * w + xx] = plain[((s * h + y) * w + xx) * c + ch];
    close(got.data, moved, 1e-6);
    tf.dispose([...record.values()]);
    close(outs.get('')!.data, (await predictBatch(model, x, 2)).logits, 1e-6);
    // inference mode: BatchNorm's moving statistics are untouched
    const after = await model.params.toGluon();
    for (const k of Object.keys(before)) close(after[k].data, before[k].data, 0);
    model.dispose();
  }, 120_000);

  it('both applications of a layer applied twice (FancyMLP): `again` is dense applied to const', async () => {
    const model = new Model(inferNetwork(loadTemplate('fancy-mlp')), 4);
    const x = input(model, 3);
    const outs = await probeOutputs(model, x, 3, ['dense', 'const', 'again']);
    const g = await model.params.toGluon();
    const W = g['fancymlp0_dense0_weight'],
      b = g['fancymlp0_dense0_bias'];
    const [units, inUnits] = W.shape;
    const c = outs.get('const')!.data;
    const want = new Float32Array(3 * units);
    for (let s = 0; s < 3; s++)
      for (let u = 0; u < units; u++) {
        let v = b.data[u];
        for (let i = 0; i < inUnits; i++) v += c[s * inUnits + i] * W.data[u * inUnits + i];
        want[s * units + u] = v;
      }
    close(outs.get('again')!.data, want, 1e-4);
    expect(outs.get('again')!.data).not.toEqual(outs.get('dense')!.data);
    model.dispose();
  }, 60_000);
});

describe('probeOutputs stops after the watched blocks', () => {
  it('conv1 of LeNet: the same values as the full forward, with fewer kernels run', async () => {
    const model = new Model(inferNetwork(loadTemplate('lenet')), 2);
    const x = input(model, 3);
    const kernels = async (paths: string[]) =>
      (
        await tf.profile(async () => {
          await probeOutputs(model, x, 3, paths);
          return [];
        })
      ).kernels.length;
    const first = (await probeOutputs(model, x, 3, ['conv1'])).get('conv1')!;
    const both = await probeOutputs(model, x, 3, ['conv1', '']);
    close(first.data, both.get('conv1')!.data, 0);
    close(both.get('')!.data, (await predictBatch(model, x, 3)).logits, 1e-6);
    expect(await kernels(['conv1'])).toBeLessThan((await kernels([''])) / 2);
    model.dispose();
  }, 60_000);
});

describe('GradientTap', () => {
  // 'host' (read and summed in JS: wasm, cpu) and 'tensor' (one stacked reduction: GPU backends) must agree.
  it.each(['host', 'tensor'] as const)(
    "%s: measures the step's own gradients, weights and update (checked against an identical model)",
    async (mode) => {
      const net = inferNetwork(loadTemplate('lenet-bn'));
      const a = new Model(net, 9),
        b = new Model(net, 9);
      const n = 4;
      const x = input(a, n, 1);
      const y = Int32Array.from([1, 7, 3, 0]);
      // b: the gradients of the same loss, computed here
      const vars = b.params.trainable();
      const { grads } = tf.variableGrads(() => {
        const { y: logits, bnUpdates } = b.forward(b.input(x, n), { training: true });
        bnUpdates.forEach((u) => u.value.dispose());
        const oneHot = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
        return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
      }, vars);
      const norm = (t: tf.Tensor) => Math.sqrt(tf.sum(tf.square(t)).dataSync()[0]);
      const before = await b.params.toGluon();

      const tap = new GradientTap(mode);
      const conv = net.parameters.find((p) => p.trainable && p.shape.length === 4)!.name; // the first conv's weight
      tap.capture.add(conv);
      const opt = new Optimizer({ type: 'sgd', lr: 0.1, momentum: 0.9 });
      await trainStep(a, opt, x, y, n, tap);
      const m = (await tap.read())!;
      expect(await tap.read()).toBeNull();
      const after = await a.params.toGluon();
      expect(m.names).toEqual(a.params.trainable().map((v) => v.name.replace(/#.*$/, '')));
      m.names.forEach((name, i) => {
        const v = vars.find((t) => t.name.startsWith(`${name}#`))!;
        rel(m.gradNorm[i], norm(grads[v.name]));
        rel(m.weightNorm[i], l2(after[name].data));
        const delta = after[name].data.map((w, k) => w - before[name].data[k]);
        const wn = l2(before[name].data);
        rel(m.updateRatio[i], wn ? l2(delta) / wn : 0);
      });
      const convGrad = grads[vars.find((t) => t.name.startsWith(`${conv}#`))!.name];
      close(m.grads.get(conv)!, convGrad.dataSync(), 1e-6);
      expect([...m.grads.keys()]).toEqual([conv]);
      tf.dispose(grads);
      const tensors = tf.memory().numTensors;
      await trainStep(a, opt, x, y, n, tap);
      await tap.read();
      expect(tf.memory().numTensors).toBe(tensors); // nothing kept between steps
      tap.dispose();
      opt.dispose();
      a.dispose();
      b.dispose();
    },
    60_000,
  );
});
