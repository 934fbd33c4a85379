// The renderer's side of the Electron engine connection (runs in the preload): one Transport that outlives
// engine restarts. Main hands over a MessagePort now and again (first connect, after each engine crash);
// frames go to the newest port. On a crash the waiting calls fail with E_ENGINE_CRASHED and an
// `engine/crashed` event is delivered — the same behaviour as the browser shell.
import { crashTracker, Listeners, messagePortTransport } from '../engine/protocol';
import type { Frame, PortLike, Transport } from '../engine/protocol';

export interface LinkDeps {
  /** Subscribe to new ports from main. */
  onPort(cb: (port: PortLike) => void): void;
  /** Subscribe to crash notices from main. */
  onCrash(cb: (info: { exitCode: number | null; signal: string | null }) => void): void;
  /** Ask main for a port (main answers through onPort). */
  requestPort(): void;
}

export function engineLink(deps: LinkDeps): Transport {
  const messages = new Listeners<[unknown]>();
  const tracker = crashTracker();
  let current: Transport | null = null;
  let queue: Frame[] = [];

  deps.onPort((port) => {
    current?.close?.();
    const t = messagePortTransport(port);
    current = t;
    t.onMessage((m) => {
      if (current !== t) return; // a late message from a dead engine's port
      tracker.fromEngine(m);
      messages.emit(m);
    });
    for (const f of queue.splice(0)) t.send(f);
  });
  deps.onCrash((info) => {
    current = null;
    queue = [];
    for (const f of tracker.crashed(info)) messages.emit(f);
  });
  deps.requestPort();

  return {
    send(frame) {
      tracker.toEngine(frame);
      if (current) current.send(frame);
      else queue.push(frame);
    },
    onMessage: (cb) => messages.add(cb),
  };
}
