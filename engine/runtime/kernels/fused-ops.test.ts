// The trainable fused ops agree with plain tfjs ops on cpu (values and gradients), and composed wasm kernels
// neither read freed memory nor leak it over many training steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngineBackend, shutdownEngineBackend } from '../backends/registry';
import { tf } from '../backends/tf';
import { conv2dAct, denseAct, type Activation } from './fused-ops';
import { expectSameAsCpu, rand } from './test-util';
import { heapF32, type WasmBackendLike } from './wasm-util';

beforeAll(async () => {
  await initEngineBackend('wasm');
});
afterAll(() => shutdownEngineBackend());

const plainConv = (
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D,
  s: number,
  pad: 'same' | 'valid' | number,
  act: Activation,
) => {
  const explicit =
    typeof pad === 'number'
      ? ([
          [0, 0],
          [pad, pad],
          [pad, pad],
          [0, 0],
        ] as tf.backend_util.ExplicitPadding)
      : pad;
  const y = tf.add(tf.conv2d(x, w, s, explicit), b);
  return act === 'relu' ? tf.relu(y) : act === 'sigmoid' ? tf.sigmoid(y) : y;
};

describe('conv2dAct / denseAct', () => {
  const cases: { x: number[]; f: number[]; s: number; pad: 'same' | 'valid' | number; act: Activation }[] = [
    { x: [3, 12, 12, 4], f: [3, 3, 4, 6], s: 1, pad: 'valid', act: 'relu' },
    { x: [2, 9, 7, 3], f: [3, 3, 3, 5], s: 2, pad: 'same', act: 'sigmoid' },
    { x: [2, 1, 1, 8], f: [3, 3, 8, 4], s: 1, pad: 1, act: 'relu' }, // dead taps trimmed to the centre
    { x: [2, 2, 2, 4], f: [3, 3, 4, 4], s: 2, pad: 1, act: 'linear' }, // leading tap dead
    { x: [2, 7, 5, 2], f: [5, 3, 2, 3], s: 1, pad: 2, act: 'relu' },
  ];
  for (const c of cases) {
    it(`conv x ${c.x} filter ${c.f} s${c.s} pad ${c.pad} ${c.act}: fused on wasm = plain on cpu`, async () => {
      const inputs = { x: rand(c.x, 1), w: rand(c.f, 2), b: rand([c.f[3]], 3) };
      const loss = (f: typeof plainConv) => (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(f(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, c.s, c.pad, c.act), tf.range(1, 1 + c.f[3])),
        );
      const fused = ({ x, w, b }: Record<string, tf.Tensor>) => [
        conv2dAct(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, c.s, c.pad, c.act),
        ...tf.grads(loss(conv2dAct))([x, w, b]),
      ];
      const plain = ({ x, w, b }: Record<string, tf.Tensor>) => [
        plainConv(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, c.s, c.pad, c.act),
        ...tf.grads(loss(plainConv))([x, w, b]),
      ];
      const got = await expectSameAsCpu(inputs, fused);
      // and the fused op on cpu matches the plain ops on cpu
      await tf.setBackend('cpu');
      const ts = {
        x: tf.tensor(inputs.x.data, c.x),
        w: tf.tensor(inputs.w.data, c.f),
        b: tf.tensor(inputs.b.data, [c.f[3]]),
      };
      const want = plain(ts).map((t) => t.dataSync());
      want.forEach((w, i) =>
        w.forEach((v, j) => expect(Math.abs(got[i].data[j] - v)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(v)))),
      );
    });
  }
  for (const act of ['relu', 'linear', 'sigmoid'] as Activation[]) {
    it(`dense ${act}: values and gradients`, async () => {
      await expectSameAsCpu({ x: rand([6, 5], 1), w: rand([5, 4], 2), b: rand([4], 3) }, ({ x, w, b }) => {
        const f = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
          tf.sum(tf.square(denseAct(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D, act)));
        const y = denseAct(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, act);
        const ref = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
        const refAct = act === 'relu' ? tf.relu(ref) : act === 'sigmoid' ? tf.sigmoid(ref) : ref;
        return [y, tf.sub(y, refAct), ...tf.grads(f)([x, w, b])];
      });
    });
  }
});

describe('composed kernels and memory', () => {
  it('many training steps give identical results while freed blocks are poisoned, and leak nothing', async () => {
    await tf.setBackend('wasm');
    // Poison on free: whenever the backend really frees a float tensor, fill it with NaN first. A kernel that
    // releases a tensor someone still reads (the ref-count trap of composed kernels) then yields NaNs at once,
    // instead of only when malloc happens to hand the block out again.
    const be = tf.engine().backend as unknown as WasmBackendLike & {
      dataIdMap: {
        get(id: unknown): { refCount: number; memoryOffset: number; shape: number[]; dtype: string } | undefined;
      };
    };
    const disposeData = be.disposeData.bind(be);
    be.disposeData = (dataId: unknown, force = false) => {
      const d = be.dataIdMap.get(dataId);
      if (d && d.dtype === 'float32' && (force || d.refCount <= 1)) {
        const at = d.memoryOffset / 4;
        heapF32(be).fill(NaN, at, at + tf.util.sizeFromShape(d.shape));
      }
      return disposeData(dataId, force);
    };
    const x = tf.tensor(rand([8, 14, 14, 3], 5).data, [8, 14, 14, 3]) as tf.Tensor4D;
    const w1 = tf.tensor(rand([3, 3, 3, 8], 6).data, [3, 3, 3, 8]) as tf.Tensor4D;
    const w2 = tf.tensor(rand([3, 3, 8, 4], 7).data, [3, 3, 8, 4]) as tf.Tensor4D;
    const b1 = tf.zeros([8]) as tf.Tensor1D;
    const step = () =>
      tf.tidy(() => {
        const f = (a: tf.Tensor, p: tf.Tensor, q: tf.Tensor) => {
          const h = tf.maxPool(conv2dAct(a as tf.Tensor4D, p as tf.Tensor4D, b1, 2, 'same', 'relu'), 2, 2, 'valid');
          return tf.sum(tf.square(conv2dAct(h, q as tf.Tensor4D, undefined, 1, 1, 'linear')));
        };
        return tf
          .grads(f)([x, w1, w2])
          .map((g) => g.dataSync().slice());
      });
    const first = step();
    const ids = tf.engine().backend.numDataIds();
    for (let i = 0; i < 30; i++) {
      // poison: new tensors land in blocks freed by the last step; a kernel that freed a live input reads NaN
      tf.dispose(tf.tidy(() => [tf.fill([8, 14, 14, 8], NaN), tf.fill([8 * 14 * 14 * 3], NaN), tf.fill([4000], NaN)]));
      const again = step();
      again.forEach((g, k) => expect(Array.from(g)).toEqual(Array.from(first[k])));
    }
    expect(tf.engine().backend.numDataIds()).toBe(ids);
    be.disposeData = disposeData;
    tf.dispose([x, w1, w2, b1]);
  });
});
