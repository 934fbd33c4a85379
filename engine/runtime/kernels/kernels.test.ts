// Each wasm kernel registered by register.ts agrees with tfjs-cpu to 1e-4, forward and through tf.grads, on
// strides, 'same'/'valid'/explicit padding and non-square shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngineBackend, shutdownEngineBackend } from '../backends/registry';
import { tf } from '../backends/tf';
import { expectSameAsCpu, rand } from './test-util';

beforeAll(async () => {
  await initEngineBackend('wasm');
});
afterAll(() => shutdownEngineBackend());

type Pad = 'same' | 'valid' | number;
const convCases: { x: number[]; f: number[]; s: number | [number, number]; pad: Pad }[] = [
  { x: [4, 28, 28, 1], f: [5, 5, 1, 6], s: 1, pad: 'valid' }, // LeNet conv1
  { x: [3, 12, 12, 5], f: [3, 3, 5, 7], s: 1, pad: 'valid' },
  { x: [2, 9, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' }, // non-square
  { x: [2, 9, 11, 3], f: [3, 2, 3, 4], s: 2, pad: 'same' }, // stride 2, odd sizes, non-square filter
  { x: [2, 14, 14, 2], f: [7, 7, 2, 8], s: 2, pad: 3 }, // ResNet stem: explicit pad
  { x: [2, 7, 7, 4], f: [3, 3, 4, 4], s: 2, pad: 1 },
  { x: [2, 8, 6, 3], f: [1, 1, 3, 5], s: 2, pad: 0 }, // 1×1 stride-2 shortcut
  { x: [3, 10, 8, 3], f: [3, 3, 3, 2], s: [2, 1], pad: 'valid' }, // unequal strides
  { x: [2, 1, 1, 6], f: [3, 3, 6, 5], s: 1, pad: 1 }, // 1×1 map, all but the centre tap on padding
  // few taps × input channels, many output channels: dW through the transposed im2col matrix
  { x: [3, 28, 28, 1], f: [5, 5, 1, 20], s: 1, pad: 'valid' }, // LeNet conv1 as trained
  { x: [2, 14, 14, 1], f: [7, 7, 1, 16], s: 2, pad: 3 }, // ResNet stem on grey images: padding and stride
  { x: [2, 9, 8, 3], f: [3, 3, 3, 8], s: 1, pad: 1 }, // colour input: channels moved in front first
  { x: [2, 10, 9, 3], f: [2, 2, 3, 4], s: 3, pad: 'valid' }, // stride > filter: some input phases get no gradient
  { x: [2, 8, 8, 16], f: [3, 3, 16, 8], s: 2, pad: 1 }, // wide channels: the block-copy interleave
  { x: [2, 9, 9, 3], f: [5, 5, 3, 4], s: [2, 3], pad: 'same' }, // taps a stride apart on both axes
  // dW summed over slices of the batch (IM2COL_SLICE_BYTES: 10 images here, so 10 + 10 + 4)
  { x: [24, 28, 28, 1], f: [5, 5, 1, 20], s: 1, pad: 'valid' },
];

describe('Conv2D gradients (Conv2DBackpropFilter / Conv2DBackpropInput) on wasm', () => {
  for (const [i, c] of convCases.entries()) {
    it(`x ${c.x} filter ${c.f} stride ${c.s} pad ${c.pad}`, async () => {
      await expectSameAsCpu({ x: rand(c.x, 11 + i), w: rand(c.f, 23 + i) }, ({ x, w }) => {
        const loss = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), 1.5));
        const [dx, dw] = tf.grads(loss)([x, w]);
        return [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad), dx, dw];
      });
    });
  }
  it('the kernels directly, with a non-uniform dy', async () => {
    const c = { x: [2, 9, 11, 3], f: [3, 2, 3, 4], s: 2 };
    const dyShape = [2, 5, 6, 4];
    await expectSameAsCpu({ x: rand(c.x, 5), w: rand(c.f, 6), dy: rand(dyShape, 7) }, ({ x, w, dy }) => [
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: c.s,
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: c.f,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, {
        strides: c.s,
        pad: 'same',
        dataFormat: 'NHWC',
        inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ]);
  });
});

