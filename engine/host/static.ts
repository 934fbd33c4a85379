// Static files of the built renderer for the browser shell: correct MIME types, a strict CSP on every
// response, index.html for client-side routes, and no way out of the root directory (by `..`, encodings or
// symlinks).
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The browser shell's Content-Security-Policy. Scripts only from this origin (no inline, no eval: the
 * renderer runs no tfjs, so not even 'wasm-unsafe-eval'); the socket only to this server.
 * Inline *styles* are allowed because React Flow positions nodes with style attributes.
 */
export function browserCsp(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every http response. `no-referrer` matters: the page URL carries the engine token. */
export function securityHeaders(origin: string): Record<string, string> {
  return {
    'Content-Security-Policy': browserCsp(origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Map a URL path to a file under `root`, or null when it would escape it. Exported for tests. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  const rel = path.relative(root, full);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : full;
}

/**
 * The real path of `file` (symlinks resolved) when it lies inside the real `root`; null when it does not
 * (a symlink out of the served tree) or cannot be resolved; `file` itself when it does not exist (the
 * caller finds it missing). Exported for tests and Electron's app protocol.
 */
export function realInside(root: string, file: string): string | null {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? file : null;
  }
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    realRoot = path.resolve(root);
  }
  const rel = path.relative(realRoot, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)) ? real : null;
}

/** Serve `req` from `root`. Returns false when the file is not there (the caller answers). */
export function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  let file = resolveInside(root, url.pathname);
  if (!file) return (send(res, 400, 'bad path', headers), true);
  let stat = statFile(file, root);
  // Client-side routes (no extension) get the app; a missing asset stays a 404.
  if (!stat && path.extname(file) === '') {
    file = path.join(root, 'index.html');
    stat = statFile(file, root);
  }
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = statFile(file, root);
  }
  // Read the resolved path, not the link: what was checked is what is read.
  const real = stat && realInside(root, file);
  if (!stat || !real) return false;
  const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': String(stat.size),
    // Vite's hashed assets never change; the html must always be fresh.
    'Cache-Control': url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(real).pipe(res);
  return true;
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
  type = 'text/plain; charset=utf-8',
) {
  res.writeHead(status, {
    ...headers,
    'Content-Type': type,
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-cache',
  });
  res.end(body);
}

/** Stats a file under `root`; a file whose real path leaves the root counts as missing. */
function statFile(file: string, root: string): fs.Stats | null {
  const real = realInside(root, file);
  if (!real) return null;
  try {
    return fs.statSync(real);
  } catch {
    return null;
  }
}
