// `netloom serve` against a careless or hostile user: weak tokens refused with the reason, static files that
// are symlinks out of the served root refused, documents past engine/core's limits answered with their code.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tokenProblem } from './server';
import type { RunningServer } from './server';
import { realInside } from './static';
import { FAKE_API, connectClient, rawSocket } from './websocket-testing';

const BIN = path.resolve(__dirname, '../../bin/netloom.mjs');

describe('tokens', () => {
  it('a user-given token needs at least 128 bits', () => {
    for (const weak of [
      '',
      'a',
      'x'.repeat(40),
      'A1b2C3d4E5f6G7h8I9j0K',
      '0123456789abcdef0123456789abcde',
      'has spaces in it, 1234567890',
    ])
      expect(tokenProblem(weak), JSON.stringify(weak)).toMatch(/128 bits/);
    const b64 = crypto.randomBytes(16).toString('base64url'); // 22 characters
    expect(b64).toHaveLength(22);
    for (const good of [b64, crypto.randomBytes(16).toString('hex'), crypto.randomBytes(32).toString('base64url')])
      expect(tokenProblem(good), good).toBeNull();
  });

  it('startServer refuses a weak token before starting anything', async () => {
    await expect(startServer({ token: '', engine: { apiModule: FAKE_API }, log: () => {} })).rejects.toThrow(
      /token.*128 bits/,
    );
    await expect(startServer({ token: 'a', engine: { apiModule: FAKE_API }, log: () => {} })).rejects.toThrow(
      /128 bits/,
    );
  });

  it('`netloom serve --token=` and `--token x` exit 2 with the reason on one line', () => {
    for (const args of [['--token='], ['--token', 'x']]) {
      const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--engine-api', FAKE_API, ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).not.toContain('running at');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--token.*128 bits/);
    }
  });
});

describe('static files and symlinks', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-links-'));
  const root = path.join(base, 'dist');
  const outside = path.join(base, 'secret');
  let s: RunningServer;
  beforeAll(async () => {
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id=root></div>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(outside, 'key.txt'), 'SECRET');
    fs.symlinkSync(path.join(outside, 'key.txt'), path.join(root, 'leak.txt'));
    fs.symlinkSync(outside, path.join(root, 'assets', 'out'));
    fs.symlinkSync(path.join(root, 'assets', 'app.js'), path.join(root, 'alias.js')); // inside: fine
    s = await startServer({ rendererDir: root, engine: { apiModule: FAKE_API }, log: () => {} });
  });
  afterAll(async () => {
    await s?.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('never serves a file whose real path is outside the root', async () => {
    for (const p of ['/leak.txt', '/assets/out/key.txt']) {
      const res = await fetch(s.origin + p);
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain('SECRET');
    }
    const res = await fetch(s.origin + '/alias.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log(1)');
  });

  it('realInside: the real path when inside, null when outside, the path itself when missing', () => {
    expect(realInside(root, path.join(root, 'leak.txt'))).toBeNull();
    expect(realInside(root, path.join(root, 'assets', 'out', 'key.txt'))).toBeNull();
    expect(realInside(root, path.join(root, 'alias.js'))).toBe(fs.realpathSync(path.join(root, 'assets', 'app.js')));
    expect(realInside(root, path.join(root, 'nope.js'))).toBe(path.join(root, 'nope.js'));
  });
});

describe('documents past the limits, through graph/infer', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ engineOnly: true, engine: { apiModule: FAKE_API }, log: () => {} });
  });
  afterAll(async () => {
    await s?.close();
  });
  const deep = (levels: number) => {
    let b: Record<string, unknown> = { kind: 'layer', id: 'l', type: 'Flatten' };
    for (let i = 0; i < levels; i++) b = { kind: 'sequential', id: `s${i}`, children: [b] };
    return { format: 'netloom/network', version: 1, name: 'deep', input: { shape: [4] }, root: b };
  };

  it('a document 450 blocks deep is inferred as E_TOO_DEEP, one 800 deep is refused as E_BAD_FRAME', async () => {
    const c = await connectClient({ ...s, origin: '' });
    const r = await c.call('graph/infer', { doc: deep(450) });
    expect(r.errors.map((e) => e.code)).toEqual(['E_TOO_DEEP']);
    await expect(c.call('graph/infer', { doc: deep(800) })).rejects.toMatchObject({
      code: 'E_BAD_FRAME',
      message: expect.stringContaining('nested'),
    });
    const wide = { kind: 'layer', id: 'd', type: 'Dense', params: { units: 2 }, repeat: 1e8 };
    const big = { ...deep(0), root: { kind: 'sequential', id: 'net', children: [wide] } };
    expect((await c.call('graph/infer', { doc: big })).errors.map((e) => [e.code, e.path])).toEqual([
      ['E_TOO_LARGE', 'd'],
    ]);
    expect((await c.call('engine/info')).backend).toBe('fake-cpu');
    c.close();
  });
});

describe('the Host header on loopback (DNS rebinding)', () => {
  it('refuses a socket whose Host is not this machine, with the right token (403)', async () => {
    const s = await startServer({ engineOnly: true, engine: { apiModule: FAKE_API }, log: () => {} });
    try {
      const at = { ...s, origin: '' };
      await expect(rawSocket(at, { host: `evil.example:${s.port}` })).rejects.toThrow(/403/);
      await expect(rawSocket(at, { host: 'evil.example' })).rejects.toThrow(/403/);
      const ok = await rawSocket(at, { host: `localhost:${s.port}` });
      ok.socket.destroy();
    } finally {
      await s.close();
    }
  });
});
