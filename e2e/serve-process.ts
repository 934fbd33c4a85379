// Starts `netloom serve` as its own process, the way a user does, and reads the URL it prints.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ServeProcess {
  url: string;
  origin: string;
  token: string;
  proc: ChildProcess;
  /** SIGTERM and wait; resolves with the exit code (0 = clean shutdown). */
  stop(): Promise<number | null>;
}

export function startServe(args: string[] = []): Promise<ServeProcess> {
  // Runs serveCommand directly so the spec does not depend on the CLI wiring in engine/cli/main.ts;
  // once `serve` is wired there this is equivalent to `node bin/netloom.mjs serve ...args`.
  const code = `const m = await import(${JSON.stringify(pathToFileURL(path.join(REPO, 'engine/cli/serve.ts')).href)}); process.exitCode = await m.serveCommand(process.argv.slice(1));`;
  const proc = spawn(
    process.execPath,
    ['--import', TSX, '--input-type=module', '-e', code, '--', '--port', '0', ...args],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`netloom serve printed no URL in 60 s:\n${out}`)), 60_000);
    proc.on('exit', (c) => reject(new Error(`netloom serve exited (${c}) before printing a URL:\n${out}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = new URL(m[1]);
      resolve({
        url: m[1],
        origin: url.origin,
        token: url.searchParams.get('token')!,
        proc,
        stop: () =>
          new Promise((r) => {
            if (proc.exitCode !== null) return r(proc.exitCode);
            proc.once('exit', (c) => r(c));
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}
