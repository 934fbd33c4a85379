// Test helpers for `netloom serve` at the socket level: a protocol client over a real WebSocket, and a raw TCP
// socket that speaks the handshake itself so a test can send frames no WebSocket library would produce.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createClient, websocketTransport } from '../protocol';
import type { Client, WebSocketLike, WebSocketTransportOptions } from '../protocol';
import { until } from '../protocol/testing/until';

/** What the helpers need to know about a server (a `RunningServer`, or a `netloom serve` process). */
export interface ServerAddress {
  port: number;
  token: string;
  origin: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FAKE_API = path.join(HERE, 'testing', 'training-api.ts');
const BIN = path.resolve(HERE, '../../bin/netloom.mjs');

export interface ServeProcess extends ServerAddress {
  proc: ChildProcess;
  /** Everything it printed on stderr. */
  stderr(): string;
  /** SIGTERM and wait; resolves with the exit code (0 = clean shutdown). */
  stop(): Promise<number | null>;
}

/**
 * `netloom serve` as its own process (the fake training api unless `realEngine`, a fresh strong token), the way
 * a user runs it: whatever kills the server kills this process, which a test then sees.
 */
export function spawnServe(args: string[] = [], opts: { realEngine?: boolean } = {}): Promise<ServeProcess> {
  const token = crypto.randomBytes(32).toString('base64url');
  const api = opts.realEngine ? [] : ['--engine-api', FAKE_API];
  const proc = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--engine-only', ...api, '--token', token, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`netloom serve exited (${c}) before printing a URL:\n${out}${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (ws:\/\/\S+)/.exec(out);
      if (!m) return;
      const url = new URL(m[1]);
      resolve({
        port: Number(url.port),
        token,
        // --engine-only serves no page; the server accepts clients that send no Origin (not browsers).
        origin: '',
        proc,
        stderr: () => err,
        stop: () =>
          new Promise((r) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return r(proc.exitCode);
            proc.once('exit', (c) => r(c));
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

/** A protocol client on `/engine` with the server's token, from the served origin. */
export async function connectClient(s: ServerAddress, transfer?: WebSocketTransportOptions): Promise<Client> {
  return (await connectSocket(s, transfer)).client;
}

/** connectClient, keeping its `ws` socket and transport (to watch the messages on the wire). */
export async function connectSocket(s: ServerAddress, transfer?: WebSocketTransportOptions) {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/engine?token=${s.token}`, s.origin ? { origin: s.origin } : {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const transport = websocketTransport(ws as unknown as WebSocketLike, transfer);
  return { ws, transport, client: createClient(transport) };
}

/** One WebSocket frame as bytes. Clients must mask (`mask` defaults to true); `len` may lie about the size. */
export function wsFrame(
  opcode: number,
  payload: Uint8Array = new Uint8Array(0),
  o: { fin?: boolean; rsv1?: boolean; mask?: boolean; len?: number } = {},
): Buffer {
  const { fin = true, rsv1 = false, mask = true } = o;
  const len = o.len ?? payload.length;
  const b0 = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const m = mask ? 0x80 : 0;
  let head: Buffer;
  if (len < 126) head = Buffer.from([b0, m | len]);
  else if (len < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt16BE(len, 2);
    head[0] = b0;
    head[1] = m | 126;
  } else {
    head = Buffer.alloc(10);
    head.writeBigUInt64BE(BigInt(len), 2);
    head[0] = b0;
    head[1] = m | 127;
  }
  if (!mask) return Buffer.concat([head, payload]);
  const key = crypto.randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([head, key, body]);
}

export interface RawSocket {
  socket: net.Socket;
  /** Everything the server sent after the 101 handshake. */
  received(): Buffer;
  closed(): boolean;
  /** The status code of the server's close frame, once it sent one. */
  closeCode(): number | null;
  /** The reason in the server's close frame ('' when none). */
  closeReason(): string;
  /** The JSON text frames the server sent so far. */
  texts(): unknown[];
}

/** A TCP socket that completed the WebSocket handshake with the real token (and `host` as its Host header). */
export async function rawSocket(s: ServerAddress, opts: { host?: string } = {}): Promise<RawSocket> {
  const socket = net.connect(s.port, '127.0.0.1');
  let data = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (d) => (data = Buffer.concat([data, d])));
  socket.on('error', () => {}); // the server may reset a misbehaving client; the test looks at `closed`
  socket.on('close', () => (closed = true));
  await new Promise((r) => socket.once('connect', r));
  socket.write(
    `GET /engine?token=${s.token} HTTP/1.1\r\nHost: ${opts.host ?? `127.0.0.1:${s.port}`}\r\n${s.origin ? `Origin: ${s.origin}\r\n` : ''}` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n` +
      `Sec-WebSocket-Version: 13\r\n\r\n`,
  );
  await until(() => data.includes('\r\n\r\n') || closed, { ms: 30_000, what: 'the handshake' });
  const head = data.subarray(0, data.indexOf('\r\n\r\n')).toString();
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`handshake refused: ${head.split('\r\n')[0]}`);
  const start = data.indexOf('\r\n\r\n') + 4;
  const received = () => data.subarray(start);
  /** Walks the server's (unmasked) frames. */
  const frames = () => {
    const out: { op: number; body: Buffer }[] = [];
    const b = received();
    let i = 0;
    while (i + 2 <= b.length) {
      let len = b[i + 1] & 0x7f;
      let at = i + 2;
      if (len === 126) {
        if (at + 2 > b.length) break;
        len = b.readUInt16BE(at);
        at += 2;
      } else if (len === 127) {
        if (at + 8 > b.length) break;
        len = Number(b.readBigUInt64BE(at));
        at += 8;
      }
      if (at + len > b.length) break;
      out.push({ op: b[i] & 0x0f, body: b.subarray(at, at + len) });
      i = at + len;
    }
    return out;
  };
  return {
    socket,
    received,
    closed: () => closed,
    closeCode: () => {
      const c = frames().find((f) => f.op === 8);
      return c && c.body.length >= 2 ? c.body.readUInt16BE(0) : null;
    },
    closeReason: () =>
      frames()
        .find((f) => f.op === 8)
        ?.body.subarray(2)
        .toString() ?? '',
    texts: () =>
      frames()
        .filter((f) => f.op === 1)
        .map((f) => JSON.parse(f.body.toString())),
  };
}
