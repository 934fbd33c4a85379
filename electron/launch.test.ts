import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleElectron } from './bundle';
import { chooseLaunch, electronBinary } from './launch';

describe('npm start launcher', () => {
  it('finds no Electron binary here without trying to download one', () => {
    // node_modules/electron has no dist/ in this environment; requiring it would start a download.
    if (!fs.existsSync(path.join('node_modules', 'electron', 'dist'))) expect(electronBinary()).toBeNull();
  });

  it('picks Electron, then Chromium app mode, then a printed URL, and says why', () => {
    const env = { DISPLAY: ':0' };
    expect(
      chooseLaunch({ electron: '/e/electron', chromium: '/usr/bin/chromium', platform: 'linux', env }),
    ).toMatchObject({ kind: 'electron' });
    const c = chooseLaunch({ electron: null, chromium: '/usr/bin/chromium', platform: 'linux', env });
    expect(c).toMatchObject({ kind: 'chromium', bin: '/usr/bin/chromium' });
    expect(c.why).toContain('not installed');
    expect(chooseLaunch({ electron: null, chromium: null, platform: 'linux', env }).why).toContain('no Chromium');
    expect(chooseLaunch({ electron: null, chromium: '/usr/bin/chromium', platform: 'linux', env: {} })).toMatchObject({
      kind: 'url',
      why: expect.stringContaining('no display'),
    });
    expect(chooseLaunch({ electron: null, chromium: '/c', platform: 'darwin', env: {} }).kind).toBe('chromium');
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
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
