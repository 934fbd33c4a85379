// The speed probe on real backends (wasm always; PyTorch when Debian's /usr/bin/python3 has torch), and the
// automatic choice as a pure function of given figures. No figure is compared with a speed: only that one was
// measured, so the tests hold on a machine 10× faster or 3× slower.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend, probeable, probeTfjs, probeTorchCpu, type BackendFacts } from './probe';
import { shutdownEngineBackend } from './registry';

afterAll(() => shutdownEngineBackend());

const SYSTEM_PYTHON = '/usr/bin/python3';
const torchMissing = (): string | null => {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${SYSTEM_PYTHON} not runnable: ${r.error.message}`;
  return r.status === 0 ? null : `${SYSTEM_PYTHON} has no torch: ${r.stderr.trim().split('\n').pop()}`;
};

describe('the speed probe on real backends', () => {
  it('trains the probe network on wasm and reports images/s', async () => {
    const f = await probeTfjs('wasm', { budgetMs: 200 });
    expect(f.error).toBeUndefined();
    expect(f).toMatchObject({ name: 'wasm', imagesPerSec: expect.any(Number) });
    expect(f.imagesPerSec).toBeGreaterThan(0);
  });

  it('trains the same network in PyTorch on the CPU', async (ctx) => {
    const why = torchMissing();
    if (why) {
      console.warn(`skipped: ${why}`);
      return ctx.skip(why);
    }
    const f = await probeTorchCpu(SYSTEM_PYTHON, { budgetMs: 200 });
    expect(f.error).toBeUndefined();
    expect(f.imagesPerSec).toBeGreaterThan(0);
  });

  it('a Python that cannot run the probe gives the reason, not a figure', async () => {
    const f = await probeTorchCpu('/nonexistent/python3');
    expect(f).toEqual({ name: 'torch', error: expect.stringMatching(/nonexistent\/python3.*ENOENT/) });
    // A Python whose import of torch fails: its last error line is the reason.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-probe-'));
    const fake = path.join(dir, 'python3');
    fs.writeFileSync(
      fake,
      `#!/bin/sh\necho "Traceback…" >&2\necho "ModuleNotFoundError: No module named 'torch'" >&2\nexit 1\n`,
      {
        mode: 0o755,
      },
    );
    try {
      expect(await probeTorchCpu(fake)).toEqual({
        name: 'torch',
        error: "the torch probe failed: ModuleNotFoundError: No module named 'torch'",
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown tfjs backend is an error figure', async () => {
    expect(await probeTfjs('tpu')).toEqual({ name: 'tpu', error: expect.stringMatching(/Unknown backend 'tpu'/) });
  });
});

const cpu = (name: string, imagesPerSec?: number, available = true): BackendFacts => ({
  name,
  available,
  reason: available ? `${name} is here` : `${name} is missing`,
  imagesPerSec,
});

describe('the automatic choice (pure)', () => {
  it('takes the fastest CPU backend measured and says by how much', () => {
    const c = chooseBackend([
      cpu('tensorflow-gpu', undefined, false),
      cpu('wasm', 1333),
      cpu('cpu'),
      cpu('torch', 2400),
    ]);
    expect(c).toEqual({
      name: 'torch',
      reason: 'fastest CPU backend in the probe: 1.8× wasm (2,400 vs 1,333 images/s)',
    });
    expect(chooseBackend([cpu('wasm', 3000), cpu('torch', 1000)]).name).toBe('wasm');
  });

  it('a GPU beats a faster CPU: torch with CUDA first, then tfjs-node-gpu', () => {
    const gpuTorch = { ...cpu('torch', 10), gpu: true, reason: 'torch 2.4 (python3), CUDA: NVIDIA H200' };
    const tfGpu = { ...cpu('tensorflow-gpu'), gpu: true };
    expect(chooseBackend([tfGpu, cpu('wasm', 99_999), gpuTorch])).toEqual({
      name: 'torch',
      reason: 'a GPU: torch 2.4 (python3), CUDA: NVIDIA H200',
    });
    expect(chooseBackend([tfGpu, cpu('wasm', 99_999), cpu('torch', 100_000)]).name).toBe('tensorflow-gpu');
    // An unavailable GPU backend is no choice at all.
    expect(chooseBackend([{ ...tfGpu, available: false }, cpu('wasm', 5)]).name).toBe('wasm');
  });

  it('skips unavailable and unmeasured backends; one figure is the only one measured', () => {
    expect(chooseBackend([cpu('wasm', 1000), cpu('torch', 5000, false)])).toEqual({
      name: 'wasm',
      reason: 'fastest CPU backend in the probe: the only one measured (1,000 images/s)',
    });
  });

  it('with nothing measured: the first CPU backend in the registry order, never torch unmeasured nor pure JS', () => {
    expect(
      chooseBackend([cpu('tensorflow', undefined, false), cpu('wasm'), cpu('cpu'), cpu('torch')], 'probe off'),
    ).toEqual({ name: 'wasm', reason: 'the first CPU backend available (probe off): wasm is here' });
    expect(chooseBackend([cpu('wasm', undefined, false), cpu('cpu')]).name).toBe('cpu');
    expect(() => chooseBackend([cpu('wasm', undefined, false)])).toThrow(
      /no backend is available: wasm: wasm is missing/,
    );
  });

  it('probes the available CPU backends only', () => {
    const facts = [cpu('tensorflow-gpu'), cpu('tensorflow', undefined, false), cpu('wasm'), cpu('cpu'), cpu('torch')];
    expect(probeable(facts)).toEqual(['wasm', 'torch']);
  });
});
