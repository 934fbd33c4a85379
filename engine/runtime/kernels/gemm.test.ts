// Netloom's GEMM under BatchMatMul / _FusedMatMul on the threaded wasm build agrees with tfjs-cpu: every
// transpose combination, shapes that leave tails of the 4-row × 8-column tiles (run on the zero padding of the
// packed A strip and B panel, stored in part), k = 1, k within one K block and over several, n over one N block,
// batches, the fused bias + relu (also after several K blocks) and its gradient, the package's fallback for what
// the GEMM does not cover, and products large enough to be split over the helper threads (which must actually
// take row chunks).
// The kernels use relaxed SIMD (the tile's fused multiply-add) where V8 allows it; the binary without it agrees.
// (The single-thread build's plain-memory binary runs the same kernel in simd/simd.test.ts.)
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngineBackend, shutdownEngineBackend } from '../backends/registry';
import { tf } from '../backends/tf';
import { denseAct } from './fused-ops';
import { gemmPoolStats, gemmRows } from './gemm-pool';
import { relaxedSimd } from './simd';
import { expectSameAsCpu, rand } from './test-util';
import { byteOffset, type WasmBackendLike } from './wasm-util';

const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

beforeAll(async () => {
  await initEngineBackend('wasm');
});
afterAll(() => shutdownEngineBackend());

const mm = (a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean) =>
  tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb);

