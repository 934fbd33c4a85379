// Electron's installer run for real, in a child process, against local mirrors (a closed port, a server that
// never answers, one that sends a wrong zip), so the tests never depend on the internet. The installer is a
// copy of node_modules/electron's in a temp folder: whatever happens, the shared node_modules stays untouched.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  electronBinary,
  electronPackageDir,
  forgetInstallFailure,
  progressPrinter,
  readInstallFailure,
  rememberInstallFailure,
  runElectronInstaller,
  shortError,
} from './electron-install';

let tmp: string;
let installer: string;
let cache: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-electron-install-'));
  const pkg = electronPackageDir()!;
  const copy = path.join(tmp, 'electron');
  fs.mkdirSync(copy);
  for (const f of ['install.js', 'package.json', 'checksums.json'])
    fs.copyFileSync(path.join(pkg, f), path.join(copy, f));
  // install.js requires @electron/get from its own node_modules: the repository's.
  fs.symlinkSync(path.resolve(pkg, '..'), path.join(copy, 'node_modules'));
  installer = path.join(copy, 'install.js');
  cache = path.join(tmp, 'electron-cache');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const env = (mirror: string) => ({ ELECTRON_MIRROR: mirror, electron_config_cache: cache });

describe("Electron's installer, run by the launcher", () => {
  it('says in one line, in the error’s own words, that the connection was refused', async () => {
    const port = await closedPort();
    const r = await runElectronInstaller({ installer, env: env(`http://127.0.0.1:${port}/`) });
    expect(r).toEqual({ ok: false, error: `connect ECONNREFUSED 127.0.0.1:${port}` });
    expect(electronBinary(path.dirname(installer))).toBeNull();
  });

  it('stops a download that receives nothing, instead of waiting forever', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const r = await runElectronInstaller({ installer, env: env(`http://127.0.0.1:${port}/`), idleMs: 1500 });
      expect(r).toEqual({ ok: false, error: 'nothing arrived for 1.5 s, so the download was stopped' });
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('shows progress while downloading, and a wrong file fails its checksum in one line', async () => {
    const body = Buffer.alloc(3 * 2 ** 20, 7);
    const urls: string[] = [];
    const mirror = http.createServer((req, res) => {
      urls.push(req.url ?? '');
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/zip' });
      res.end(body);
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
    const { port } = mirror.address() as net.AddressInfo;
    try {
      const seen: [number, number][] = [];
      const r = await runElectronInstaller({
        installer,
        env: env(`http://127.0.0.1:${port}/`),
        onProgress: (received, total) => seen.push([received, total]),
      });
      expect(urls[0]).toMatch(/electron-v[\d.]+-\w+-\w+\.zip$/);
      expect(seen.at(-1)).toEqual([body.length, body.length]);
      expect(seen.length).toBeGreaterThan(2);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatch(/checksum/i);
        expect(r.error).not.toContain('\n');
      }
    } finally {
      mirror.close();
    }
  });

  it('remembers a failure in the app cache until told to forget it', () => {
    const dir = path.join(tmp, 'app-cache');
    expect(readInstallFailure(dir)).toBeNull();
    const f = { version: '45.5.0', error: 'getaddrinfo ENOTFOUND github.com', at: 1_700_000_000_000 };
    rememberInstallFailure(dir, f);
    expect(readInstallFailure(dir)).toEqual(f);
    forgetInstallFailure(dir);
    expect(readInstallFailure(dir)).toBeNull();
  });

  it('prints progress as a line per 10 % where stdout is not a terminal', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const p = progressPrinter(out as unknown as NodeJS.WriteStream, '45.5.0');
    const total = 100 * 2 ** 20;
    for (let r = 0; r <= total; r += 2 ** 20) p.update(r, total);
    p.done();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('netloom: downloading Electron 45.5.0: 0.0 of 100.0 MB (0%)');
    expect(lines.at(-1)).toBe('netloom: downloading Electron 45.5.0: 100.0 of 100.0 MB (100%)');
  });

  it("shortens the installer's stack to the error's words", () => {
    const stack = 'TypeError: getaddrinfo ENOTFOUND github.com\n    at node:internal/deps/undici/undici:14976:13\n';
    expect(shortError(stack)).toBe('getaddrinfo ENOTFOUND github.com');
    expect(shortError(`Error: ${'x'.repeat(300)}`)).toHaveLength(160);
    expect(shortError('   \n')).toBeNull();
  });
});
