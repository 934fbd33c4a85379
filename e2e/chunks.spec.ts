// Chunked messages in a real browser: engine/protocol's WebSocket transport (the code the renderer bundles, built
// here with esbuild and run in the page) over Chromium's own WebSocket against the browser shell's server, with
// 1 KiB chunks on both sides and a per-frame limit of one chunk: a project is saved and opened (both directions
// in chunks) and comes back as it went. The Node side of the same code: engine/host/websocket-chunks.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../engine/core';
import { startServer } from '../engine/host/server';
import type { RunningServer } from '../engine/host/server';
import { loadTemplate } from '../templates';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ROOT } from './harness';

const CHUNK = 1024;

/** engine/protocol as one script for the page, exposing `NetloomProtocol`. */
function protocolBundle(): string {
  const out = buildSync({
    entryPoints: [path.join(ROOT, 'engine', 'protocol', 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'NetloomProtocol',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

describe('chunked messages in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-chunks-')); // no renderer: the status page
  beforeAll(async () => {
    server = await startServer({
      rendererDir: empty,
      transfer: { chunkBytes: CHUNK },
      maxFrameBytes: CHUNK + 64,
      log: () => {},
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('a project saved and opened from the page travels in chunks both ways and comes back whole', async () => {
    // The served page's CSP forbids string evaluation, which this spec's injected bundle needs (the app's own
    // bundle runs under it in every other spec).
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    const doc = loadTemplate('vgg11');
    const url = `${server.origin.replace('http', 'ws')}/engine?token=${server.token}`;
    // A string, not a function: the page gets the bundle and plain data only.
    const r = (await page.evaluate(`(async () => {
      ${protocolBundle()}
      const { connectWebSocket, createClient } = NetloomProtocol;
      const seen = { sent: 0, received: 0 };
      const isChunk = (d) => d instanceof ArrayBuffer && d.byteLength >= 4 && new DataView(d).getUint32(0, true) === 0x31434c4e;
      class Counting extends WebSocket {
        constructor(u) {
          super(u);
          this.addEventListener('message', (e) => isChunk(e.data) && seen.received++);
        }
        send(d) {
          if (isChunk(d)) seen.sent++;
          super.send(d);
        }
      }
      const client = createClient(await connectWebSocket(${JSON.stringify(url)}, Counting, { chunkBytes: ${CHUNK} }));
      const doc = ${JSON.stringify(doc)};
      const saved = await client.call('project/save', { doc }, { timeoutMs: 30000 });
      const afterSave = { ...seen };
      const opened = await client.call('project/open', { bytes: saved.bytes }, { timeoutMs: 30000 });
      client.close();
      return { afterSave, seen, savedBytes: saved.bytes.byteLength, opened: opened.doc, trained: opened.trained };
    })()`)) as {
      afterSave: { sent: number; received: number };
      seen: { sent: number; received: number };
      savedBytes: number;
      opened: unknown;
      trained: unknown;
    };
    expect(problems).toEqual([]);
    expect(r.opened).toEqual(parseDocument(doc).doc);
    expect(r.trained).toBeNull();
    // project/save: the document went out in chunks; project/open: the bytes went out in chunks, the
    // document came back in chunks.
    expect(r.afterSave.sent).toBeGreaterThanOrEqual(2);
    expect(r.seen.sent - r.afterSave.sent).toBeGreaterThanOrEqual(Math.ceil(r.savedBytes / CHUNK));
    expect(r.seen.received - r.afterSave.received).toBeGreaterThanOrEqual(2);
    await context.close();
  });
});
