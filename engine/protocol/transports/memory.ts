// In-memory transport pair for tests and same-process use. Frames pass by reference (typed arrays are
// not copied) but delivery is asynchronous, like every real transport, so tests see real orderings.
import { Listeners } from '../transport';
import type { Transport } from '../transport';
import type { Frame } from '../frame';

export interface MemoryEnd extends Transport {
  /** Deliver any value to the other side, bypassing types (tests inject malformed messages with it). */
  sendRaw(msg: unknown): void;
  close(): void;
}

/** Two connected ends: what one sends, the other receives. Closing either closes both. */
export function memoryPair(): [MemoryEnd, MemoryEnd] {
  const msgs = [new Listeners<[unknown]>(), new Listeners<[unknown]>()];
  const closes = [new Listeners<[string | undefined]>(), new Listeners<[string | undefined]>()];
  let closed = false;
  const end = (me: 0 | 1): MemoryEnd => {
    const other = me === 0 ? 1 : 0;
    const sendRaw = (msg: unknown) => {
      if (!closed) queueMicrotask(() => !closed && msgs[other].emit(msg));
    };
    return {
      send: (msg: Frame) => sendRaw(msg),
      sendRaw,
      onMessage: (cb) => msgs[me].add(cb),
      onClose: (cb) => closes[me].add(cb),
      close() {
        if (closed) return;
        closed = true;
        queueMicrotask(() => {
          closes[0].emit('closed');
          closes[1].emit('closed');
        });
      },
    };
  };
  return [end(0), end(1)];
}
