// The PyTorch side of the benchmarks: finds a python3 that has torch and runs reference.py (one definition
// of the reference networks for `npm run bench`).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** $PYTHON, else Debian's python3 (python3-torch) before whatever `python3` is first on PATH (pyenv…). */
export function torchPython(): string | null {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  return candidates.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

/**
 * This machine sets OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for old OpenBLAS builds, which slows PyTorch's dense layers
 * (the MLP ~1.5×): every PyTorch measurement (the reference and the torch backend) runs with both unset.
 */
export function fairBlasEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** CPU threads for every PyTorch measurement (the reference and the torch backend alike): the cores we may use. */
export function benchThreads(): number {
  return os.availableParallelism();
}

const told = new Set<string>();

/** images/s per repeat for each net, or why PyTorch could not run. */
export function runReference(
  nets: string[],
  batch: number,
  repeats: number,
  threads = benchThreads(),
): Record<string, number[]> | { skipped: string } {
  const python = torchPython();
  if (!python) return { skipped: 'no python3 with torch (Debian: apt-get install python3-torch libopenblas0-openmp)' };
  const script = path.join(import.meta.dirname, 'reference.py');
  const r = spawnSync(
    python,
    [
      script,
      '--nets',
      nets.join(','),
      '--batch',
      String(batch),
      '--repeats',
      String(repeats),
      '--threads',
      String(threads),
    ],
    { encoding: 'utf8', timeout: 900_000, env: fairBlasEnv() },
  );
  if (r.status !== 0) return { skipped: (r.stderr || r.error?.message || 'python3 failed').trim().split('\n').at(-1)! };
  const out: Record<string, number[]> = {};
  for (const line of r.stdout.trim().split('\n')) {
    const j = JSON.parse(line) as { net: string; runs: number[]; blas?: string };
    out[j.net] = j.runs;
    const said = `PyTorch reference ${j.net}: BLAS ${j.blas}, ${threads} threads`;
    if (j.blas && !told.has(said)) process.stderr.write(`${said}\n`); // once: the bench calls this every repeat
    told.add(said);
  }
  return out;
}
