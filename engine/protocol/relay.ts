// For shells that forward frames to an engine process they do not own the dispatch loop of
// (the `netloom serve` relay, the Electron preload): remember which calls are waiting on the engine, so that
// when the engine process dies each of them fails with E_ENGINE_CRASHED instead of hanging forever,
// and the client learns about it through one `engine/crashed` event; and hold what arrives while the engine
// restarts, answering every call: queued, or refused with E_ENGINE_RESTARTING once the queue is full.
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

/** How many messages wait for a restarting engine; past that, calls are refused (not dropped). */
export const RESTART_QUEUE_LIMIT = 1000;

export interface RestartQueue<T> {
  /**
   * Hold `item` (which carries the client message `msg`) until the engine is back. When the queue is full it
   * is not held: the result is the error frame to answer the caller with when `msg` expects an answer (a call,
   * or an undecodable message with an id), else null — a cancel or close for a restarting engine is moot.
   */
  offer(item: T, msg: unknown): { queued: true } | { queued: false; answer: Frame | null };
  /** Everything held, in order, emptying the queue (the engine is ready). */
  drain(): T[];
  /** Forget everything held (the engine died again: the crash tracker fails the waiting calls). */
  clear(): void;
  readonly length: number;
}

export function restartQueue<T>(limit = RESTART_QUEUE_LIMIT): RestartQueue<T> {
  let items: T[] = [];
  return {
    offer(item, msg) {
      if (items.length < limit) {
        items.push(item);
        return { queued: true };
      }
      const m = (typeof msg === 'object' && msg !== null ? msg : {}) as { t?: unknown; id?: unknown };
      const answerable = (m.t === 'call' || 'malformed' in m) && typeof m.id === 'number';
      const answer: Frame | null = answerable
        ? {
            t: 'error',
            id: m.id as CallId,
            error: {
              code: 'E_ENGINE_RESTARTING',
              message: `${ERROR_CODES.E_ENGINE_RESTARTING} (${limit} calls are waiting)`,
            },
          }
        : null;
      return { queued: false, answer };
    },
    drain() {
      const out = items;
      items = [];
      return out;
    },
    clear() {
      items = [];
    },
    get length() {
      return items.length;
    },
  };
}
