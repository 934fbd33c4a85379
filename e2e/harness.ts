// e2e harness: serves the built renderer through the browser shell's server (`netloom serve`'s
// startServer, engine included) and drives Debian's Chromium with playwright-core.
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../engine/host/server';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');
/** Debian's Chromium (override with $CHROMIUM) and the one argument list every spec launches it with. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Session {
  server: RunningServer;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** A fake File System Access API so saving/opening runs through the Host without native dialogs. */
// A string, not a function: tsx's name-keeping helpers do not exist in the page.
const FAKE_FS = `(() => {
  const files = new Map();
  window.__files = files;
  const handle = (name) => ({
    name,
    async createWritable() { let buf = ''; return { async write(d) { buf += d; }, async close() { files.set(name, buf); } }; },
    async getFile() { return new File([files.get(name) ?? ''], name); },
  });
  window.showSaveFilePicker = async (o) => handle((o && o.suggestedName) || 'network.netloom.json');
  window.showOpenFilePicker = async () => [handle(window.__openName ?? [...files.keys()][0])];
})();`;

export async function openEditor(
  opts: { width?: number; height?: number; theme?: 'dark' | 'light' } = {},
): Promise<Session> {
  const server = await startServer({ port: 0, rendererDir: path.join(ROOT, 'renderer', 'dist'), log: () => {} });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    deviceScaleFactor: 1,
  });
  await context.addInitScript({ content: FAKE_FS });
  if (opts.theme)
    await context.addInitScript({ content: `localStorage.setItem('netloom.theme', ${JSON.stringify(opts.theme)})` });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(server.url);
  await page.getByTestId('canvas').waitFor();
  return {
    server,
    browser,
    page,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The document in the page's store. */
/**
 * One editor per spec file: opened before its tests, a screenshot of each failing test (named `fail-<tag>-…`)
 * plus an optional cleanup, closed after. Returns the page getter (`.session()` for the server).
 */
export function useEditor(
  tag: string,
  opts: { theme?: 'dark' | 'light'; onFail?: (page: Page) => Promise<void> } = {},
): (() => Page) & { session: () => Session } {
  let s: Session | undefined;
  beforeAll(async () => {
    s = await openEditor({ theme: opts.theme ?? 'dark' });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !s) return;
    await s.page.screenshot({
      path: path.join(ARTIFACTS, `fail-${tag}-${ctx.task.name.slice(0, 24).replace(/\W+/g, '-')}.png`),
    });
    await opts.onFail?.(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });
  return Object.assign(() => s!.page, { session: () => s! });
}

export const getDoc = (page: Page) =>
  page.evaluate(
    () =>
      (window as unknown as { __netloom: { docStore: { getState(): { doc: unknown } } } }).__netloom.docStore.getState()
        .doc,
  );
