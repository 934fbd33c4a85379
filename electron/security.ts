// Every security decision of the desktop shell, as pure functions and plain objects, so tests can assert
// them without launching Electron and main.ts uses exactly these (it imports nothing else for them).
// Only `import type` from electron here: this file must load under plain Node.
import type { WebPreferences } from 'electron';
import { IPC_PAYLOADS } from './ipc-contract';
import type { IpcChannel, IpcPayload } from './ipc-contract';

/** The app is served from a custom scheme, never file:// (file:// pages can read any local file). */
export const APP_SCHEME = 'netloom';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** Privileges for `protocol.registerSchemesAsPrivileged` (standard + secure: a real origin for CSP and storage). */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: false,
  stream: true,
} as const;

/** webPreferences of every window: isolated, sandboxed, no Node in the page. */
export function windowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/**
 * The renderer's Content-Security-Policy (sent as a header by the app protocol). The renderer runs no
 * tfjs, so no 'wasm-unsafe-eval'; the engine is reached over a MessagePort, so connect-src needs no
 * network, except a loopback engine (`netloom serve --engine-only`) when the user points the app at one.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'", // React Flow positions nodes with style attributes
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
  ].join('; ');
}

/** True only for pages of the app itself. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * `will-navigate` / `will-redirect`: a window never leaves the app. The app is a single page; any
 * navigation away (a link, a dropped file, a compromised script) is refused.
 */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** `setWindowOpenHandler`: no new windows from the page, ever. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** Permission requests (camera, notifications, geolocation…) and checks: the app needs none. */
export function permissionDecision(_permission: string): boolean {
  return false;
}

export type IpcCheck<C extends IpcChannel> =
  { ok: true; channel: C; payload: IpcPayload<C> } | { ok: false; reason: string };

/**
 * Check an IPC message before main acts on it: a known channel, sent by a frame of the app
 * (not an injected iframe or a navigated-away page), with a payload of the right shape.
 */
export function validateIpc<C extends IpcChannel>(
  channel: C,
  senderUrl: string | undefined | null,
  payload: unknown,
): IpcCheck<C>;
export function validateIpc(
  channel: string,
  senderUrl: string | undefined | null,
  payload: unknown,
): IpcCheck<IpcChannel>;
export function validateIpc(
  channel: string,
  senderUrl: string | undefined | null,
  payload: unknown,
): IpcCheck<IpcChannel> {
  if (!Object.prototype.hasOwnProperty.call(IPC_PAYLOADS, channel))
    return { ok: false, reason: `unknown channel ${channel}` };
  if (!isAppUrl(senderUrl)) return { ok: false, reason: `sender ${senderUrl ?? '(none)'} is not the app` };
  const r = IPC_PAYLOADS[channel as IpcChannel].safeParse(payload);
  if (!r.success)
    return {
      ok: false,
      reason: r.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; '),
    };
  return { ok: true, channel: channel as IpcChannel, payload: r.data as IpcPayload<IpcChannel> };
}

/** Headers on every app-protocol response. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
