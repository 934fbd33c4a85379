// Entry of the engine child process started by `netloom serve` (engine-process.ts). Loads the engine API
// module named by NETLOOM_ENGINE_API (default: default-api.ts, the one wiring point), then serves the contract to the
// parent over IPC. It owns the training run; the parent owns sockets and survives this process dying.
import process from 'node:process';
import { createEngineHost } from './engine-host';
import type { EngineApi } from './engine-host';
import { serveOverIpc } from './ipc';

/** An engine API module exports `createEngineApi()` (or a default export doing the same). */
export interface EngineApiModule {
  createEngineApi?: () => EngineApi | Promise<EngineApi>;
  default?: () => EngineApi | Promise<EngineApi>;
}

async function main() {
  if (!process.send) throw new Error('engine child must be started with an IPC channel (child_process.fork)');
  const spec = process.env.NETLOOM_ENGINE_API || new URL('./default-api.ts', import.meta.url).href;
  const mod = (await import(spec)) as EngineApiModule;
  const factory = mod.createEngineApi ?? mod.default;
  if (typeof factory !== 'function') throw new Error(`${spec} exports no createEngineApi()`);
  const host = createEngineHost(await factory());
  const shutdown = async () => {
    await host.close().catch((err) => console.error('netloom engine: shutdown failed', err));
    process.exit(0);
  };
  serveOverIpc(host, process, () => void shutdown());
  // The parent went away (killed, crashed): do not linger as an orphan.
  process.on('disconnect', () => void shutdown());
}

main().catch((err) => {
  console.error('netloom engine: failed to start:', err);
  process.exit(70);
});
