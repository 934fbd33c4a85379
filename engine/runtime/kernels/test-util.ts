// Shared helpers for the kernel tests: run the same computation on wasm and on tfjs-cpu (the reference) from
// identical seeded data, and compare.
import { expect } from 'vitest';
import { tf } from '../backends/tf';

export function rand(shape: number[], seed: number): { shape: number[]; data: Float32Array } {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, v) => a * v, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // LCG: deterministic and backend-independent
    data[i] = s / 2 ** 31 - 1;
  }
  return { shape, data };
}

export type Inputs = Record<string, { shape: number[]; data: Float32Array }>;

/** Runs f on `backend` with fresh tensors made from `inputs`; returns its outputs as plain arrays. */
export async function on(
  backend: string,
  inputs: Inputs,
  f: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[],
) {
  await tf.setBackend(backend);
  const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const out = tf.tidy(() => {
    const r = f(ts);
    return Array.isArray(r) ? r : [r];
  });
  const res = out.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
  tf.dispose([...out, ...Object.values(ts)]);
  return res;
}

/** wasm and cpu agree: same shapes, |a−b| ≤ tol·max(1, |b|) elementwise. */
export async function expectSameAsCpu(
  inputs: Inputs,
  f: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
) {
  const want = await on('cpu', inputs, f);
  const got = await on('wasm', inputs, f);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(got[i].shape).toEqual(want[i].shape);
    let worst = 0;
    for (let j = 0; j < want[i].data.length; j++) {
      const err = Math.abs(got[i].data[j] - want[i].data[j]) / Math.max(1, Math.abs(want[i].data[j]));
      if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
    }
    expect(worst, `output ${i}`).toBeLessThanOrEqual(tol);
  }
  return got;
}
