// Backend choice on this machine: tfjs-node(-gpu) are not installed, so the automatic pick is wasm, with the
// reasons for skipping the native ones reported; overrides work or fail with a message naming what is there.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, initEngineBackend, selectBackend, shutdownEngineBackend } from './registry';
import { tf } from './tf';

afterEach(() => shutdownEngineBackend());

describe('backend registry', () => {
  it('lists one entry per backend, best first', () => {
    expect(BACKENDS.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  });

  it('picks wasm automatically and says why the native backends were skipped', async () => {
    const choice = await initEngineBackend();
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toMatch(/XNNPACK/);
    expect(choice.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(choice.tried[0].reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(choice.tried[1].reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
  });

  it('trains on the chosen backend (gradients registered, one tfjs-core engine)', async () => {
    await initEngineBackend();
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.div(tf.square(x), 2)))(tf.tensor([1, -2, 3]));
    expect(Array.from(g.dataSync())).toEqual([1, -2, 3]);
    expect(tf.engine()).toBe((globalThis as { _tfengine?: unknown })._tfengine);
  });

  it('honours an override to cpu', async () => {
    const choice = await initEngineBackend('cpu');
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.reason).toMatch(/^requested/);
  });

  it('rejects an unknown override, naming the known backends', async () => {
    await expect(selectBackend('tpu')).rejects.toThrow(
      /Unknown backend 'tpu'. Known backends: tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });

  it('rejects an unavailable override, naming the available backends', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /Backend 'tensorflow' is not available: package @tensorflow\/tfjs-node is not installed. Available backends: wasm, cpu/,
    );
  });

  it('single-threaded wasm works too', async () => {
    const choice = await initEngineBackend('wasm', { threads: 1 });
    expect(choice.reason).toMatch(/1 thread/);
    expect(tf.sum(tf.ones([4, 4])).dataSync()[0]).toBe(16);
  });
});
