// Add, Sub and Multiply on wasm (binary-ops.ts) give tfjs-cpu's floats, and the package kernel's exactly, for
// every broadcast they cover (same shape, one value either side, one per row, one per column, ranks that differ)
// and for those they leave to the package (a broadcast first operand of Sub, int32), on sizes with SIMD tails.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngineBackend, shutdownEngineBackend } from '../backends/registry';
import { tf } from '../backends/tf';
import { expectSameAsCpu, on, rand } from './test-util';

beforeAll(async () => {
  await initEngineBackend('wasm');
});
afterAll(() => shutdownEngineBackend());
afterEach(() => {
  delete process.env.NETLOOM_WASM_KERNELS;
});

const cases: [number[], number[]][] = [
  [
    [7, 13],
    [7, 13],
  ],
  [[7, 13], []],
  [[1], [7, 13]],
  [
    [7, 13],
    [7, 1],
  ],
  [
    [7, 1],
    [7, 13],
  ],
  [[7, 13], [13]],
  [[13], [7, 13]],
  [
    [3, 5, 6],
    [5, 6],
  ],
  [
    [3, 5, 6],
    [1, 1, 6],
  ],
  [
    [3, 5, 6],
    [3, 5, 1],
  ],
  [[10], [1, 10]],
  [[1, 10], [10]],
  [
    [2, 3],
    [3, 1, 3],
  ],
  [[0, 3], [3]],
  [[300, 450], [450]], // over the one-thread size: the package's kernel
];

describe('Add, Sub, Multiply on wasm', () => {
  for (const [sa, sb] of cases) {
    it(`[${sa}] with [${sb}]: tfjs-cpu's floats, and the package kernel's exactly`, async () => {
      const inputs = { a: rand(sa, sa.length + 3), b: rand(sb, sb.length + 5) };
      const f = ({ a, b }: Record<string, tf.Tensor>) => [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.sub(b, a)];
      const ours = await expectSameAsCpu(inputs, f, 0);
      process.env.NETLOOM_WASM_KERNELS = 'package';
      expect(ours).toEqual(await on('wasm', inputs, f));
    });
  }
  it('int32 goes to the package kernel', async () => {
    await tf.setBackend('wasm');
    const r = tf.tidy(() =>
      tf.mul(tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(2, 'int32')), tf.tensor1d([3, 3, 3], 'int32')),
    );
    expect(r.dtype).toBe('int32');
    expect(Array.from(r.dataSync())).toEqual([9, 12, 15]);
    r.dispose();
  });
});
