import { describe, expect, it } from 'vitest';
import { batchCount, batches, createFiller, epochOrder, sampleAt } from './batches';
import type { Batch, Dataset, Split } from './types';

/** n 1×2×2 byte images, sample i filled with i; label i % 4. */
function imageSplit(n: number): Split {
  return {
    x: Uint8Array.from({ length: 4 * n }, (_, k) => Math.floor(k / 4)),
    y: Int32Array.from({ length: n }, (_, i) => i % 4),
    n,
    shape: [1, 2, 2],
  };
}

function dataset(n: number, extra: Partial<Dataset> = {}): Dataset {
  return {
    name: 'toy',
    classes: ['a', 'b', 'c', 'd'],
    inputShape: [1, 2, 2],
    train: imageSplit(n),
    test: imageSplit(3),
    normalize: { scale: 1 },
    source: { kind: 'folder', path: '/toy' },
    ...extra,
  };
}

async function collect(it: AsyncIterable<Batch>, copy = true) {
  const out: { x: number[]; y: number[]; n: number; shape: number[] }[] = [];
  for await (const b of it) out.push({ x: copy ? Array.from(b.x) : [], y: Array.from(b.y), n: b.n, shape: b.shape });
  return out;
}

describe('batches', () => {
  it('yields NCHW float batches in file order with a short last batch', async () => {
    const got = await collect(batches(dataset(10), 'train', { batchSize: 4, shuffle: false }));
    expect(got.map((b) => b.n)).toEqual([4, 4, 2]);
    expect(got[0].shape).toEqual([4, 1, 2, 2]);
    expect(got[2].shape).toEqual([2, 1, 2, 2]);
    expect(got[2].x).toEqual([8, 8, 8, 8, 9, 9, 9, 9]);
    expect(got[1].y).toEqual([0, 1, 2, 3]);
    expect(batchCount(10, 4)).toBe(3);
    const dropped = await collect(batches(dataset(10), 'train', { batchSize: 4, shuffle: false, dropLast: true }));
    expect(dropped.length).toBe(2);
  });

  it('shuffles by seed and epoch, visiting every sample once', async () => {
    const run = (seed: number, epoch: number) => collect(batches(dataset(50), 'train', { batchSize: 8, seed, epoch }));
    const a = await run(1, 0);
    const seen = a.flatMap((b) => b.x.filter((_, k) => k % 4 === 0)).sort((p, q) => p - q);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Labels travel with their images.
    for (const b of a) b.y.forEach((y, k) => expect(y).toBe(b.x[4 * k] % 4));
    expect(await run(1, 0)).toEqual(a);
    expect(await run(1, 1)).not.toEqual(a);
    expect(await run(2, 0)).not.toEqual(a);
    expect(epochOrder(5, false)).toBeNull();
  });

  it('reuses one buffer by default and allocates per batch with reuse: false', async () => {
    const bufs = new Set<ArrayBufferLike>();
    for await (const b of batches(dataset(12), 'train', { batchSize: 4 })) bufs.add(b.x.buffer);
    expect(bufs.size).toBe(1);
    const fresh = new Set<ArrayBufferLike>();
    const kept: Float32Array[] = [];
    for await (const b of batches(dataset(12), 'train', { batchSize: 4, shuffle: false, reuse: false })) {
      fresh.add(b.x.buffer);
      kept.push(b.x);
    }
    expect(fresh.size).toBe(3);
    expect(kept[0][0]).toBe(0); // still intact after later batches: the caller owns it
  });

  it('normalizes with scale, mean and std per channel', async () => {
    const ds = dataset(2, { normalize: { scale: 1 / 255, mean: [0.5], std: [0.25] } });
    ds.train = { x: new Uint8Array([0, 255, 51, 102, 0, 0, 0, 0]), y: new Int32Array([0, 1]), n: 2, shape: [1, 2, 2] };
    const [b] = await collect(batches(ds, 'train', { batchSize: 2, shuffle: false }));
    const want = [0, 255, 51, 102].map((v) => (v / 255 - 0.5) / 0.25);
    b.x.slice(0, 4).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('resizes on the fly to the dataset inputShape', async () => {
    const ds = dataset(3, { inputShape: [1, 5, 7] });
    const got = await collect(batches(ds, 'train', { batchSize: 2, shuffle: false }));
    expect(got[0].shape).toEqual([2, 1, 5, 7]);
    expect(got[0].x.slice(35)).toEqual(new Array(35).fill(1)); // a constant image stays constant
    expect(sampleAt(ds, 'train', 2).x.every((v) => v === 2)).toBe(true);
    expect(() => sampleAt(ds, 'validation', 0)).toThrow(/no validation part/);
  });

  it('lets the event loop run between batches', async () => {
    let ticks = 0;
    let stop = false;
    const tick = () => {
      ticks++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    let n = 0;
    for await (const _ of batches(dataset(400), 'train', { batchSize: 10, yieldEvery: 2 })) n++;
    stop = true;
    expect(n).toBe(40);
    // 40 batches, a setImmediate every 2: other macrotasks ran about 20 times meanwhile.
    expect(ticks).toBeGreaterThanOrEqual(15);
  });

  it('rejects bad batch sizes', async () => {
    await expect(collect(batches(dataset(4), 'train', { batchSize: 0 }))).rejects.toThrow(/batchSize/);
  });
});

describe('the filler as bytes', () => {
  const split = (channels: number, n: number): Split => ({
    x: Uint8Array.from({ length: n * channels * 9 }, (_, k) => (k * 37 + 11) % 256),
    y: Int32Array.from({ length: n }, (_, i) => i % 4),
    n,
    shape: [channels, 3, 3],
  });

  it('gives the same samples as bytes, whose byte · scale + shift (float64, then float32) are fill’s floats', () => {
    const norm = { scale: 1 / 255, mean: [0.286, 0.5, 0.1], std: [0.353, 0.25, 0.7] };
    const s = split(3, 7);
    const filler = createFiller(s, [3, 3, 3], norm);
    expect(filler.bytes).toBeDefined();
    const order = [6, 2, 4, 0];
    const x = new Float32Array(4 * 27);
    const y = new Int32Array(4);
    filler.fill(order, 0, 4, x, y);
    const raw = new Uint8Array(4 * 27);
    const yb = new Int32Array(4);
    filler.bytes!.fill(order, 0, 4, raw, yb);
    expect(Array.from(yb)).toEqual(Array.from(y));
    const { scale, shift } = filler.bytes!;
    const floats = Float32Array.from(raw, (v, i) => v * scale[Math.floor(i / 9) % 3] + shift[Math.floor(i / 9) % 3]);
    expect(new Uint32Array(floats.buffer)).toEqual(new Uint32Array(x.buffer));
    expect(raw.subarray(27, 54)).toEqual(s.x.subarray(2 * 27, 3 * 27)); // sample 2, as stored
  });

  it('is absent where the floats are not bytes at the output shape (a resize, float storage)', () => {
    expect(createFiller(split(1, 2), [1, 5, 5], { scale: 1 }).bytes).toBeUndefined();
    const floats: Split = { ...split(1, 2), x: new Float32Array(18) };
    expect(createFiller(floats, [1, 3, 3], { scale: 1 }).bytes).toBeUndefined();
  });
});
