// A real engine (createEngineApi behind createEngineHost) and a client over an in-memory transport, for protocol
// tests: the problems the client reports, and `on(event)` that records an event's payloads from now on.
import { createClient, type EventName, type EventPayload } from '../../protocol';
import { memoryPair } from '../../protocol/transports/memory';
import { createEngineApi } from '../engine-api';
import { createEngineHost } from '../engine-host';

export function connectEngine() {
  const host = createEngineHost(createEngineApi());
  const [a, b] = memoryPair();
  host.connect(a);
  const client = createClient(b);
  const problems: string[] = [];
  client.onProblem((p) => problems.push(`${p.code}: ${p.message}`));
  const seen = new Map<string, unknown[]>();
  const on = <E extends EventName>(name: E) => {
    seen.set(name, []);
    client.on(name, (e) => seen.get(name)!.push(e));
    return () => seen.get(name) as EventPayload<E>[];
  };
  return { host, client, problems, on };
}