describe('wasm GEMM (BatchMatMul, _FusedMatMul)', () => {
  // [m, k, n]: tails of every tile (m % 4, n % 8), k = 1, k < KC, k over two and three K blocks (KC = 256:
  // 260 → 130 + 130, 515 → 172 + 172 + 171), n over one N block (256)
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [7, 1, 19],
    [3, 5, 7],
    [13, 9, 11],
    [6, 131, 10],
    [9, 20, 263],
    [37, 260, 21],
    [5, 515, 16],
  ];
  for (const [m, k, n] of shapes) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      it(`${m}×${k}·${k}×${n} transposeA=${ta} transposeB=${tb}, and its gradient`, async () => {
        const a = ta ? [k, m] : [m, k];
        const b = tb ? [n, k] : [k, n];
        await expectSameAsCpu({ a: rand(a, m + k), b: rand(b, n + 1) }, ({ a, b }) => {
          const f = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(mm(p, q, ta, tb)));
          return [mm(a, b, ta, tb), ...tf.grads(f)([a, b])];
        });
      });
    }
  }

  it('batched products with and without transposes', async () => {
    await expectSameAsCpu({ a: rand([3, 10, 6], 1), b: rand([3, 6, 9], 2), c: rand([3, 5, 10], 3) }, ({ a, b, c }) => [
      tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
      tf.matMul(a as tf.Tensor3D, c as tf.Tensor3D, true, true),
    ]);
  });

  it('fused bias + relu (the Dense layer), forward and every gradient', async () => {
    await expectSameAsCpu({ x: rand([19, 23], 4), w: rand([23, 13], 5), b: rand([13], 6) }, ({ x, w, b }) => {
      const f = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
        tf.sum(tf.mul(denseAct(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D, 'relu'), tf.range(1, 14)));
      return [denseAct(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'relu'), ...tf.grads(f)([x, w, b])];
    });
  });

  it('fused bias + relu after several K blocks, with a column tail', async () => {
    await expectSameAsCpu({ x: rand([10, 270], 15), w: rand([270, 13], 16), b: rand([13], 17) }, ({ x, w, b }) => [
      denseAct(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'relu'),
    ]);
  });

  it('relu keeps a NaN (the engine finds the first non-finite layer by it)', async () => {
    await tf.setBackend('wasm');
    const x = rand([5, 6], 13);
    x.data[8] = NaN; // row 1
    const y = tf.tidy(() =>
      denseAct(tf.tensor2d(x.data, [5, 6]), tf.tensor2d(rand([6, 9], 14).data, [6, 9]), tf.zeros([9]), 'relu'),
    );
    const v = y.dataSync();
    y.dispose();
    expect(Array.from(v.slice(9, 18)).every(Number.isNaN)).toBe(true);
    expect(Array.from(v.slice(0, 9)).some(Number.isNaN)).toBe(false);
  });

  it("what the GEMM leaves to the package's kernel: broadcast batches, leaky relu, a scalar bias", async () => {
    await expectSameAsCpu({ a: rand([2, 7, 5], 7), b: rand([1, 5, 6], 8), s: rand([1], 9) }, ({ a, b, s }) => [
      tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
      tf.fused.matMul({ a: a as tf.Tensor3D, b: tf.tile(b, [2, 1, 1]) as tf.Tensor3D, activation: 'leakyrelu' }),
      tf.fused.matMul({ a: a as tf.Tensor3D, b: tf.tile(b, [2, 1, 1]) as tf.Tensor3D, bias: s, activation: 'relu' }),
    ]);
  });

  it.skipIf(cores < 2)('large products are split over the helper threads, which take row chunks', async () => {
    const a = rand([96, 300], 10),
      b = rand([300, 40], 11);
    await expectSameAsCpu({ a, b, c: rand([300, 96], 12) }, ({ a, b, c }) => [
      mm(a, b, false, false),
      mm(c, b, true, false),
    ]);
    expect(gemmPoolStats().helpers).toBe(Math.min(cores, 8) - 1);
    // the helpers alone (the calling thread claims nothing): every row chunk is theirs, and right
    await tf.setBackend('wasm');
    const be = tf.backend() as unknown as WasmBackendLike;
    const [ta, tb] = [tf.tensor2d(a.data, [96, 300]), tf.tensor2d(b.data, [300, 40])];
    const want = tf.matMul(ta, tb);
    const out = tf.zeros([96, 40]);
    const off = (t: tf.Tensor) => byteOffset(be, { dataId: t.dataId, shape: t.shape, dtype: 'float32' });
    const before = gemmPoolStats().helperChunks;
    gemmRows(
      be,
      {
        a: off(ta),
        sai: 300,
        sap: 1,
        b: off(tb),
        ldb: 40,
        c: off(out),
        ldc: 40,
        m: 96,
        n: 40,
        k: 300,
        bias: 0,
        flags: 0,
      },
      { callerComputes: false },
    );
    expect(gemmPoolStats().helperChunks).toBeGreaterThan(before);
    expect(Array.from(out.dataSync())).toEqual(Array.from(want.dataSync()));
    tf.dispose([ta, tb, want, out]);
  });

  it('relaxed SIMD is on in this Node, and the fused multiply-add GEMM agrees with the plain binary', async () => {
    // Node 20's V8 takes the flag at run time (simd/index.ts); Electron's has relaxed SIMD on by default
    expect(relaxedSimd()).toBe(true);
    await tf.setBackend('wasm');
    const be = tf.backend() as unknown as WasmBackendLike;
    const [m, k, n] = [37, 515, 21]; // tails of both tile sides, three K blocks
    const [a, b] = [tf.tensor2d(rand([m, k], 13).data, [m, k]), tf.tensor2d(rand([k, n], 14).data, [k, n])];
    const off = (t: tf.Tensor) => byteOffset(be, { dataId: t.dataId, shape: t.shape, dtype: 'float32' });
    const product = (plainSimd: boolean) => {
      const c = tf.zeros([m, n]);
      const job = { a: off(a), sai: k, sap: 1, b: off(b), ldb: n, c: off(c), ldc: n, m, n, k, bias: 0, flags: 0 };
      gemmRows(be, job, { oneThread: true, plainSimd });
      const v = c.dataSync() as Float32Array;
      c.dispose();
      return v;
    };
    const [fused, plain] = [product(false), product(true)];
    const scale = Math.max(...Array.from(plain, Math.abs));
    expect(Math.max(...Array.from(fused, (v, i) => Math.abs(v - plain[i])))).toBeLessThan(1e-5 * scale);
    expect(fused).not.toEqual(plain); // the fused binary rounds once: some last bits differ, so it did run
    tf.dispose([a, b]);
  });
});
