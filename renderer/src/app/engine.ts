// The engine connection for the status bar: info on connect, a clear notice when the engine process
// crashes (the server restarts it; the document lives here, so it is never touched), and reconnection
// with backoff when the shell's socket closes (server restarted, laptop slept).
import { createClient, type Client } from '../../../engine/protocol';
import { host } from './files';
import { bindTraining, syncTraining } from '../panels/training/controller';
import { bindDebug } from '../panels/debug/link';
import { useUi } from './store';

export const CRASH_MESSAGE = 'The engine process crashed and was restarted; your document is untouched.';

let client: Client | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let attempt = 0;
let stopped = false;

const offline = (why?: string) =>
  useUi.getState().set({ engine: 'engine offline', engineBackend: undefined, engineError: why, enginePid: undefined });

/** Asks for the engine's info; after a crash the server needs a moment to restart it, so retry a few times. */
async function refreshInfo(c: Client, tries = 1): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try {
      const info = await c.call('engine/info', undefined, { timeoutMs: 10_000 });
      useUi.getState().set({
        engine: `Engine backend: ${info.backend}`,
        engineBackend: info.backend,
        engineError: undefined,
        enginePid: info.pid,
      });
      return;
    } catch (err) {
      if (c.closed) return;
      if (i === tries - 1) throw err;
      await new Promise((r) => setTimeout(r, Math.min(4000, 250 * 2 ** i)));
    }
  }
}

function scheduleReconnect() {
  if (stopped) return;
  clearTimeout(retryTimer);
  // 0.5 s, 1 s, 2 s … capped at 15 s: quick when the server just restarted, quiet when it is gone.
  const delay = Math.min(15_000, 500 * 2 ** attempt++);
  useUi.getState().set({ engineRetryAt: Date.now() + delay });
  retryTimer = setTimeout(() => void connectEngine(), delay);
}

/** Connects to the engine for its info; the editor never waits for it. */
export async function connectEngine(): Promise<void> {
  stopped = false;
  try {
    const c = createClient(await host.connectEngine());
    client = c;
    bindTraining(c);
    bindDebug(c);
    c.on('engine/crashed', () => {
      useUi.getState().toast(CRASH_MESSAGE, 'error');
      useUi.getState().set({
        engine: 'engine restarting…',
        engineBackend: undefined,
        engineCrashes: useUi.getState().engineCrashes + 1,
      });
      refreshInfo(c, 8).catch((err: Error) => offline(err.message));
    });
    c.onClose(() => {
      if (client !== c) return;
      client = null;
      offline(undefined);
      scheduleReconnect();
    });
    await refreshInfo(c);
    void syncTraining(c);
    attempt = 0;
    useUi.getState().set({ engineRetryAt: undefined });
  } catch (err) {
    offline((err as Error).message);
    // A refused token will not get better by retrying; anything else might (server restarting).
    if (!/401|token/i.test((err as Error).message)) scheduleReconnect();
  }
}

/** Stops retrying and closes the socket (tests, page teardown). */
export function disconnectEngine() {
  stopped = true;
  clearTimeout(retryTimer);
  const c = client;
  client = null;
  c?.close();
}
