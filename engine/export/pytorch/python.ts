// Finding a Python that has torch (tests, and Netloom's torch backend later): $PYTHON, then Debian's python3
// (python3-torch), then whatever `python3` is first on PATH (a pyenv shim may lack torch).
import { spawnSync } from 'node:child_process';
import net from 'node:net';

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

/**
 * torchrun flags for one machine meeting on a free local port. Not `--standalone`: it always takes port 29400, so
 * two runs at once (the editor's and a CLI's, or two tests) meet on one store and hang or merge into one job.
 * Example: `await localRendezvous()` → ['--nnodes', '1', '--rdzv_backend', 'c10d', '--rdzv_endpoint', '127.0.0.1:41873'].
 */
export async function localRendezvous(): Promise<string[]> {
  const port = await new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
  return ['--nnodes', '1', '--rdzv_backend', 'c10d', '--rdzv_endpoint', `127.0.0.1:${port}`];
}
