// The browser shell as a user meets it: `netloom serve` prints a URL with a token; Chromium opens it; the
// page connects to the engine with the token and shows what engine/info says. A wrong token is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { createClient, websocketTransport } from '../engine/protocol';
import type { WebSocketLike } from '../engine/protocol';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness';
import { startServe } from './serve-process';
import type { ServeProcess } from './serve-process';

/** engine/info asked directly over a WebSocket, as the page should have asked it. */
async function engineInfo(s: ServeProcess) {
  const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/engine?token=${s.token}`, { origin: s.origin });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const client = createClient(websocketTransport(ws as unknown as WebSocketLike));
  try {
    return await client.call('engine/info');
  } finally {
    client.close();
  }
}

describe('browser shell (netloom serve + Chromium)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  beforeAll(async () => {
    serve = await startServe();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (serve) expect(await serve.stop()).toBe(0); // Ctrl-C shuts down cleanly
  });

  it('prints a loopback URL with a token', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
  });

  it('the page connects with the token and shows the engine info', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(serve.url);
    const info = page.getByTestId('engine-info');
    await info.waitFor({ timeout: 30_000 });
    const expected = await engineInfo(serve);
    await expect.poll(() => info.getAttribute('data-backend')).toBe(expected.backend);
    expect(await info.textContent()).toContain(`Engine backend: ${expected.backend}`);
    expect(problems, problems.join('\n')).toEqual([]); // no CSP violations, no script errors
    await page.close();
  });

  it('a wrong token is refused: the page says so, and a raw socket gets 401', async () => {
    const page = await browser.newPage();
    await page.goto(serve.url.replace(/token=[^&]+/, 'token=wrong'));
    const err = page.getByTestId('engine-error');
    await err.waitFor({ timeout: 30_000 });
    expect(await err.textContent()).toContain('refused the token');
    await page.close();

    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/engine?token=wrong`, { origin: serve.origin });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('a bad token was accepted')));
      ws.once('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('a page of another origin cannot use the engine even with the token', async () => {
    const page = await browser.newPage();
    // about:blank has an opaque origin; the socket still sends an Origin header the server refuses.
    // A string, not a function: the spec's own `WebSocket` import must not leak into the page.
    const url = `${serve.origin.replace('http', 'ws')}/engine?token=${serve.token}`;
    const opened = await page.evaluate(`new Promise((resolve) => {
      const ws = new WebSocket(${JSON.stringify(url)});
      ws.onopen = () => resolve(true);
      ws.onclose = () => resolve(false);
    })`);
    expect(opened).toBe(false);
    await page.close();
  });
});
