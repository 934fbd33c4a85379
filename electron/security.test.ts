import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY,
  contentSecurityPolicy,
  isAllowedNavigation,
  permissionDecision,
  validateIpc,
  windowOpenDecision,
  windowWebPreferences,
} from './security';
import { IPC } from './ipc-contract';
import { resolveAppRequest } from './app-protocol';

describe('electron security configuration', () => {
  it('every window is isolated, sandboxed and has no Node', () => {
    const p = windowWebPreferences('/app/out/electron/preload.cjs');
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(p.preload).toBe('/app/out/electron/preload.cjs');
  });

  it('has a strict CSP: own scripts only, no eval, no inline scripts, no plugins, no framing', () => {
    const csp = contentSecurityPolicy();
    const dir = (name: string) => csp.split('; ').find((d) => d.startsWith(name + ' '));
    expect(dir('default-src')).toBe("default-src 'self'");
    expect(dir('script-src')).toBe("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(dir('script-src')).not.toContain('unsafe-inline');
    expect(dir('object-src')).toBe("object-src 'none'");
    expect(dir('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(dir('connect-src')).toBe("connect-src 'self' ws://127.0.0.1:* ws://localhost:*");
  });

  it('serves the app from netloom://app, not file://, and never navigates away', () => {
    expect(APP_ENTRY).toBe('netloom://app/index.html');
    expect(isAllowedNavigation('netloom://app/index.html#/x')).toBe(true);
    for (const url of [
      'https://example.com',
      'file:///etc/passwd',
      'netloom://other/index.html',
      'http://127.0.0.1:5173/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url)).toBe(false);
    }
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('denies every permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fileSystem'])
      expect(permissionDecision(p)).toBe(false);
  });

  it('checks IPC sender origin, channel and payload', () => {
    const app = 'netloom://app/index.html';
    expect(validateIpc(IPC.saveFile, app, { data: '{}', suggestedName: 'a.netloom.json' }).ok).toBe(true);
    expect(validateIpc(IPC.saveFile, app, { data: new Uint8Array([1]) }).ok).toBe(true);
    expect(validateIpc(IPC.openFile, app, undefined).ok).toBe(true);
    const fromWeb = validateIpc(IPC.saveFile, 'https://evil.example/', { data: '{}' });
    expect(fromWeb).toMatchObject({ ok: false, reason: expect.stringContaining('not the app') });
    expect(validateIpc(IPC.saveFile, 'file:///x.html', { data: '{}' }).ok).toBe(false);
    expect(validateIpc(IPC.saveFile, null, { data: '{}' }).ok).toBe(false);
    expect(validateIpc(IPC.saveFile, app, { data: 42 }).ok).toBe(false);
    expect(validateIpc(IPC.saveFile, app, { data: '{}', suggestedName: '../../.bashrc' }).ok).toBe(false);
    // An export names plain files only: the folder is the one the user picks in main's dialog.
    expect(validateIpc(IPC.saveFiles, app, { files: [{ name: 'model.onnx', data: new Uint8Array([1]) }] }).ok).toBe(
      true,
    );
    for (const name of ['../.bashrc', '/etc/passwd', 'a\\b', '..', ''])
      expect(validateIpc(IPC.saveFiles, app, { files: [{ name, data: 'x' }] }).ok).toBe(false);
    expect(validateIpc('netloom:run-shell', app, {}).ok).toBe(false);
    expect(validateIpc(IPC.menu, app, 'save').ok).toBe(false); // main → renderer only
    expect(validateIpc(IPC.setDocumentState, app, { title: 't', dirty: 'yes' }).ok).toBe(false);
    // The data picker takes a kind, never a path from the page.
    expect(validateIpc(IPC.pickDataSource, app, 'csv').ok).toBe(true);
    expect(validateIpc(IPC.pickDataSource, app, '/etc/passwd').ok).toBe(false);
  });

  it('the app protocol resolves files inside the renderer build only, with the CSP header', () => {
    const files = new Set(['/r/index.html', '/r/assets/a.js']);
    const exists = (f: string) => files.has(f);
    expect(resolveAppRequest('netloom://app/assets/a.js', '/r', exists)).toEqual({
      file: '/r/assets/a.js',
      headers: expect.objectContaining({
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Security-Policy': contentSecurityPolicy(),
      }),
    });
    expect(resolveAppRequest('netloom://app/', '/r', exists)?.file).toBe('/r/index.html');
    expect(resolveAppRequest('netloom://app/some/route', '/r', exists)?.file).toBe('/r/index.html');
    expect(resolveAppRequest('netloom://app/assets/missing.js', '/r', exists)).toBeNull();
    expect(resolveAppRequest('netloom://app/%2e%2e/%2e%2e/etc/passwd.txt', '/r', () => true)?.file).toBe(
      '/r/etc/passwd.txt',
    );
    expect(resolveAppRequest('netloom://evil/index.html', '/r', exists)).toBeNull();
  });
});
