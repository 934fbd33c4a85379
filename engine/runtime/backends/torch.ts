// The torch backend: training in PyTorch, in a Python process the engine host starts (engine/host/torch-run.ts
// runs engine/runtime/torch/runner.py). It is a `process` backend: it never becomes the tfjs backend (the engine's
// own tensors, predictions and inference stay on tfjs), so selectBackend() passes over it and trainingBackend()
// decides between it and tfjs for a run. The probe imports torch (seconds), so its answer is cached in memory and
// on disk (the app cache's torch-probe.json, keyed by the interpreter's real path and modification time, for a day).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Availability, BackendEntry } from './types';

/** The oldest torch the runner is written for (Debian 12's python3-torch). */
export const MIN_TORCH = [1, 13] as const;

export interface TorchProbe extends Availability {
  /** The interpreter that imports torch (absent when none does). */
  python?: string;
  version?: string;
  /** CUDA device names (empty: no usable CUDA). */
  cuda: string[];
  mps: boolean;
}

const PROBE = `import json, sys
try:
    import torch
except Exception as e:
    print(json.dumps({"error": f"{type(e).__name__}: {e}"})); sys.exit(0)
cuda = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []
mps = getattr(torch.backends, "mps", None)
print(json.dumps({"version": torch.__version__, "cuda": cuda, "mps": bool(mps and mps.is_available())}))`;

const probes = new Map<string, Promise<TorchProbe>>();
let configured: string | undefined;

/** `--python PATH` / the app's setting: the interpreter to use (a new path is probed afresh). */
export function setTorchPython(python: string | undefined): void {
  configured = python;
}

/** Where to look, in order: the configured path, NETLOOM_PYTHON, python3 on PATH, Debian's /usr/bin/python3. */
export function pythonCandidates(): string[] {
  const given = configured ?? process.env.NETLOOM_PYTHON;
  if (given) return [given];
  return ['python3', '/usr/bin/python3'];
}

const DAY_MS = 24 * 3600 * 1000;
const cacheFile = () =>
  path.join(
    process.env.NETLOOM_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'netloom'),
    'torch-probe.json',
  );

/** `python3` → the file it runs (PATH looked up, links resolved) and its mtime: what a cached answer is valid for. */
function identity(python: string): string | null {
  const dirs = python.includes('/') ? [''] : (process.env.PATH ?? '').split(path.delimiter);
  for (const d of dirs) {
    try {
      const real = fs.realpathSync(d ? path.join(d, python) : python);
      const st = fs.statSync(real);
      if (st.isFile()) return `${python}|${d ? path.join(d, python) : python}|${real}|${st.mtimeMs}`;
    } catch {
      // not here
    }
  }
  return null;
}

function cached(key: string): TorchProbe | null {
  try {
    const all = JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as Record<string, { at: number; probe: TorchProbe }>;
    const hit = all[key];
    return hit && Date.now() - hit.at < DAY_MS ? hit.probe : null;
  } catch {
    return null;
  }
}

