// Every template trains: a few steps on real Fashion-MNIST images (small inputs) make the loss fall.
import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDocInput } from '../core';
import { TEMPLATE_IDS, loadTemplate } from '../../templates';
import { createFiller, loadDataset } from '../data';
import { Model, Optimizer, selectBackend, trainStep } from '../runtime';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** The smallest side (from 28 up) at which a template's network is still valid: "small inputs" for tests. */
function smallInput(d: NetworkDocInput): number[] {
  const [c, h] = d.input.shape;
  if (d.input.shape.length !== 3 || h <= 32) return d.input.shape;
  for (const side of [32, 48, 64, 80, 96]) {
    if (inferNetwork({ ...d, input: { shape: [c, side, side] } }).errors.length === 0) return [c, side, side];
  }
  return d.input.shape;
}

describe('every template trains', () => {
  const ids = TEMPLATE_IDS.filter((id) => id !== 'fancy-mlp'); // fancy-mlp has no classifier head; tested above
  it.each(ids)(
    '%s: loss falls over a few steps on real Fashion-MNIST images',
    async (id) => {
      const d = loadTemplate(id) as NetworkDocInput;
      const shape = smallInput(d);
      const data = await loadDataset({
        source: 'fashion-mnist',
        limit: 16,
        resize: shape.length === 3 ? [shape[1], shape[2]] : undefined,
      });
      const model = new Model(inferNetwork({ ...d, input: { shape } }), 1);
      const t = d.training!;
      const opt = new Optimizer({ type: t.optimizer ?? 'sgd', lr: t.lr, momentum: t.momentum });
      const x = new Float32Array(16 * data.inputShape.reduce((a, b) => a * b, 1));
      createFiller(data.train, data.inputShape, data.normalize).fill(null, 0, 16, x, new Int32Array(16));
      const losses: number[] = [];
      for (let s = 0; s < 4; s++) losses.push((await trainStep(model, opt, x, data.train.y.subarray(0, 16), 16)).loss);
      expect(losses.every(Number.isFinite), `losses ${losses}`).toBe(true);
      expect(Math.min(...losses.slice(1)), `losses ${losses}`).toBeLessThan(losses[0]);
      model.dispose();
      opt.dispose();
    },
    120_000,
  );
});
