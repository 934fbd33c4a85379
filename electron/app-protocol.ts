// The `netloom://app/` protocol: serves the built renderer from disk with the app's CSP, never a file
// outside it (no `..`, no encodings, no symlinks out). Resolution here (tested); main.ts registers it with
// `protocol.handle`.
import path from 'node:path';
import { MIME, realInside, resolveInside } from '../engine/host/static';
import { APP_SCHEME, APP_HOST, appResponseHeaders } from './security';

export interface AppFile {
  file: string;
  headers: Record<string, string>;
}

/** `netloom://app/assets/x.js` → the file under `root` (index.html for routes), or null (404). */
export function resolveAppRequest(url: string, root: string, exists: (file: string) => boolean): AppFile | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let file = resolveInside(root, u.pathname === '/' ? '/index.html' : u.pathname);
  if (!file) return null;
  if (!exists(file)) {
    // Client-side routes get the app; missing assets stay missing.
    if (path.extname(file) !== '') return null;
    file = path.join(root, 'index.html');
    if (!exists(file)) return null;
  }
  // A symlink whose target lies outside the root (by its real path) is refused like a missing file.
  const real = realInside(root, file);
  if (!real) return null;
  return {
    file: real,
    headers: appResponseHeaders(MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream'),
  };
}