function remember(key: string, probe: TorchProbe) {
  try {
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(fs.readFileSync(cacheFile(), 'utf8'));
    } catch {
      // first answer
    }
    all[key] = { at: Date.now(), probe };
    fs.mkdirSync(path.dirname(cacheFile()), { recursive: true });
    const tmp = `${cacheFile()}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all));
    fs.renameSync(tmp, cacheFile());
  } catch {
    // a cache that cannot be written only costs the next start a probe
  }
}

function probeOne(python: string): Promise<TorchProbe> {
  let p = probes.get(python);
  if (!p) {
    const key = identity(python);
    const hit = key ? cached(key) : null;
    if (!key) p = Promise.resolve({ ok: false, reason: `${python} not found`, cuda: [], mps: false });
    else if (hit) p = Promise.resolve(hit);
    else p = spawnProbe(python).then((r) => (remember(key, r), r));
    probes.set(python, p);
  }
  return p;
}

function spawnProbe(python: string): Promise<TorchProbe> {
  return new Promise<TorchProbe>((resolve) => {
    const none = { cuda: [], mps: false };
    let out = '';
    let child;
    try {
      child = spawn(python, ['-c', PROBE], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (e) {
      return resolve({ ok: false, reason: `${python}: ${(e as Error).message}`, ...none });
    }
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        reason: e.code === 'ENOENT' ? `${python} not found` : `${python}: ${e.message}`,
        ...none,
      }),
    );
    child.on('close', (code) => {
      let r: { error?: string; version?: string; cuda?: string[]; mps?: boolean };
      try {
        r = JSON.parse(out.trim().split('\n').pop() ?? '');
      } catch {
        return resolve({ ok: false, reason: `${python} did not answer the torch probe (exit ${code})`, ...none });
      }
      if (r.error) return resolve({ ok: false, reason: `torch not importable: ${r.error}`, python, ...none });
      const [major, minor] = (r.version ?? '0.0').split('.').map((v) => parseInt(v, 10) || 0);
      if (major < MIN_TORCH[0] || (major === MIN_TORCH[0] && minor < MIN_TORCH[1]))
        return resolve({
          ok: false,
          reason: `torch ${major}.${minor} is older than ${MIN_TORCH.join('.')}`,
          python,
          version: r.version,
          ...none,
        });
      const cuda = r.cuda ?? [];
      const where = cuda.length ? `CUDA: ${cuda.join(', ')}` : r.mps ? 'Apple MPS' : 'CPU only';
      resolve({
        ok: true,
        reason: `torch ${r.version} (${python}), ${where}`,
        python,
        version: r.version,
        cuda,
        mps: !!r.mps,
      });
    });
  });
}

/** The first candidate Python with a recent torch, or the first candidate's reason for not having one. */
export async function probeTorch(): Promise<TorchProbe> {
  let first: TorchProbe | undefined;
  for (const python of pythonCandidates()) {
    const r = await probeOne(python);
    if (r.ok) return r;
    first ??= r;
  }
  return first!;
}

export const torchBackend: BackendEntry = {
  name: 'torch',
  kind: 'process',
  tfName: '',
  // Listed last: priority orders the tfjs backends selectBackend() tries; trainingBackend() puts torch first
  // only when it has a GPU.
  priority: 0,
  available: () => probeTorch(),
  async init() {
    throw new Error("the 'torch' backend trains in a Python process; the engine's own tensors need a tfjs backend");
  },
};

export interface TrainingChoice {
  /** 'torch', or undefined: the tfjs registry chooses (or takes `requested`). */
  torch: TorchProbe | null;
  /** Why torch was (not) taken when nothing was requested. */
  reason: string;
}

/**
 * Whether this machine could have a GPU torch uses (an NVIDIA device node, or a Mac for MPS): without one the
 * automatic choice does not import torch at all (seconds) to learn that it has none.
 */
export function gpuPresent(): boolean {
  if (process.platform === 'darwin') return true;
  try {
    return fs.readdirSync('/dev').some((f) => /^nvidia\d+$/.test(f));
  } catch {
    return false;
  }
}

/**
 * Which engine trains a run: torch when asked for (an error with the reason when it cannot), or automatically when
 * it has a working GPU; otherwise tfjs (wasm stays the automatic CPU choice: no speed probe picks torch on CPU yet).
 */
export async function trainingBackend(
  requested?: string,
  { gpuHint = gpuPresent() }: { gpuHint?: boolean } = {},
): Promise<TrainingChoice> {
  if (requested && requested !== 'torch') return { torch: null, reason: `requested: ${requested}` };
  if (!requested && !gpuHint) return { torch: null, reason: 'no GPU device here: tfjs trains on the CPU' };
  const probe = await probeTorch();
  if (requested === 'torch') {
    if (!probe.ok)
      throw Object.assign(new Error(`Backend 'torch' is not available: ${probe.reason}.`), {
        code: 'E_BACKEND_UNAVAILABLE',
      });
    return { torch: probe, reason: `requested: ${probe.reason}` };
  }
  if (probe.ok && (probe.cuda.length || probe.mps)) return { torch: probe, reason: probe.reason };
  return {
    torch: null,
    reason: probe.ok ? 'torch has no GPU here; the CPU choice stays with tfjs' : `torch: ${probe.reason}`,
  };
}
