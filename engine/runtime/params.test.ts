// Parameter layouts derive from the axes each layer declares in its paramSpecs: storage is what tfjs's kernels
// want, import/export speak Gluon's layout, and a Gluon weight means what it means in Gluon (checked against a
// forward pass written out by hand in NCHW).
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork, type Block } from '../core';
import { loadTemplate } from '../../templates';
import { tf } from './backends/tf';
import { selectBackend } from './backends/registry';
import { Model } from './model';
import { storagePerm } from './params';
import { Rng } from './rng';

beforeAll(async () => {
  await selectBackend('cpu');
});

const doc = (children: Block[], shape: number[]) => ({
  format: 'netloom/network',
  version: 1,
  name: 't',
  input: { shape },
  root: { kind: 'sequential', id: 'net', children },
});
const values = (n: number, seed: number) => new Rng(seed).normal(new Float32Array(n), 0, 1);
const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}`).toBeLessThan(1e-4);
};

describe('storage layout from declared axes', () => {
  it("puts axes in tfjs's order: [kh, kw, in, out]", () => {
    expect(storagePerm(['out', 'in'])).toEqual([1, 0]);
    expect(storagePerm(['out', 'in', 'kh', 'kw'])).toEqual([2, 3, 1, 0]);
    expect(storagePerm(['out'])).toBeNull();
    expect(storagePerm(['in', 'out'])).toBeNull();
    expect(() => storagePerm(['out', 'out'])).toThrow(/name an axis twice/);
  });

  it('every parameter of the bundled networks gets a layout (graphs, sharing, apply, repeat, BatchNorm)', () => {
    for (const id of ['shared-mlp', 'fancy-mlp', 'lenet-bn', 'nin-small', 'googlenet-small', 'densenet-small']) {
      const net = inferNetwork(loadTemplate(id));
      expect(net.errors, id).toEqual([]);
      const model = new Model(net, 1);
      for (const p of net.parameters) {
        const v = model.params.vars.get(p.name)!;
        const perm = storagePerm(
          p.shape.length === 4 ? ['out', 'in', 'kh', 'kw'] : p.shape.length === 2 ? ['out', 'in'] : ['out'],
        );
        expect(v.shape, `${id} ${p.name}`).toEqual(perm ? perm.map((i) => p.shape[i]) : p.shape);
      }
      model.dispose();
    }
  });
});

describe('Gluon weights mean what they mean in Gluon', () => {
  it('Dense: y = W·x + b with W of shape (units, in_units)', async () => {
    const model = new Model(inferNetwork(doc([{ kind: 'layer', id: 'd', type: 'Dense', params: { units: 2 } }], [3])));
    const [w, b] = model.params.infos;
    const W = values(6, 1),
      B = values(2, 2),
      x = values(3, 3);
    model.params.load({ [w.name]: { shape: [2, 3], data: W }, [b.name]: { shape: [2], data: B } });
    const want = [0, 1].map((u) => B[u] + W[u * 3] * x[0] + W[u * 3 + 1] * x[1] + W[u * 3 + 2] * x[2]);
    close(model.forward(model.input(x, 1), { training: false }).y.dataSync(), want);
    expect(await model.params.toGluon()).toEqual({
      [w.name]: { shape: [2, 3], data: W },
      [b.name]: { shape: [2], data: B },
    });
    model.dispose();
  });

  it('Conv2D: weight (C, Cin, kh, kw), a non-square kernel on a non-square input', async () => {
    const [ci, h, wd, co, kh, kw] = [2, 3, 5, 3, 2, 3];
    const model = new Model(
      inferNetwork(
        doc([{ kind: 'layer', id: 'c', type: 'Conv2D', params: { channels: co, kernelSize: [kh, kw] } }], [ci, h, wd]),
      ),
    );
    const [w, b] = model.params.infos;
    const W = values(co * ci * kh * kw, 4),
      B = values(co, 5),
      x = values(ci * h * wd, 6);
    model.params.load({ [w.name]: { shape: [co, ci, kh, kw], data: W }, [b.name]: { shape: [co], data: B } });
    const [oh, ow] = [h - kh + 1, wd - kw + 1];
    const want: number[] = []; // NCHW, as Gluon computes it
    for (let o = 0; o < co; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = B[o];
          for (let c = 0; c < ci; c++)
            for (let a = 0; a < kh; a++)
              for (let e = 0; e < kw; e++) s += W[((o * ci + c) * kh + a) * kw + e] * x[(c * h + i + a) * wd + j + e];
          want.push(s);
        }
    const y = model.forward(model.input(x, 1), { training: false }).y; // NHWC
    close(tf.transpose(y, [0, 3, 1, 2]).dataSync(), want);
    expect((await model.params.toGluon())[w.name].data).toEqual(W);
    model.dispose();
  });
});
