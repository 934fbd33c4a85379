// Finding a Python that has torch (tests, and Netloom's torch backend later): $PYTHON, then Debian's python3
// (python3-torch), then whatever `python3` is first on PATH (a pyenv shim may lack torch).
import { spawnSync } from 'node:child_process';

let found: string | null | undefined;

/** A python3 that imports torch, or null. Example: `torchPython()` → '/usr/bin/python3'. */
export function torchPython(): string | null {
  if (found === undefined) {
    const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
    found = candidates.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
  }
  return found;
}

/**
 * The torchrun command for that python: the `torchrun` script when it runs on the same interpreter (Debian's
 * does), else `python -m torch.distributed.run`, which is what torchrun runs.
 */
export function torchrunCommand(python: string): string[] {
  const r = spawnSync(python, ['-c', 'import shutil, sys; print(shutil.which("torchrun") or "")'], {
    encoding: 'utf8',
  });
  const script = r.stdout?.trim();
  return script ? [python, script] : [python, '-m', 'torch.distributed.run'];
}
