// A real engine (createEngineApi behind createEngineHost) and a recording client over an in-memory transport
// (recorder.ts), for protocol tests: the problems the client reports, and `on(event)` for its payloads.
import { createEngineApi } from '../engine-api';
import { createEngineHost } from '../engine-host';
import { recordingClient } from './recorder';

export function connectEngine() {
  const host = createEngineHost(createEngineApi());
  const problems: string[] = [];
  const { client, on } = recordingClient(host, problems);
  return { host, client, problems, on };
}
