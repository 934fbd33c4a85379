// Creating and locking down windows. The BrowserWindow class is passed in so tests can hand a fake one
// and assert the real options and handlers main uses, without launching Electron.
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import type { WindowBounds } from './app-state';
import {
  APP_ENTRY,
  isAllowedNavigation,
  permissionDecision,
  windowOpenDecision,
  windowWebPreferences,
} from './security';

export type BrowserWindowCtor = new (opts: BrowserWindowConstructorOptions) => BrowserWindow;

export function projectWindowOptions(preloadPath: string, bounds: WindowBounds): BrowserWindowConstructorOptions {
  return {
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: 800,
    minHeight: 500,
    show: false, // shown on ready-to-show: no white flash
    title: 'Netloom',
    backgroundColor: '#1b1f24',
    webPreferences: windowWebPreferences(preloadPath),
  };
}

/** Every webContents (windows, devtools, anything) gets these limits; main calls it from 'web-contents-created'. */
export function lockDownContents(wc: Pick<WebContents, 'setWindowOpenHandler' | 'on'>): void {
  wc.setWindowOpenHandler(() => windowOpenDecision());
  const refuse = (e: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url)) e.preventDefault();
  };
  wc.on('will-navigate', (e, url) => refuse(e, url));
  wc.on('will-redirect', (e, url) => refuse(e, url));
  wc.on('will-attach-webview', (e) => e.preventDefault());
}

/** Session-wide: deny every permission request and check (camera, notifications, …). */
export function hardenSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  session.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
}

export function createProjectWindow(BW: BrowserWindowCtor, preloadPath: string, bounds: WindowBounds): BrowserWindow {
  const win = new BW(projectWindowOptions(preloadPath, bounds));
  lockDownContents(win.webContents);
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY);
  return win;
}
