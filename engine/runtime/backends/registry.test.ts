// Backend choice, checked against what is installed here rather than against one machine: the expectation is
// derived from each entry's own availability answer, so the same test holds where tfjs-node(-gpu) is present.
// Selecting the same backend again reuses it; engine/info's report says available only what started or probed.
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  backendReport,
  backendStarts,
  initEngineBackend,
  selectBackend,
  shutdownEngineBackend,
} from './registry';
import { engineMemory } from './memory';
import { tf } from './tf';

afterEach(() => shutdownEngineBackend());

/** Every entry with its availability answer on this machine, best first. */
const answers = async () => Promise.all(BACKENDS.map(async (b) => ({ entry: b, ...(await b.available()) })));

describe('backend registry', () => {
  it('lists one entry per backend, best first', () => {
    expect(BACKENDS.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu', 'torch']);
  });

  it('picks the best available backend and says why the better ones were skipped', async () => {
    const all = await answers();
    const choice = await initEngineBackend();
    const at = all.findIndex((a) => a.entry.name === choice.name);
    expect(all[at].ok).toBe(true);
    expect(tf.getBackend()).toBe(all[at].entry.tfName);
    expect(choice.reason.startsWith(all[at].reason)).toBe(true);
    // Everything better was skipped, each with its own reason (unavailable, or it failed to start).
    expect(choice.tried.map((t) => t.name)).toEqual(all.slice(0, at).map((a) => a.entry.name));
    for (const [i, t] of choice.tried.entries())
      expect(t.reason).toEqual(all[i].ok ? expect.stringMatching(/^failed to start: /) : all[i].reason);
  });

  it('selects once: asking again, or naming the automatic choice, reuses the running backend', async () => {
    const choice = await initEngineBackend();
    const starts = backendStarts();
    const before = tf.backend();
    expect(await initEngineBackend()).toBe(choice);
    expect(await initEngineBackend(choice.name)).toBe(choice);
    expect(backendStarts()).toBe(starts);
    expect(tf.backend()).toBe(before); // the same instance: nothing torn down and rebuilt
    await selectBackend(choice.name); // even a fresh selection of the live backend keeps its instance
    expect(tf.backend()).toBe(before);
    expect(engineMemory().backend).toBe(tf.getBackend());
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

  it('reports a backend available only when it started or its probe passed, with the reason', async () => {
    const all = await answers();
    const choice = await initEngineBackend();
    const report = await backendReport();
    expect(report.map((r) => r.name)).toEqual(all.map((a) => a.entry.name));
    for (const [i, r] of report.entries()) {
      if (r.name === choice.name)
        expect(r).toEqual({ name: r.name, available: true, note: `active: ${choice.reason}` });
      else expect(r).toEqual({ name: r.name, available: all[i].ok, note: all[i].reason });
    }
  });

  it('rejects an unknown override, naming the known backends', async () => {
    await expect(selectBackend('tpu')).rejects.toThrow(
      /Unknown backend 'tpu'. Known backends: tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });

  it('rejects an unavailable override, naming the available backends', async (ctx) => {
    const all = await answers();
    const missing = all.find((a) => !a.ok);
    if (!missing) {
      const why = 'every backend is available on this machine: there is no unavailable one to request';
      console.warn(`skipped: ${why}`);
      return ctx.skip(why);
    }
    const available = all.filter((a) => a.ok).map((a) => a.entry.name);
    await expect(selectBackend(missing.entry.name)).rejects.toThrow(
      `Backend '${missing.entry.name}' is not available: ${missing.reason}. Available backends: ${available.join(', ')}.`,
    );
  });

  it('single-threaded wasm works too, also right after a threaded start (a new instance with 1 thread)', async () => {
    await initEngineBackend('wasm', { threads: 2 });
    const choice = await initEngineBackend('wasm', { threads: 1 });
    expect(choice.reason).toMatch(/1 thread/);
    expect(getThreadsCount()).toBe(1);
    expect(tf.sum(tf.ones([4, 4])).dataSync()[0]).toBe(16);
    expect(engineMemory().wasmHeapBytes).toBeGreaterThan(0);
  });
});