describe('MaxPoolGrad on wasm', () => {
  const cases: { x: number[]; k: number; s: number; pad: 'same' | 'valid' | number }[] = [
    { x: [3, 24, 24, 5], k: 2, s: 2, pad: 'valid' },
    { x: [2, 14, 14, 3], k: 3, s: 2, pad: 'same' }, // overlapping windows (ResNet stem pool)
    { x: [2, 9, 7, 4], k: 3, s: 1, pad: 1 }, // explicit padding, non-square
    { x: [2, 11, 10, 2], k: 3, s: 2, pad: 'valid' },
  ];
  for (const c of cases) {
    it(`x ${c.x} pool ${c.k} stride ${c.s} pad ${c.pad}`, async () => {
      await expectSameAsCpu({ x: rand(c.x, 3) }, ({ x }) => {
        const f = (a: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad), tf.range(1, 1 + c.x[3])));
        return [tf.maxPool(x as tf.Tensor4D, c.k, c.s, c.pad), tf.grad(f)(x)];
      });
    });
  }
  it('ties (ReLU zeros) follow tfjs-cpu: the first maximum gets the gradient', async () => {
    await expectSameAsCpu({ x: rand([2, 8, 8, 3], 9) }, ({ x }) =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(tf.relu(tf.sub(a, 0.5)) as tf.Tensor4D, 2, 2, 'valid')))(x),
    );
  });
});

describe('matMul, transpose, reverse and leading-axis reductions on wasm', () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    it(`matMul transposeA=${ta} transposeB=${tb} and its gradient`, async () => {
      const a = ta ? [7, 5] : [5, 7];
      const b = tb ? [3, 7] : [7, 3];
      await expectSameAsCpu({ a: rand(a, 1), b: rand(b, 2) }, ({ a, b }) => {
        const f = (p: tf.Tensor, q: tf.Tensor) =>
          tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, ta, tb)));
        return [tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb), ...tf.grads(f)([a, b])];
      });
    });
  }
  it('batched matMul with transposes', async () => {
    await expectSameAsCpu({ a: rand([3, 4, 6], 1), b: rand([3, 5, 4], 2) }, ({ a, b }) =>
      tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, true, true),
    );
  });
  for (const perm of [
    [1, 2, 0, 3],
    [2, 0, 1, 3],
    [3, 1, 2, 0],
    [1, 0, 2],
  ]) {
    it(`transpose ${perm}`, async () => {
      const shape = perm.length === 4 ? [3, 4, 5, 6] : [4, 5, 8];
      await expectSameAsCpu({ x: rand(shape, 4) }, ({ x }) => tf.transpose(x, perm));
    });
  }
  for (const [shape, dims] of [
    [
      [3, 3, 4, 5],
      [0, 1],
    ],
    [
      [3, 3, 2, 3],
      [0, 1],
    ],
    [[2, 3, 4], [1]],
    [[2, 3, 9], [2]],
    [
      [4, 3, 10],
      [0, 2],
    ],
    [[5, 6], []],
    [[7], [0]],
  ] as const) {
    it(`reverse ${shape} over [${dims}]`, async () => {
      await expectSameAsCpu({ x: rand([...shape], 12) }, ({ x }) => tf.reverse(x, [...dims]));
    });
  }
  for (const [shape, begin, size] of [
    [
      [3, 3, 8, 8],
      [1, 0, 0, 0],
      [2, 3, 8, 8],
    ],
    [
      [4, 5, 6],
      [1, 2, 0],
      [2, 2, 6],
    ],
    [
      [4, 5, 70],
      [0, 1, 0],
      [4, 3, 70],
    ],
    [
      [4, 5, 6],
      [0, 0, 1],
      [4, 5, 4],
    ],
    [
      [2, 3],
      [0, 0],
      [2, 3],
    ],
    [
      [3, 4, 5, 6],
      [1, 1, 2, 0],
      [2, -1, 3, 6],
    ],
    [[5], [2], [0]],
  ] as const) {
    it(`slice ${shape} from [${begin}] size [${size}]`, async () => {
      await expectSameAsCpu({ x: rand([...shape], 13) }, ({ x }) => tf.slice(x, [...begin], [...size]));
    });
  }
  it('clone shares the buffer: it outlives its source and both free it exactly once', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const c = tf.clone(x);
    x.dispose();
    tf.dispose(tf.tidy(() => tf.mul(tf.ones([1000]), 2))); // fresh allocations would reuse a freed buffer
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4]);
    c.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });
  for (const axis of [[0], [0, 1], [0, 1, 2], [1, 2], [3], [0, 2]]) {
    it(`sum and mean over ${axis}`, async () => {
      await expectSameAsCpu({ x: rand([6, 5, 4, 3], 8) }, ({ x }) => [tf.sum(x, axis), tf.mean(x, axis, true)]);
    });
  }
});
