// The one polling helper for tests: wait on a condition, never a fixed sleep. Generous default limit so a
// machine 3× slower still passes; the poll itself is cheap, so a 10× faster machine finishes as soon as it can.
// Pure (no node:*), so engine, electron, renderer and e2e tests can all import it.

/**
 * Resolves when `cond()` is truthy; rejects with `timed out waiting for <what>` after `ms`.
 * e.g. `await until(() => events.length > 2, { what: 'two events' })`.
 */
export async function until(
  cond: () => unknown | Promise<unknown>,
  opts: { ms?: number; what?: string; everyMs?: number } = {},
): Promise<void> {
  const { ms = 60_000, what = 'a condition', everyMs = 5 } = opts;
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
