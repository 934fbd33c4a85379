// MessagePort transport: frames travel by structured clone, so typed arrays arrive as typed arrays.
// Typed structurally to cover both Electron's MessagePortMain (`on('message', e)`) and the DOM MessagePort
// (`addEventListener('message', e)`) without importing electron or DOM-only types into engine/protocol.
import { Listeners } from '../transport';
import type { Transport } from '../transport';

interface PortEvent {
  data: unknown;
}
export interface NodeStylePort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: PortEvent) => void): unknown;
  on(event: 'close', cb: () => void): unknown;
  start?(): void;
  close?(): void;
}
export interface DomStylePort {
  postMessage(msg: unknown): void;
  addEventListener(event: 'message', cb: (e: PortEvent) => void): void;
  addEventListener(event: 'close', cb: () => void): void;
  start?(): void;
  close?(): void;
}
export type PortLike = NodeStylePort | DomStylePort;

/** Wrap a message port (either style). Starts the port, since both kinds queue until started. */
export function messagePortTransport(port: PortLike): Transport {
  const messages = new Listeners<[unknown]>();
  const closes = new Listeners<[string | undefined]>();
  let closed = false;
  const onClose = () => {
    if (closed) return;
    closed = true;
    closes.emit('port closed');
  };
  // Prefer the DOM style: Node's own MessagePort has both, and its `on('message')` passes the bare value.
  if ('addEventListener' in port) {
    port.addEventListener('message', (e) => messages.emit(e.data));
    port.addEventListener('close', onClose); // fired by recent Chromium/Node when the other side goes away
  } else {
    port.on('message', (e) => messages.emit(e.data));
    port.on('close', onClose);
  }
  port.start?.();
  return {
    send(frame) {
      if (closed) return;
      try {
        port.postMessage(frame);
      } catch {
        onClose(); // a detached port throws; treat it as closed rather than crash the caller
      }
    },
    onMessage: (cb) => messages.add(cb),
    onClose: (cb) => closes.add(cb),
    close() {
      port.close?.();
      onClose();
    },
  };
}
