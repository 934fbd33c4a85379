// The window factory and session hardening main uses, driven with fakes that record what Electron would get.
import { describe, expect, it } from 'vitest';
import { createProjectWindow, hardenSession, lockDownContents } from './window';
import type { BrowserWindowCtor } from './window';

class FakeContents {
  handlers = new Map<string, (...a: unknown[]) => void>();
  openHandler: ((d: { url: string }) => unknown) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => unknown) {
    this.openHandler = h;
  }
  on(ev: string, cb: (...a: unknown[]) => void) {
    this.handlers.set(ev, cb);
    return this;
  }
  /** Fire a will-* event; returns whether it was prevented. */
  fire(ev: string, url: string) {
    let prevented = false;
    this.handlers.get(ev)!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

class FakeWindow {
  static last: FakeWindow;
  webContents = new FakeContents();
  loaded = '';
  constructor(public opts: Record<string, unknown>) {
    FakeWindow.last = this;
  }
  loadURL(u: string) {
    this.loaded = u;
    return Promise.resolve();
  }
  once() {}
  maximize() {}
}

describe('project windows', () => {
  it('are created with the secure preferences and load the app protocol', () => {
    createProjectWindow(FakeWindow as unknown as BrowserWindowCtor, '/out/preload.cjs', {
      width: 1200,
      height: 800,
      maximized: false,
    });
    const w = FakeWindow.last;
    expect(w.opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: '/out/preload.cjs',
    });
    expect(w.opts.show).toBe(false);
    expect(w.loaded).toBe('netloom://app/index.html');
    expect(w.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(w.webContents.fire('will-navigate', 'https://example.com')).toBe(true);
    expect(w.webContents.fire('will-navigate', 'netloom://app/index.html')).toBe(false);
    expect(w.webContents.fire('will-redirect', 'file:///etc/passwd')).toBe(true);
  });

  it('any web contents is locked down (webviews refused)', () => {
    const wc = new FakeContents();
    lockDownContents(wc as never);
    expect(wc.fire('will-attach-webview', 'x')).toBe(true);
  });

  it('the session denies permission requests and checks', () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, p: string) => boolean) | undefined;
    hardenSession({
      setPermissionRequestHandler: (h: never) => (request = h),
      setPermissionCheckHandler: (h: never) => (check = h),
    } as never);
    const answers: boolean[] = [];
    request!(null, 'media', (ok) => answers.push(ok));
    request!(null, 'notifications', (ok) => answers.push(ok));
    expect(answers).toEqual([false, false]);
    expect(check!(null, 'geolocation')).toBe(false);
  });
});
