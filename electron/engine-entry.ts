// Entry of the engine utilityProcess (Electron's compute process). Main sends one MessagePort per window;
// each becomes a client connection of one engine host, which owns the (single) training run.
import { createEngineHost } from '../engine/host/engine-host';
import { createEngineApi } from '../engine/host/default-api';
import { messagePortTransport } from '../engine/protocol/transports/message-port';
import type { PortLike } from '../engine/protocol/transports/message-port';
import { CONNECT_MESSAGE } from './engine-broker';

async function main() {
  const host = createEngineHost(await createEngineApi());
  process.parentPort.on('message', (e) => {
    if ((e.data as { type?: string } | null)?.type !== CONNECT_MESSAGE.type) return;
    for (const port of e.ports) host.connect(messagePortTransport(port as unknown as PortLike));
  });
}

main().catch((err) => {
  console.error('netloom engine: failed to start:', err);
  process.exit(70);
});
