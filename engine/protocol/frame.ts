// The five messages that travel over any transport. Frames are plain objects that may hold typed arrays
// anywhere inside `params`, `result` or `payload`; each transport decides how those travel
// (in memory: by reference; MessagePort/IPC: structured clone; WebSocket: `codec.ts`).
import { z } from 'zod';

export type CallId = number;

export type Frame =
  | { t: 'call'; id: CallId; method: string; params: unknown }
  | { t: 'result'; id: CallId; result: unknown }
  | { t: 'error'; id: CallId | null; error: { code: string; message: string; data?: unknown } }
  | { t: 'cancel'; id: CallId }
  | { t: 'event'; event: string; payload: unknown };

const id = z.number().int().nonnegative();

/** The envelope, validated at every boundary before anything else looks at a message. */
export const frameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id, method: z.string().min(1).max(200), params: z.unknown() }),
  z.object({ t: z.literal('result'), id, result: z.unknown() }),
  z.object({
    t: z.literal('error'),
    id: id.nullable(),
    error: z.object({ code: z.string(), message: z.string(), data: z.unknown().optional() }),
  }),
  z.object({ t: z.literal('cancel'), id }),
  z.object({ t: z.literal('event'), event: z.string().min(1).max(200), payload: z.unknown() }),
]);

/** Parse an untrusted message; returns the frame or a readable reason. */
export function parseFrame(
  msg: unknown,
): { ok: true; frame: Frame } | { ok: false; reason: string; id: CallId | null } {
  const r = frameSchema.safeParse(msg);
  if (r.success) return { ok: true, frame: r.data as Frame };
  // Echo the id back when we can find one, so the caller's pending call fails instead of hanging.
  const maybeId = typeof msg === 'object' && msg !== null ? (msg as { id?: unknown }).id : undefined;
  // A transport's marker for bytes it could not decode carries the reason (websocket.ts).
  const marker = typeof msg === 'object' && msg !== null ? (msg as { malformed?: unknown }).malformed : undefined;
  const reason =
    typeof marker === 'string'
      ? `undecodable message: ${marker}`
      : r.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ');
  return {
    ok: false,
    reason,
    id: typeof maybeId === 'number' && Number.isInteger(maybeId) && maybeId >= 0 ? maybeId : null,
  };
}
