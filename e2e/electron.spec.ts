// The desktop app itself, launched through Playwright's Electron support where Electron's binary is installed
// (`npm start` fetches it; here, without the internet, it is absent and this spec says so and skips).
// Checks what only a running Electron can show: the window shows the editor, the engine answers from its own
// utilityProcess, and the security settings hold at run time (no Node in the page, navigation refused).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron } from 'playwright-core';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../engine/protocol/testing/until';
import { BUILDS, ELECTRON_OUT, RENDERER_DIST, staleReason } from '../electron/builds';
import { electronBinary } from '../electron/electron-install';
import { isHeadless } from '../electron/launch';
import { ARTIFACTS } from './harness';

const bin = electronBinary();
const skipWhy = !bin
  ? "Electron's binary is not installed (`npm start` runs its installer; it needs github.com or ELECTRON_MIRROR)"
  : isHeadless(process.platform, process.env)
    ? 'Electron needs a display (DISPLAY or WAYLAND_DISPLAY) and there is none'
    : !fs.existsSync(path.join(RENDERER_DIST, 'index.html'))
      ? 'renderer/dist is not built (npm run build:renderer)'
      : null;
if (skipWhy) console.warn(`e2e/electron.spec.ts skipped: ${skipWhy}.`);

/** The main process's view of a navigation the page attempted (recorded by listeners added for the test). */
interface Seen {
  willNavigate: string[];
  started: string[];
}

describe.skipIf(skipWhy !== null)('the desktop app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    if (staleReason(BUILDS.electron)) await (await import('../electron/bundle')).bundleElectron();
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-electron-e2e-'));
    app = await _electron.launch({
      executablePath: bin!,
      args: [path.join(ELECTRON_OUT, 'main.cjs'), `--user-data-dir=${userData}`],
    });
    page = await app.firstWindow();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
  });

  afterAll(async () => {
    await app?.close();
    if (userData) fs.rmSync(userData, { recursive: true, force: true });
  });

  it('opens a window that shows the editor, served from netloom://app', async () => {
    await page.getByTestId('canvas').waitFor();
    await page.getByTestId('palette').waitFor();
    expect(page.url()).toMatch(/^netloom:\/\/app\//);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'electron-window.png') });
  });

  it('runs the engine in its utilityProcess, not in main or the window', async () => {
    const info = page.getByTestId('engine-info');
    await until(async () => (await info.getAttribute('data-pid')) !== null, {
      what: "the engine's pid in the status bar",
    });
    const enginePid = Number(await info.getAttribute('data-pid'));
    const processes = await app.evaluate(({ app: a }) =>
      a.getAppMetrics().map((m) => ({ pid: m.pid, type: m.type, name: m.serviceName ?? m.name ?? '' })),
    );
    expect(processes.find((p) => p.pid === enginePid)).toMatchObject({ type: 'Utility', name: 'Netloom engine' });
    expect(enginePid).not.toBe(app.process().pid);
  });

  it('keeps Node out of the page and exposes only the Host API', async () => {
    const globals = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return {
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        Buffer: typeof w.Buffer,
        netloom: typeof w.netloom,
      };
    });
    expect(globals).toEqual({
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
      netloom: 'object',
    });
  });

  it('refuses navigation away from the app', async () => {
    await app.evaluate(({ BrowserWindow }) => {
      const g = globalThis as unknown as { __seen: Seen };
      g.__seen = { willNavigate: [], started: [] };
      const wc = BrowserWindow.getAllWindows()[0]!.webContents;
      wc.on('will-navigate', (_e, url) => g.__seen.willNavigate.push(url));
      wc.on('did-start-navigation', (e) => g.__seen.started.push(e.url));
    });
    await page.evaluate(() => {
      (window as unknown as { __stay: number }).__stay = 1;
      location.href = 'https://example.com/';
    });
    const seen = () => app.evaluate(() => (globalThis as unknown as { __seen: Seen }).__seen);
    await until(async () => (await seen()).willNavigate.length > 0, { what: 'the attempted navigation' });
    // A same-document navigation after the refused one: once main has seen it start, a navigation the refusal
    // had let through would have started before it.
    await page.evaluate(() => (location.hash = '#after'));
    await until(async () => (await seen()).started.some((u) => u.endsWith('#after')), { what: 'the later hash' });
    const s = await seen();
    expect(s.willNavigate).toEqual(['https://example.com/']);
    expect(s.started.filter((u) => u.startsWith('https://'))).toEqual([]);
    expect(page.url()).toMatch(/^netloom:\/\/app\//);
    expect(await page.evaluate(() => (window as unknown as { __stay?: number }).__stay)).toBe(1);
  });
});
