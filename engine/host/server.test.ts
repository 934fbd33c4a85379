// `netloom serve` end to end at the http/WebSocket level: a real server, a real engine child process
// (running the fake training api), real sockets.
import { until as untilCond } from '../protocol/testing/until';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, websocketTransport } from '../protocol';
import type { Client, TrainConfig, WebSocketLike } from '../protocol';
import { expectCode } from '../protocol/testing/rpc-suite';
import { resolveInside } from './static';
import { startServer } from './server';
import type { RunningServer } from './server';

const API = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'training-api.ts');
const config: TrainConfig = {
  doc: { any: 1 },
  data: { source: 'fashion-mnist' },
  epochs: 1000,
  batchSize: 8,
  lr: 0.1,
  optimizer: 'sgd',
};

const until = (cond: () => unknown, ms = 10_000) => untilCond(cond, { ms });

/** Opens a socket; resolves with a client, or with the refused handshake's http status. */
function openWs(url: string, origin?: string): Promise<{ client: Client; ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('open', () => resolve({ client: createClient(websocketTransport(ws as unknown as WebSocketLike)), ws }));
    ws.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}
async function connect(s: RunningServer, origin = s.origin) {
  const r = await openWs(`ws://127.0.0.1:${s.port}/engine?token=${s.token}`, origin);
  if (!('client' in r)) throw new Error(`refused: ${r.status}`);
  return r.client;
}

describe('netloom serve (browser shell server)', () => {
  let s: RunningServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-dist-'));
  beforeAll(async () => {
    s = await startServer({ engine: { apiModule: API }, rendererDir: path.join(dir, 'none'), log: () => {} });
  });
  afterAll(async () => {
    await s?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 and prints a URL with a random token', () => {
    expect(s.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('shows a status page (not an error) when the renderer is not built, under a strict CSP', async () => {
    const res = await fetch(s.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${s.port}`);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('/__netloom/status.js');
    expect((await fetch(`${s.origin}/__netloom/status.js`)).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${s.origin}/__netloom/token-check?token=nope`)).status).toBe(401);
    expect((await fetch(`${s.origin}/__netloom/token-check?token=${s.token}`)).status).toBe(204);
    expect((await fetch(s.origin, { method: 'POST' })).status).toBe(405);
  });

  it('refuses sockets without the right token (401) or from another origin (403)', async () => {
    const base = `ws://127.0.0.1:${s.port}/engine`;
    expect(await openWs(base)).toEqual({ status: 401 });
    expect(await openWs(`${base}?token=${s.token.slice(1)}x`)).toEqual({ status: 401 });
    expect(await openWs(`${base}?token=${s.token}`, 'http://evil.example')).toEqual({ status: 403 });
    expect(await openWs(`ws://127.0.0.1:${s.port}/other?token=${s.token}`)).toEqual({ status: 404 });
    const c = await connect(s, `http://localhost:${s.port}`);
    expect((await c.call('engine/info')).backend).toBe('fake-cpu');
    c.close();
  });

  it('reports an engine crash to clients, restarts the engine and keeps serving', async () => {
    const c = await connect(s);
    const before = (await c.call('engine/info')).pid;
    expect(before).toBe(s.engine.pid);
    const crashes: { code: string; signal: string | null }[] = [];
    c.on('engine/crashed', (e) => crashes.push(e));
    let reached = false;
    c.on('data/progress', () => (reached = true)); // the engine's first word on the call
    const waiting = c.call('data/download', { id: 'mnist' });
    await until(() => reached);
    process.kill(before, 'SIGKILL');
    await expectCode(waiting, 'E_ENGINE_CRASHED');
    await until(() => crashes.length === 1);
    expect(crashes[0]).toMatchObject({ code: 'E_ENGINE_CRASHED', signal: 'SIGKILL' });
    await until(() => s.engine.pid !== undefined && s.engine.pid !== before);
    const after = await c.call('engine/info');
    expect(after.pid).not.toBe(before);
    c.close();
  });

  it('keeps a run going when its client disconnects; a reconnecting client re-attaches (E_BUSY for a second start)', async () => {
    const a = await connect(s);
    const { runId } = await a.call('train/start', config);
    let steps = 0;
    a.on('train/progress', (p) => (steps = p.step));
    await until(() => steps > 3);
    a.close();
    const b = await connect(s);
    const { run } = await b.call('train/attach');
    expect(run).toMatchObject({ runId, state: 'running' });
    // Still training with its client gone: the step count keeps moving past what the first client saw.
    await until(async () => (await b.call('train/attach')).run!.step > steps + 3);
    await expectCode(b.call('train/start', config), 'E_BUSY');
    expect((await b.call('train/stop', {})).state).toBe('stopped');
    b.close();
  });
});

describe('netloom serve --engine-only', () => {
  it('serves only /engine, to the origins it was told to allow', async () => {
    const s = await startServer({
      engineOnly: true,
      allowOrigins: ['netloom://app'],
      engine: { apiModule: API },
      log: () => {},
    });
    try {
      expect(s.url).toBe(`ws://127.0.0.1:${s.port}/engine?token=${s.token}`);
      expect((await fetch(s.origin)).status).toBe(404);
      expect(await openWs(s.url, s.origin)).toEqual({ status: 403 });
      const c = await connect(s, 'netloom://app');
      expect((await c.call('engine/info')).backend).toBe('fake-cpu');
      c.close();
    } finally {
      await s.close();
    }
  });
});

describe('static files', () => {
  it('serves the built renderer with MIME types, index.html for routes, 404 for missing assets, nothing outside', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-dist-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id=root></div>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'assets', 'k.wasm'), new Uint8Array([0, 97, 115, 109]));
    const s = await startServer({ rendererDir: dir, engine: { apiModule: API }, log: () => {} });
    try {
      const get = (p: string) => fetch(s.origin + p);
      expect(await (await get('/')).text()).toContain('id=root');
      const js = await get('/assets/app-1234.js');
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(js.headers.get('cache-control')).toContain('immutable');
      expect((await get('/assets/k.wasm')).headers.get('content-type')).toBe('application/wasm');
      expect(await (await get('/projects/42')).text()).toContain('id=root');
      expect((await get('/assets/missing.js')).status).toBe(404);
      // Dot-dot segments are normalised inside the root: the result is the app, never /etc/passwd.
      expect(await (await get('/%2e%2e/%2e%2e/etc/passwd')).text()).not.toContain('root:');
      expect((await get('/..%2f..%2fetc%2fpasswd.txt')).status).toBe(404);
    } finally {
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(resolveInside('/srv/dist', '/../../etc/passwd')).toBe('/srv/dist/etc/passwd');
    expect(resolveInside('/srv/dist', '/a/%00b')).toBeNull();
  });
});
