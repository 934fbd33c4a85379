import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, staleReason } from './builds';
import { bundleElectron } from './bundle';
import { electronBinary } from './electron-install';
import { chooseLaunch, electronStep, isHeadless, RETRY_AFTER_MS } from './launch';

describe('npm start launcher', () => {
  it('finds no Electron binary here without trying to download one', () => {
    // node_modules/electron has no dist/ in this environment; requiring it would start a download.
    if (!fs.existsSync(path.join('node_modules', 'electron', 'dist'))) expect(electronBinary()).toBeNull();
  });

  it('runs Electron when installed, installs it once when missing, and otherwise says why not', () => {
    const base = {
      bin: null,
      headless: false,
      env: {},
      version: '45.5.0',
      failure: null,
      now: 1_000_000_000_000,
      retry: false,
    };
    expect(electronStep({ ...base, bin: '/e/electron' })).toEqual({ kind: 'run', bin: '/e/electron' });
    expect(electronStep(base)).toEqual({ kind: 'install' });
    // Linux without a display: no window could open, so no download either.
    expect(electronStep({ ...base, headless: true })).toEqual({
      kind: 'skip',
      why: "Electron's binary is not installed and there is no display",
    });
    expect(electronStep({ ...base, bin: '/e/electron', headless: true })).toEqual({
      kind: 'skip',
      why: 'Electron needs a display and there is none',
    });
    expect(electronStep({ ...base, version: null })).toMatchObject({
      kind: 'skip',
      why: expect.stringContaining('absent'),
    });
    expect(electronStep({ ...base, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } })).toMatchObject({ kind: 'skip' });

    // A remembered failure holds for a while, for this version only, and --retry-electron overrides it.
    const failure = { version: '45.5.0', error: 'getaddrinfo ENOTFOUND github.com', at: base.now - 2 * 3_600_000 };
    const held = electronStep({ ...base, failure });
    expect(held.kind).toBe('skip');
    if (held.kind === 'skip') {
      expect(held.why).toBe(
        "Electron's download failed 2.0 h ago (getaddrinfo ENOTFOUND github.com; `npm start -- --retry-electron` tries again)",
      );
      expect(held.why).not.toMatch(/not allowed/);
    }
    expect(electronStep({ ...base, failure, retry: true })).toEqual({ kind: 'install' });
    expect(electronStep({ ...base, failure: { ...failure, version: '46.0.0' } })).toEqual({ kind: 'install' });
    expect(electronStep({ ...base, failure: { ...failure, at: base.now - RETRY_AFTER_MS - 1 } })).toEqual({
      kind: 'install',
    });
  });

  it('picks Electron, then Chromium app mode, then a printed URL, and says why', () => {
    const noElectron = "Electron's download failed";
    expect(chooseLaunch({ electron: '/e/electron', noElectron: '', chromium: '/c', headless: false })).toMatchObject({
      kind: 'electron',
    });
    expect(chooseLaunch({ electron: null, noElectron, chromium: '/usr/bin/chromium', headless: false })).toEqual({
      kind: 'chromium',
      bin: '/usr/bin/chromium',
      why: "Electron's download failed, so the browser shell opens in Chromium's app mode",
    });
    expect(chooseLaunch({ electron: null, noElectron, chromium: null, headless: false }).why).toContain('no Chromium');
    expect(chooseLaunch({ electron: null, noElectron, chromium: '/usr/bin/chromium', headless: true })).toEqual({
      kind: 'url',
      why: "Electron's download failed, so open the URL yourself",
    });
    expect(isHeadless('linux', {})).toBe(true);
    expect(isHeadless('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(false);
    expect(isHeadless('darwin', {})).toBe(false);
  });
});

describe('what npm start builds', () => {
  /** A tiny project: two sources (one in a folder) and one output, with chosen modification times. */
  function project() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-stale-'));
    fs.mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<html>');
    fs.writeFileSync(path.join(root, 'src', 'deep', 'a.ts'), 'export {}');
    const build = { outputs: ['dist/index.html'], sources: ['index.html', 'src', 'not-there'] };
    const at = (rel: string, s: number) => fs.utimesSync(path.join(root, rel), s, s);
    const write = (rel: string, s: number) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), 'x');
      at(rel, s);
    };
    return { root, build, at, write };
  }

  it('rebuilds when an output is missing or a source is newer, and not when nothing changed', () => {
    const { root, build, at, write } = project();
    try {
      at('index.html', 1000);
      at('src/deep/a.ts', 1000);
      expect(staleReason(build, root)).toBe('dist/index.html is missing');
      write('dist/index.html', 2000);
      expect(staleReason(build, root)).toBeNull();
      at('src/deep/a.ts', 3000); // a source edited after the build, deep in a folder
      expect(staleReason(build, root)).toBe('src/deep/a.ts changed since the last build');
      write('dist/index.html', 4000);
      expect(staleReason(build, root)).toBeNull();
      // Tests, docs and dot-files never reach the build.
      write('src/deep/a.test.ts', 5000);
      write('src/CONTEXT.md', 5000);
      write('src/.swp', 5000);
      expect(staleReason(build, root)).toBeNull();
      at('index.html', 5000);
      expect(staleReason(build, root)).toBe('index.html changed since the last build');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('compares against the oldest of several outputs', () => {
    const { root, at, write } = project();
    try {
      const build = { outputs: ['out/a.js', 'out/b.js'], sources: ['src'] };
      at('src/deep/a.ts', 2000);
      write('out/a.js', 3000);
      write('out/b.js', 1000); // left over from an older build
      expect(staleReason(build, root)).toBe('src/deep/a.ts changed since the last build');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('electron bundles', () => {
  it('main, preload and engine bundle; the sandboxed preload requires nothing but electron', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-bundle-'));
    try {
      const [main, engine, preload] = await bundleElectron(out);
      const requires = (f: string) => [
        ...new Set([...fs.readFileSync(f, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])),
      ];
      expect(requires(preload)).toEqual(['electron']);
      expect(requires(main).every((r) => r === 'electron' || r.startsWith('node:'))).toBe(true);
      // The engine (ESM) may require Node built-ins (pulled in by bundled CommonJS deps such as pngjs) and tfjs.
      expect(
        requires(engine).filter(
          (r) => !r.startsWith('node:') && !builtinModules.includes(r) && !r.startsWith('@tensorflow/'),
        ),
      ).toEqual([]);
      expect(fs.readFileSync(preload, 'utf8')).toContain('exposeInMainWorld');
      // The bundled engine reads the PyTorch export's files and runs the torch runner from python/ beside it.
      const runner = fs.readdirSync(path.join(REPO, 'engine/runtime/torch')).filter((f) => f.endsWith('.py'));
      expect(runner).toContain('runner_loop.py');
      for (const f of ['netloom_layers.py', 'train.py', ...runner]) {
        expect(fs.existsSync(path.join(out, 'python', f)), f).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
