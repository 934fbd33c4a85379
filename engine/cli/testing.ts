// Test helpers: the real `netloom` command as a child process (node bin/netloom.mjs …), and the shape every
// failure must have — one line on stderr ending in its code, and the exit status of its kind.
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';

export const BIN = path.resolve(__dirname, '../../bin/netloom.mjs');

/** Generous: the command compiles TypeScript on start and the test machine may be 3× slower than ours. */
const TIMEOUT = 180_000;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { uid?: number; gid?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: TIMEOUT, ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A command left running (for Ctrl-C tests): its output so far, and its end. */
export function cliAsync(args: string[], opts: SpawnOptions = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const exited = new Promise<CliRun>((resolve) => child.on('close', (status) => resolve({ status, ...out })));
  return { child, out, exited };
}

/**
 * A failure reported as one stderr line ending in `(code)`, with the given exit status; `alone`: nothing else
 * was printed (the failure came before any work).
 */
export function expectOneLineError(
  r: CliRun,
  want: { code: string; status: number; mentions?: string | RegExp; alone?: boolean },
): string {
  const lines = r.stderr.trim().split('\n');
  const last = lines.at(-1)!;
  expect(last, r.stderr).toMatch(new RegExp(`^netloom \\w+: .*\\(${want.code}\\)$`));
  expect(r.stderr, 'no stack frames').not.toMatch(/\n\s+at /);
  expect(r.stderr.length, 'no source dumps').toBeLessThan(4000);
  expect(r.status, r.stderr).toBe(want.status);
  if (want.alone ?? true) expect(lines, r.stderr).toHaveLength(1);
  if (want.mentions) expect(last).toMatch(want.mentions);
  return last;
}

/**
 * A uid without root's power over permission bits, so a read-only folder really is read-only for the command:
 * `nobody` when the tests run as root, else the current user (for whom the bits already apply). A string says why
 * there is none (root that may not switch users, e.g. a container without CAP_SETUID): the caller skips, saying so.
 */
export function unprivileged(): { uid?: number; gid?: number } | string {
  if (process.getuid?.() !== 0) return {};
  const nobody = { uid: 65534, gid: 65534 };
  const probe = spawnSync(process.execPath, ['-e', 'process.exit(process.getuid() === 65534 ? 0 : 1)'], nobody);
  return probe.status === 0
    ? nobody
    : `running as root, and switching to uid 65534 failed (${probe.error?.message ?? `status ${probe.status}`})`;
}
