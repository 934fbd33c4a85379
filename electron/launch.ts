// `npm start`: the desktop app when Electron's binary is installed, otherwise the browser shell in
// Chromium's app mode, otherwise the URL. Says which, and why, in one line.
// Run: `npx tsx electron/launch.ts [project.netloom.json]`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from '../engine/host/server';

export type LaunchPlan =
  | { kind: 'electron'; bin: string; why: string }
  | { kind: 'chromium'; bin: string; why: string }
  | { kind: 'url'; why: string };

/**
 * Electron's binary path, or null. Reads node_modules/electron/path.txt itself: `require('electron')`
 * would try to *download* the binary when it is missing.
 */
export function electronBinary(): string | null {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), rel);
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const CHROMIUMS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
export const chromiumBinary = (exists = fs.existsSync): string | null => CHROMIUMS.find((c) => exists(c)) ?? null;

export function chooseLaunch(o: {
  electron: string | null;
  chromium: string | null;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}): LaunchPlan {
  if (o.electron) return { kind: 'electron', bin: o.electron, why: `Electron is installed (${o.electron})` };
  const noElectron = "Electron's binary is not installed (its download is not allowed here)";
  const headless = o.platform === 'linux' && !o.env.DISPLAY && !o.env.WAYLAND_DISPLAY;
  if (headless) return { kind: 'url', why: `${noElectron} and there is no display, so open the URL yourself` };
  if (o.chromium)
    return {
      kind: 'chromium',
      bin: o.chromium,
      why: `${noElectron}, so the browser shell opens in Chromium's app mode`,
    };
  return { kind: 'url', why: `${noElectron} and no Chromium was found, so open the URL in a browser` };
}

async function main(args: string[]) {
  const plan = chooseLaunch({
    electron: electronBinary(),
    chromium: chromiumBinary(),
    platform: process.platform,
    env: process.env,
  });
  if (plan.kind === 'electron') {
    const { bundleElectron, OUT_DIR } = await import('./bundle');
    await bundleElectron();
    console.log(`netloom: starting the desktop app: ${plan.why}.`);
    const child = spawn(plan.bin, [path.join(OUT_DIR, 'main.cjs'), ...args], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  const server = await startServer();
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (plan.kind === 'url') {
    console.log(`netloom: browser shell at ${server.url} — ${plan.why}.`);
    return;
  }
  console.log(`netloom: browser shell at ${server.url} — ${plan.why}.`);
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
  main(process.argv.slice(2)).catch((err) => {
    console.error('netloom:', err);
    process.exit(1);
  });
}
