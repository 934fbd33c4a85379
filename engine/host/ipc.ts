// The messages between `netloom serve` (parent) and its engine child process. Many client connections share
// one IPC channel, so every frame carries its connection id. The channel uses Node's 'advanced'
// serialization (structured clone), so typed arrays cross as binary, never as JSON arrays.
import { Listeners } from '../protocol';
import type { Frame, Transport } from '../protocol';
import type { EngineHost } from './engine-host';

export type ToChild =
  | { k: 'open'; conn: number }
  | { k: 'msg'; conn: number; data: unknown }
  | { k: 'close'; conn: number }
  | { k: 'shutdown' };

export type ToParent = { k: 'ready'; pid: number } | { k: 'msg'; conn: number; data: unknown };

/** The structural part of `process` (child side) / `ChildProcess` (parent side) used here. */
export interface IpcChannel {
  send?(msg: unknown): unknown;
  on(event: 'message', cb: (msg: unknown) => void): unknown;
}

/** Child side: one virtual transport per parent connection, all served by `host`. */
export function serveOverIpc(host: EngineHost, channel: IpcChannel, onShutdown: () => void): void {
  const conns = new Map<
    number,
    { transport: Transport; messages: Listeners<[unknown]>; closes: Listeners<[string | undefined]>; drop: () => void }
  >();
  const post = (m: ToParent) => channel.send?.(m);
  channel.on('message', (raw) => {
    const m = raw as ToChild;
    if (m.k === 'open' && !conns.has(m.conn)) {
      const messages = new Listeners<[unknown]>();
      const closes = new Listeners<[string | undefined]>();
      const transport: Transport = {
        send: (frame: Frame) => post({ k: 'msg', conn: m.conn, data: frame }),
        onMessage: (cb) => messages.add(cb),
        onClose: (cb) => closes.add(cb),
      };
      conns.set(m.conn, { transport, messages, closes, drop: host.connect(transport) });
    } else if (m.k === 'msg') {
      conns.get(m.conn)?.messages.emit(m.data);
    } else if (m.k === 'close') {
      const c = conns.get(m.conn);
      conns.delete(m.conn);
      c?.closes.emit('client closed');
      c?.drop();
    } else if (m.k === 'shutdown') {
      onShutdown();
    }
  });
  post({ k: 'ready', pid: process.pid });
}
