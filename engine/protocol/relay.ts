// For shells that forward frames to an engine process they do not own the dispatch loop of
// (the `netloom serve` relay, the Electron preload): remember which calls are waiting on the engine, so that
// when the engine process dies each of them fails with E_ENGINE_CRASHED instead of hanging forever,
// and the client learns about it through one `engine/crashed` event.
import type { CallId, Frame } from './frame';
import { ERROR_CODES } from './errors';

export interface CrashInfo {
  exitCode: number | null;
  signal: string | null;
  message?: string;
}

export interface CrashTracker {
  /** Note a message going client → engine. */
  toEngine(msg: unknown): void;
  /** Note a message going engine → client. */
  fromEngine(msg: unknown): void;
  /** The frames to deliver to the client after a crash (errors for waiting calls, then the event). */
  crashed(info: CrashInfo): Frame[];
  readonly waiting: number;
}

export function crashTracker(): CrashTracker {
  const waiting = new Set<CallId>();
  const idOf = (msg: unknown, kinds: string[]): CallId | null => {
    if (typeof msg !== 'object' || msg === null) return null;
    const m = msg as { t?: unknown; id?: unknown };
    return typeof m.t === 'string' && kinds.includes(m.t) && typeof m.id === 'number' ? m.id : null;
  };
  return {
    toEngine(msg) {
      const id = idOf(msg, ['call']);
      if (id !== null) waiting.add(id);
    },
    fromEngine(msg) {
      const id = idOf(msg, ['result', 'error']);
      if (id !== null) waiting.delete(id);
    },
    crashed(info) {
      const how = info.signal ? `signal ${info.signal}` : `exit code ${info.exitCode}`;
      const message = info.message ?? `${ERROR_CODES.E_ENGINE_CRASHED} (${how})`;
      const frames: Frame[] = [...waiting].map((id) => ({
        t: 'error',
        id,
        error: { code: 'E_ENGINE_CRASHED', message },
      }));
      waiting.clear();
      frames.push({
        t: 'event',
        event: 'engine/crashed',
        payload: { code: 'E_ENGINE_CRASHED', message, exitCode: info.exitCode, signal: info.signal },
      });
      return frames;
    },
    get waiting() {
      return waiting.size;
    },
  };
}
