// Electron's binary for `npm start`. npm 11 runs a dependency's install script only when package.json's
// `allowScripts` lists it, so `npm ci` leaves node_modules/electron without its binary. The launcher runs
// Electron's own installer once (its progress shown), bounded in time, and remembers a failure in the app
// cache so a machine without the network does not try again on every start.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const HOOK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'install-hook.mjs');

/** node_modules/electron, or null when the package itself is absent. */
export function electronPackageDir(): string | null {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The installed electron package's version, or null when node_modules/electron is absent. */
export function electronVersion(dir = electronPackageDir()): string | null {
  if (!dir) return null;
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Electron's binary path, or null. Reads node_modules/electron/path.txt itself: `require('electron')`
 * would try to *download* the binary when it is missing.
 */
export function electronBinary(dir = electronPackageDir()): string | null {
  if (!dir) return null;
  try {
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), rel);
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export type InstallResult = { ok: true } | { ok: false; error: string };

export interface InstallOptions {
  /** Added to the installer's environment (tests: ELECTRON_MIRROR, electron_config_cache). */
  env?: NodeJS.ProcessEnv;
  /** Give up when nothing arrives for this long while downloading (a hanging network). Default 60 s. */
  idleMs?: number;
  /** Give up when unpacking the downloaded zip takes longer than this. Default 5 min. */
  unpackMs?: number;
  /** Give up after this long in all, however slowly data still trickles in. Default 20 min. */
  totalMs?: number;
  onProgress?: (received: number, total: number) => void;
  /** The installer script; default node_modules/electron/install.js. */
  installer?: string;
}

const PROGRESS = /^@netloom-progress (\d+) (\d+)$/;
const MAX_ERROR = 160;

/**
 * The installer's failure in its own words, on one line: the first `SomethingError: words` line of what it
 * printed (install.js prints the stack), without the error's class name and shortened.
 */
export function shortError(output: string): string | null {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const named = lines.map((l) => /^(?:\w*Error|Error)(?: \[\w+\])?: (.+)$/.exec(l)?.[1]).find(Boolean);
  const words = named ?? lines.find((l) => !l.startsWith('at '));
  if (!words) return null;
  return words.length > MAX_ERROR ? words.slice(0, MAX_ERROR - 1) + '…' : words;
}

/** Runs Electron's installer (`node node_modules/electron/install.js`) in a child process; never hangs. */
export function runElectronInstaller(opts: InstallOptions = {}): Promise<InstallResult> {
  const installer = opts.installer ?? path.join(electronPackageDir() ?? '.', 'install.js');
  const idleMs = opts.idleMs ?? 60_000;
  const unpackMs = opts.unpackMs ?? 5 * 60_000;
  const totalMs = opts.totalMs ?? 20 * 60_000;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(HOOK).href, installer], {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    let downloaded = false;
    let stopped: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      const ms = downloaded ? unpackMs : idleMs;
      timer = setTimeout(() => {
        stopped = downloaded
          ? `unpacking took longer than ${ms / 1000} s, so it was stopped`
          : `nothing arrived for ${ms / 1000} s, so the download was stopped`;
        child.kill('SIGKILL');
      }, ms);
    };
    arm();
    const deadline = setTimeout(() => {
      stopped = `it was still running after ${totalMs / 60_000} min, so it was stopped`;
      child.kill('SIGKILL');
    }, totalMs);
    let partial = '';
    const onStderr = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = PROGRESS.exec(line);
        if (!m) {
          said += line + '\n';
          continue;
        }
        const [received, total] = [Number(m[1]), Number(m[2])];
        downloaded = total > 0 && received >= total;
        opts.onProgress?.(received, total);
      }
      arm();
    };
    child.stderr.on('data', onStderr);
    child.stdout.on('data', (c: Buffer) => {
      said += c.toString();
      arm();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      resolve({ ok: false, error: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      said += partial;
      if (code === 0) return resolve({ ok: true });
      const error =
        stopped ??
        shortError(said) ??
        `the installer ${signal ? `was killed (${signal})` : `exited with code ${code}`}`;
      resolve({ ok: false, error });
    });
  });
}

/** A remembered failed download (in the app cache), so the next start does not wait for it again. */
export interface InstallFailure {
  version: string;
  error: string;
  /** ms since the epoch */
  at: number;
}

const failureFile = (cacheDir: string) => path.join(cacheDir, 'electron-install-failure.json');

export function readInstallFailure(cacheDir: string): InstallFailure | null {
  try {
    const f = JSON.parse(fs.readFileSync(failureFile(cacheDir), 'utf8')) as InstallFailure;
    return typeof f.version === 'string' && typeof f.error === 'string' && typeof f.at === 'number' ? f : null;
  } catch {
    return null;
  }
}

export function rememberInstallFailure(cacheDir: string, failure: InstallFailure): void {
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(failureFile(cacheDir), JSON.stringify(failure) + '\n');
}

export function forgetInstallFailure(cacheDir: string): void {
  fs.rmSync(failureFile(cacheDir), { force: true });
}

/** Prints the installer's progress on `out`: one rewritten line on a terminal, a line per 10 % elsewhere. */
export function progressPrinter(out: NodeJS.WriteStream, version: string) {
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  let lastTenth = -1;
  let drawn = false;
  return {
    update(received: number, total: number) {
      const pct = total ? Math.floor((received / total) * 100) : null;
      const text = `netloom: downloading Electron ${version}: ${mb(received)}${total ? ` of ${mb(total)}` : ''} MB${pct === null ? '' : ` (${pct}%)`}`;
      if (out.isTTY) {
        out.write(`\r${text}`);
        drawn = true;
        return;
      }
      const tenth = pct === null ? Math.floor(received / (10 * 2 ** 20)) : Math.floor(pct / 10);
      if (tenth !== lastTenth) out.write(text + '\n');
      lastTenth = tenth;
    },
    /** Ends the rewritten terminal line before anything else prints. */
    done() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
