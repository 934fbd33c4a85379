// The one transport interface every shell implements. Transports move messages; they do not validate
// them: `serve` and `createClient` parse every incoming message, so a transport hands over `unknown`.
import type { Frame } from './frame';

export interface Transport {
  /** Send one frame. Must not throw when the other side is gone (drop it; `onClose` tells the story). */
  send(msg: Frame): void;
  /** Subscribe to incoming messages (untrusted; possibly not a frame at all). Returns an unsubscribe. */
  onMessage(cb: (msg: unknown) => void): () => void;
  /** Subscribe to the end of the connection, when the transport can tell. */
  onClose?(cb: (reason?: string) => void): () => void;
  /** Close the connection from this side. */
  close?(): void;
}

/** A tiny listener set used by the transports (so each one does not reimplement it). */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();
  add(cb: (...args: A) => void): () => void {
    this.set.add(cb);
    return () => void this.set.delete(cb);
  }
  emit(...args: A): void {
    for (const cb of [...this.set]) {
      try {
        cb(...args);
      } catch (err) {
        // A throwing listener must not break delivery to the others or kill the transport.
        console.error('netloom: listener failed', err);
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
  clear(): void {
    this.set.clear();
  }
}
