// netloom://app/ against symlinks out of the renderer's folder, on a real temporary tree: the app protocol
// must refuse what the browser shell refuses (engine/host/static.ts's realInside is the one check).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAppRequest } from './app-protocol';

describe('netloom://app and symlinks', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-app-'));
  const root = path.join(base, 'dist');
  const outside = path.join(base, 'home');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'assets', 'a.js'), '1');
  fs.writeFileSync(path.join(outside, 'id_rsa'), 'SECRET');
  fs.symlinkSync(path.join(outside, 'id_rsa'), path.join(root, 'assets', 'key.txt'));
  fs.symlinkSync(outside, path.join(root, 'home'));
  fs.symlinkSync(path.join(root, 'assets', 'a.js'), path.join(root, 'b.js'));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
  const get = (p: string) => resolveAppRequest(`netloom://app${p}`, root, fs.existsSync)?.file ?? null;

  it('refuses a file or folder that links outside the root', () => {
    expect(get('/assets/key.txt')).toBeNull();
    expect(get('/home/id_rsa')).toBeNull();
  });

  it('still serves real files and links that stay inside', () => {
    const real = fs.realpathSync(root);
    expect(get('/assets/a.js')).toBe(path.join(real, 'assets', 'a.js'));
    expect(get('/b.js')).toBe(path.join(real, 'assets', 'a.js'));
    expect(get('/some/route')).toBe(path.join(real, 'index.html'));
  });
});
