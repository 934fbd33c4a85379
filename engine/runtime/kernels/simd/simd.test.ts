// Netloom's own wasm kernels: the committed binaries are what the source compiles to, and on tfjs-wasm's
// single-thread build (a plain, non-shared memory: the other binary) they agree with tfjs-cpu.
// (The threaded build's shared-memory binary runs under every test in ../kernels.test.ts.)
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngineBackend, shutdownEngineBackend } from '../../backends/registry';
import { tf } from '../../backends/tf';
import { expectSameAsCpu, rand } from '../test-util';
import { BINARY, binaryModule, compileKernels } from './build';

describe('simd kernels', () => {
  beforeAll(async () => {
    const choice = await initEngineBackend('wasm', { threads: 1 });
    expect(choice.reason).toContain('1 thread');
  });
  afterAll(() => shutdownEngineBackend());

  it('binary.ts is the current compile of kernels.as.ts (run `npm run build:kernels` after editing it)', async () => {
    expect(fs.readFileSync(BINARY, 'utf8')).toBe(binaryModule(await compileKernels()));
  }, 60_000);

  it('max-pool gradients (2×2 tiling with a channel tail, overlapping windows) on a plain memory', async () => {
    await expectSameAsCpu({ x: rand([2, 8, 6, 7], 3) }, ({ x }) => {
      const f = (a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.relu(a) as tf.Tensor4D, 2, 2, 'valid'), tf.range(1, 8)));
      const g = (a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same'), tf.range(1, 8)));
      return [tf.grad(f)(x), tf.grad(g)(x)];
    });
  });

  it('GEMM on a plain memory: row and column tails, the K block, a transposed A, fused bias + relu', async () => {
    await expectSameAsCpu(
      { a: rand([13, 131], 7), t: rand([131, 13], 8), b: rand([131, 11], 9), bias: rand([11], 10) },
      ({ a, t, b, bias }) => [
        tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
        tf.matMul(t as tf.Tensor2D, b as tf.Tensor2D, true, false),
        tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'relu' }),
      ],
    );
  });

  it('leading-axis sums and means, and a one-channel conv filter gradient', async () => {
    await expectSameAsCpu(
      { x: rand([70, 3, 9], 4), img: rand([3, 12, 12, 1], 5), w: rand([3, 3, 1, 8], 6) },
      ({ x, img, w }) => {
        const loss = (a: tf.Tensor) => tf.sum(tf.square(tf.conv2d(img as tf.Tensor4D, a as tf.Tensor4D, 2, 1)));
        return [tf.sum(x, [0, 1]), tf.mean(x, 0), tf.grad(loss)(w)];
      },
    );
  });
});
