// The torch entry's probe: each way a Python can fail to serve (missing, no torch, torch too old) has its own
// reason, and a working one says its version and device. Real interpreters and scripts, no mocks; the probe's
// disk cache goes to a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, selectBackend } from './registry';
import { probeTorch, setTorchPython, trainingBackend } from './torch';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-torch-probe-'));
const script = (name: string, body: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
};
const saved = process.env.NETLOOM_CACHE;
beforeAll(() => {
  process.env.NETLOOM_CACHE = dir;
});
afterAll(() => {
  setTorchPython(undefined);
  if (saved === undefined) delete process.env.NETLOOM_CACHE;
  else process.env.NETLOOM_CACHE = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the torch backend entry', () => {
  it('is a process backend: listed, never activated as the tfjs backend', async () => {
    const torch = BACKENDS.find((b) => b.name === 'torch')!;
    expect(torch.kind).toBe('process');
    await expect(selectBackend('torch')).rejects.toThrow(/trains in a Python process/);
  });

  it('names a missing interpreter', async () => {
    setTorchPython(path.join(dir, 'no-such-python3'));
    expect(await probeTorch()).toMatchObject({ ok: false, reason: `${path.join(dir, 'no-such-python3')} not found` });
    await expect(trainingBackend('torch')).rejects.toThrow(/Backend 'torch' is not available: .*not found/);
    expect((await trainingBackend(undefined, { gpuHint: true })).torch).toBeNull(); // automatic: the next, tfjs
  });

  it('names a Python without torch', async () => {
    const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    setTorchPython(script('python-no-site', `exec ${python} -S "$@"`)); // -S: no site-packages, so no torch
    const r = await probeTorch();
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^torch not importable: ModuleNotFoundError: No module named 'torch'/);
  });

  it('names a torch that is too old', async () => {
    setTorchPython(script('python-old-torch', `echo '{"version": "1.12.1+cpu", "cuda": [], "mps": false}'`));
    expect(await probeTorch()).toMatchObject({ ok: false, reason: 'torch 1.12 is older than 1.13' });
  });

  it('reports a working torch with its version and device, and caches the answer on disk', async () => {
    setTorchPython(script('python-new-torch', `echo '{"version": "2.5.0", "cuda": ["NVIDIA H200"], "mps": false}'`));
    const r = await probeTorch();
    expect(r).toMatchObject({ ok: true, version: '2.5.0', cuda: ['NVIDIA H200'] });
    expect(r.reason).toMatch(/^torch 2\.5\.0 \(.*\), CUDA: NVIDIA H200$/);
    // A GPU torch is the automatic choice; naming another backend keeps tfjs.
    expect((await trainingBackend(undefined, { gpuHint: true })).torch).toEqual(r);
    // Without a GPU device on the machine the automatic choice does not even ask torch.
    expect(await trainingBackend(undefined, { gpuHint: false })).toEqual({
      torch: null,
      reason: 'no GPU device here: tfjs trains on the CPU',
    });
    expect((await trainingBackend('wasm')).torch).toBeNull();
    const cache = JSON.parse(fs.readFileSync(path.join(dir, 'torch-probe.json'), 'utf8'));
    expect(Object.keys(cache).some((k) => k.includes('python-new-torch'))).toBe(true);
  });

  it('a CPU-only torch is available but not the automatic choice (wasm stays the CPU default)', async () => {
    setTorchPython(script('python-cpu-torch', `echo '{"version": "1.13.1", "cuda": [], "mps": false}'`));
    expect((await trainingBackend(undefined, { gpuHint: true })).torch).toBeNull();
    expect((await trainingBackend('torch')).torch).toMatchObject({
      ok: true,
      reason: expect.stringMatching(/CPU only/),
    });
  });
});
