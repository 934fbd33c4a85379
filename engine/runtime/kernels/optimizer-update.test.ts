// The fused optimizer update on wasm gives the floats the tfjs ops give (the path other backends take, and the
// wasm one with NETLOOM_WASM_KERNELS=package): SGD plain, with momentum, with weight decay, and Adam, over a few
// steps, on sizes with a tail of the SIMD width; and it agrees with tfjs-cpu.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngineBackend, shutdownEngineBackend } from '../backends/registry';
import { tf } from '../backends/tf';
import { Optimizer, type OptimizerConfig } from '../optim';
import { fusedUpdates } from './optimizer-update';
import { rand } from './test-util';

beforeAll(async () => {
  await initEngineBackend('wasm');
});
afterAll(() => shutdownEngineBackend());
afterEach(() => {
  delete process.env.NETLOOM_WASM_KERNELS;
});

/** Three updates of two parameters (sizes 203 and 13×5) on `backend`; the final weights and optimizer state. */
async function train(backend: string, config: OptimizerConfig) {
  await tf.setBackend(backend);
  const shapes = [[203], [13, 5]];
  const vars = shapes.map((s, i) => tf.variable(tf.tensor(rand(s, 30 + i).data, s), true, `p${i}#t`));
  const opt = new Optimizer(config);
  for (let step = 0; step < 3; step++) {
    const grads = Object.fromEntries(
      vars.map((v, i) => [v.name, tf.tensor(rand(v.shape, 40 + 7 * step + i).data, v.shape)]),
    );
    opt.apply(vars, grads);
    tf.dispose(Object.values(grads));
  }
  const weights = vars.map((v) => Array.from(v.dataSync()));
  const state = await opt.state();
  const slots = Object.fromEntries(Object.entries(state.slots).map(([k, s]) => [k, Array.from(s.data)]));
  tf.dispose(vars);
  opt.dispose();
  return { weights, slots };
}

const configs: OptimizerConfig[] = [
  { type: 'sgd', lr: 0.1 },
  { type: 'sgd', lr: 0.05, momentum: 0.9 },
  { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3 },
  { type: 'adam', lr: 0.01 },
  { type: 'adam', lr: 0.01, weightDecay: 1e-2, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 },
];

describe('fused optimizer update on wasm', () => {
  for (const config of configs) {
    it(`${JSON.stringify(config)}: the tfjs ops' floats exactly, and tfjs-cpu's to 1e-6`, async () => {
      await tf.setBackend('wasm');
      expect(fusedUpdates()).toBe(true);
      const fused = await train('wasm', config);
      process.env.NETLOOM_WASM_KERNELS = 'package';
      await tf.setBackend('wasm');
      expect(fusedUpdates()).toBe(false);
      const ops = await train('wasm', config);
      expect(fused).toEqual(ops);
      const cpu = await train('cpu', config);
      expect(Object.keys(fused.slots).sort()).toEqual(Object.keys(cpu.slots).sort());
      const all = (r: typeof cpu) => [
        ...r.weights.flat(),
        ...Object.keys(r.slots)
          .sort()
          .flatMap((k) => r.slots[k]),
      ];
      const [a, b] = [all(fused), all(cpu)];
      expect(a.length).toBe(b.length);
      for (let i = 0; i < a.length; i++)
        expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b[i])));
    });
  }
});
