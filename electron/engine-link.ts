// The renderer's side of the Electron engine connection (runs in the preload): one Transport that outlives
// engine restarts. Main hands over a MessagePort now and again (first connect, after each engine crash);
// frames go to the newest port. On a crash the waiting calls fail with E_ENGINE_CRASHED and an
// `engine/crashed` event is delivered — the same behaviour as the browser shell. While no port is held, frames
// wait in the relay's bounded restart queue: past its limit a call is answered E_ENGINE_RESTARTING, never dropped.
import { crashTracker, Listeners, messagePortTransport, restartQueue } from '../engine/protocol';
import type { Frame, PortLike, Transport } from '../engine/protocol';

export interface LinkDeps {
  /** Subscribe to new ports from main. */
  onPort(cb: (port: PortLike) => void): void;
  /** Subscribe to crash notices from main. */
  onCrash(cb: (info: { exitCode: number | null; signal: string | null }) => void): void;
  /** Ask main for a port (main answers through onPort). */
  requestPort(): void;
}

export function engineLink(deps: LinkDeps, queueLimit?: number): Transport {
  const messages = new Listeners<[unknown]>();
  const tracker = crashTracker();
  let current: Transport | null = null;
  const queue = restartQueue<Frame>(queueLimit);

  deps.onPort((port) => {
    current?.close?.();
    const t = messagePortTransport(port);
    current = t;
    t.onMessage((m) => {
      if (current !== t) return; // a late message from a dead engine's port
      tracker.fromEngine(m);
      messages.emit(m);
    });
    for (const f of queue.drain()) t.send(f);
  });
  deps.onCrash((info) => {
    current = null;
    queue.clear();
    for (const f of tracker.crashed(info)) messages.emit(f);
  });
  deps.requestPort();

  return {
    send(frame) {
      tracker.toEngine(frame);
      if (current) return current.send(frame);
      const held = queue.offer(frame, frame);
      if (held.queued || !held.answer) return;
      tracker.fromEngine(held.answer); // the call is answered: the crash tracker no longer waits for it
      messages.emit(held.answer);
    },
    onMessage: (cb) => messages.add(cb),
  };
}
