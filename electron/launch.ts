// `npm start`: builds what is missing or older than its sources (the renderer; the Electron bundles when the
// desktop app runs), fetches Electron's binary once where npm did not, then starts the desktop app; otherwise
// the browser shell in Chromium's app mode, otherwise the URL. Says which, and why, in one line.
// Run: `npx tsx electron/launch.ts [--retry-electron] [project.netloom.json]`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheRoot } from '../engine/host/cache';
import { startServer } from '../engine/host/server';
import { BUILDS, ELECTRON_OUT, REPO, staleReason } from './builds';
import {
  electronBinary,
  electronVersion,
  forgetInstallFailure,
  progressPrinter,
  readInstallFailure,
  rememberInstallFailure,
  runElectronInstaller,
} from './electron-install';
import type { InstallFailure } from './electron-install';

export type LaunchPlan =
  | { kind: 'electron'; bin: string; why: string }
  | { kind: 'chromium'; bin: string; why: string }
  | { kind: 'url'; why: string };

/** Linux without X or Wayland: no window can open, neither Electron's nor Chromium's. */
export const isHeadless = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv) =>
  platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY;

/** A failed download is tried again after this long, or at once with `--retry-electron`. */
export const RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
export const RETRY_FLAG = '--retry-electron';

export type ElectronStep = { kind: 'run'; bin: string } | { kind: 'install' } | { kind: 'skip'; why: string };

const ago = (ms: number) =>
  ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 3_600_000
      ? `${Math.round(ms / 60_000)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

/** What to do about Electron: run it, run its installer (once), or go without it and say why. */
export function electronStep(o: {
  bin: string | null;
  headless: boolean;
  env: NodeJS.ProcessEnv;
  version: string | null;
  failure: InstallFailure | null;
  now: number;
  retry: boolean;
}): ElectronStep {
  const missing = "Electron's binary is not installed";
  if (o.headless)
    return {
      kind: 'skip',
      why: o.bin ? 'Electron needs a display and there is none' : `${missing} and there is no display`,
    };
  if (o.bin) return { kind: 'run', bin: o.bin };
  if (!o.version) return { kind: 'skip', why: `${missing} (node_modules/electron is absent)` };
  if (o.env.ELECTRON_SKIP_BINARY_DOWNLOAD)
    return { kind: 'skip', why: `${missing} (ELECTRON_SKIP_BINARY_DOWNLOAD is set)` };
  const f = o.failure;
  if (f && f.version === o.version && !o.retry && o.now - f.at < RETRY_AFTER_MS)
    return {
      kind: 'skip',
      why: `Electron's download failed ${ago(o.now - f.at)} ago (${f.error}; \`npm start -- ${RETRY_FLAG}\` tries again)`,
    };
  return { kind: 'install' };
}

export function chooseLaunch(o: {
  electron: string | null;
  /** Why there is no Electron, when there is none. */
  noElectron: string;
  chromium: string | null;
  headless: boolean;
}): LaunchPlan {
  if (o.electron) return { kind: 'electron', bin: o.electron, why: `Electron is installed (${o.electron})` };
  if (o.headless) return { kind: 'url', why: `${o.noElectron}, so open the URL yourself` };
  if (o.chromium)
    return {
      kind: 'chromium',
      bin: o.chromium,
      why: `${o.noElectron}, so the browser shell opens in Chromium's app mode`,
    };
  return { kind: 'url', why: `${o.noElectron} and no Chromium was found, so open the URL in a browser` };
}

const CHROMIUMS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
export const chromiumBinary = (exists = fs.existsSync): string | null => CHROMIUMS.find((c) => exists(c)) ?? null;

/** Runs the renderer's Vite build (`npm run build:renderer`) in a child process; its warnings and errors show. */
function buildRenderer(): Promise<void> {
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the renderer's build failed (vite exited with ${code}); see above`)),
    );
  });
}

/** Builds whatever is missing or older than its sources, announcing it in one line. */
async function buildStale(withElectron: boolean): Promise<void> {
  const renderer = staleReason(BUILDS.renderer);
  const bundles = withElectron ? staleReason(BUILDS.electron) : null;
  if (!renderer && !bundles) return;
  console.log(`netloom: building the user interface… (${renderer ?? bundles})`);
  const bundle = bundles ? import('./bundle').then((m) => m.bundleElectron()) : null;
  if (renderer) await buildRenderer();
  await bundle;
}

/** Electron's installer, once; prints its progress and, if it fails, one line saying what happened. */
async function installElectron(version: string, cache: string): Promise<{ bin: string } | { why: string }> {
  console.log(`netloom: Electron's binary is missing (npm ran no install script for it); running its installer once…`);
  const progress = progressPrinter(process.stdout, version);
  const result = await runElectronInstaller({ onProgress: (r, t) => progress.update(r, t) });
  progress.done();
  const bin = result.ok ? electronBinary() : null;
  if (bin) {
    forgetInstallFailure(cache);
    console.log(`netloom: Electron ${version} installed.`);
    return { bin };
  }
  const error = result.ok ? 'the installer finished but left no binary in node_modules/electron/dist' : result.error;
  rememberInstallFailure(cache, { version, error, at: Date.now() });
  console.log(
    `netloom: Electron's download failed: ${error} (next try in ${RETRY_AFTER_MS / 3_600_000} h, or now: \`npm start -- ${RETRY_FLAG}\`).`,
  );
  return { why: "Electron's download failed" };
}

async function main(argv: string[]) {
  const retry = argv.includes(RETRY_FLAG);
  const args = argv.filter((a) => a !== RETRY_FLAG);
  const headless = isHeadless(process.platform, process.env);
  const cache = cacheRoot();
  // null where node_modules/electron is absent (e.g. `npm ci --omit=dev`): the browser shell it is.
  const version = electronVersion();
  const step = electronStep({
    bin: electronBinary(),
    headless,
    env: process.env,
    version,
    failure: readInstallFailure(cache),
    now: Date.now(),
    retry,
  });
  let electron = step.kind === 'run' ? step.bin : null;
  let noElectron = step.kind === 'skip' ? step.why : '';
  if (step.kind === 'install') {
    const got = await installElectron(version!, cache);
    if ('bin' in got) electron = got.bin;
    else noElectron = got.why;
  }
  const plan = chooseLaunch({ electron, noElectron, chromium: chromiumBinary(), headless });

  if (plan.kind === 'electron') {
    await buildStale(true);
    console.log(`netloom: starting the desktop app: ${plan.why}.`);
    const child = spawn(plan.bin, [path.join(ELECTRON_OUT, 'main.cjs'), ...args], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  // The engine starts while the user interface builds; the URL is printed once it serves the editor.
  const starting = startServer();
  starting.catch(() => {}); // awaited below; this only keeps a failed start from counting as unhandled meanwhile
  try {
    await buildStale(false);
  } catch (err) {
    await (await starting).close();
    throw err;
  }
  const server = await starting;
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`netloom: browser shell at ${server.url} — ${plan.why}.`);
  if (plan.kind === 'url') return;
  // A fresh profile: no extensions, no sync, nothing of the user's browsing in the app window.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-chromium-'));
  const browser = spawn(
    plan.bin,
    [
      `--app=${server.url}`,
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-sync',
    ],
    { stdio: 'ignore' },
  );
  browser.on('exit', () => {
    fs.rmSync(profile, { recursive: true, force: true });
    void stop();
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(`netloom: ${err.message}`);
    process.exit(1);
  });
}
