// The browser shell's server (`netloom serve`): static renderer + the WebSocket endpoint `/engine`,
// relaying every connection to the engine child process. Safe by default: binds 127.0.0.1, a random
// token guards the socket (401 without it), foreign Origins are refused (403), and so are foreign
// Host headers on loopback (DNS rebinding).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { websocketTransport } from '../protocol';
import type { WebSocketLike, WebSocketTransportOptions } from '../protocol';
import { EngineProcess } from './engine-process';
import type { EngineProcessOptions } from './engine-process';
import { securityHeaders, send, serveStatic } from './static';
import { STATUS_HTML, STATUS_JS } from './status-page';

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Fixed token (tests, scripts); default: 32 random bytes. */
  token?: string;
  /** Serve only `/engine` (a desktop app driving this machine's engine). */
  engineOnly?: boolean;
  /** Origins allowed to open `/engine` besides the served one (e.g. `netloom://app`). */
  allowOrigins?: string[];
  /** The built renderer; default `renderer/dist` in this checkout. */
  rendererDir?: string;
  engine?: EngineProcessOptions;
  /** Where to write one-line notices (crash, restart). */
  log?: (line: string) => void;
  /** Chunking of large messages (tests use small chunks); default CHUNK_BYTES and MAX_MESSAGE_BYTES. */
  transfer?: WebSocketTransportOptions;
  /** The per-frame limit; default MAX_FRAME_BYTES (tests lower it with their chunks). */
  maxFrameBytes?: number;
}

export interface RunningServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  engine: EngineProcess;
  close(): Promise<void>;
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/**
 * The largest WebSocket frame a client may send: 32 MiB, one chunk (CHUNK_BYTES, 16 MiB) plus its header
 * with room to spare. ws refuses a longer one from its header (close 1009) before buffering it. Messages
 * larger than a chunk travel in chunks (engine/protocol/chunks.ts) in both directions, and a connection
 * puts back together at most one message at a time, of at most MAX_MESSAGE_BYTES (2 GiB: a VGG-11 project
 * with optimizer state is ~1.1 GB); a broken chunk sequence closes only that connection (4008/4009).
 * Relaying a message to the engine process costs one more copy while Node's IPC serializes it: at its peak
 * the server holds a large message ~2.2 times (websocket-big.test.ts).
 */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;
export { MAX_MESSAGE_BYTES } from '../protocol';

/** Constant-time token comparison, so response timing does not leak the token byte by byte. */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Why a user-given token is too weak, or null. It must carry at least 128 bits: 32 hex digits, or 22
 * characters of base64url (letters, digits, '-', '_': the characters a URL carries unescaped), with at
 * least 8 different characters (`aaaa…` is long, not strong). The default token is 256 random bits.
 */
export function tokenProblem(token: string): string | null {
  const need = 'the token needs at least 128 bits: 32 hex digits or 22 base64url characters (letters, digits, - and _)';
  if (!/^[A-Za-z0-9_-]*$/.test(token)) return `${need}; it may use only those characters`;
  const bits = token.length * (/^[0-9a-fA-F]*$/.test(token) ? 4 : 6);
  if (bits < 128) return `${need}; this one has ${token.length} characters (${bits} bits)`;
  if (new Set(token).size < 8) return `${need}; this one repeats too few different characters`;
  return null;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const problem = opts.token === undefined ? null : tokenProblem(opts.token);
  if (problem) throw new Error(`netloom serve: ${problem}`);
  const token = opts.token ?? crypto.randomBytes(32).toString('base64url');
  const rendererDir = opts.rendererDir ?? path.join(REPO, 'renderer', 'dist');
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const engine = new EngineProcess({
    ...opts.engine,
    onCrash: (info) => {
      log(`netloom serve: the engine process died (${info.signal ?? `exit ${info.exitCode}`}); restarting it.`);
      opts.engine?.onCrash?.(info);
    },
  });
  await engine.start();

  let origin = '';
  let headers: Record<string, string> = {};
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', headers);
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/__netloom/token-check') {
      return send(res, tokenMatches(url.searchParams.get('token'), token) ? 204 : 401, '', headers);
    }
    if (opts.engineOnly) return send(res, 404, 'this server runs with --engine-only: only /engine is served', headers);
    if (url.pathname === '/__netloom/status.js')
      return send(res, 200, STATUS_JS, headers, 'text/javascript; charset=utf-8');
    const hasApp = fs.existsSync(path.join(rendererDir, 'index.html'));
    if (hasApp && serveStatic(rendererDir, req, res, headers)) return;
    if (!hasApp && (url.pathname === '/' || url.pathname === '/index.html'))
      return send(res, 200, STATUS_HTML, headers, 'text/html; charset=utf-8');
    send(res, 404, 'not found', headers);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes ?? MAX_FRAME_BYTES });
  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
    );
  };
  server.on('upgrade', (req, socket, head) => {
    // A client that resets mid-handshake must not take the server down with an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/engine') return refuse(socket, 404, 'Not Found');
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuse(socket, 401, 'Unauthorized');
    const reqOrigin = req.headers.origin;
    // Browsers always send Origin; a page from elsewhere must not drive the engine even with a leaked token.
    if (reqOrigin !== undefined && !allowedOrigins().includes(reqOrigin)) return refuse(socket, 403, 'Forbidden');
    if (LOOPBACK.has(host) && !allowedHosts().includes(req.headers.host ?? '')) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A malformed frame (bad UTF-8, no mask, reserved opcode or RSV bit, bad close code, fragmented control
      // frame, oversize header) is an 'error' on this socket; ws has already sent the close code and closes it.
      // Unhandled, it would kill the server, the engine and every run: the broken client loses only itself.
      ws.on('error', () => ws.terminate());
      const transport = websocketTransport(ws as unknown as WebSocketLike, opts.transfer);
      const conn = engine.connect();
      transport.onMessage((m) => conn.send(m));
      conn.onMessage((f) => transport.send(f));
      transport.onClose?.(() => conn.close());
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve((server.address() as AddressInfo).port));
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;
  headers = securityHeaders(origin);
  const allowedOrigins = () => {
    const served = opts.engineOnly
      ? []
      : host === '127.0.0.1' || host === 'localhost'
        ? [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
        : [origin];
    return [...served, ...(opts.allowOrigins ?? [])];
  };
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];

  return {
    url: opts.engineOnly ? `${origin.replace(/^http/, 'ws')}/engine?token=${token}` : `${origin}/?token=${token}`,
    origin,
    port,
    token,
    engine,
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
      await engine.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
