// A client on an engine host that records the run events it receives (and any other it is asked to: `on`), by
// name, for tests over the real engine.
// Every event must also pass the contract's schema: a refused one (NaN in a figure…) is pushed to `problems`.
import { createClient, type EventName, type EventPayload, type TrainConfig } from '../../protocol';
import { until } from '../../protocol/testing/until';
import { memoryPair } from '../../protocol/transports/memory';
import type { EngineHost } from '../engine-host';

const RECORDED: EventName[] = [
  'train/progress',
  'train/state',
  'train/epoch',
  'train/anomaly',
  'train/done',
  'engine/log',
];

export function recordingClient(host: EngineHost, problems: string[]) {
  const [a, b] = memoryPair();
  host.connect(a);
  const client = createClient(b);
  client.onProblem((p) => problems.push(`${p.code}: ${p.message}`));
  const seen = new Map<string, unknown[]>();
  const events = <E extends EventName>(name: E) => (seen.get(name) ?? []) as EventPayload<E>[];
  for (const name of RECORDED)
    client.on(name, (e) => {
      if (!seen.has(name)) seen.set(name, []);
      seen.get(name)!.push(e);
    });
  /** Records `name` too (the run events above always are); returns its payloads so far. */
  const on = <E extends EventName>(name: E) => {
    if (!RECORDED.includes(name) && !seen.has(name)) {
      seen.set(name, []);
      client.on(name, (e) => seen.get(name)!.push(e));
    }
    return () => events(name);
  };
  const lastState = () => events('train/state').at(-1)?.state;
  /** Starts a run and resolves with its done event. */
  const finish = async (config: TrainConfig) => {
    const before = events('train/done').length;
    await client.call('train/start', config);
    await until(() => events('train/done').length > before, { ms: 120_000, what: 'the run to end' });
    return events('train/done').at(-1)!;
  };
  return { client, events, on, lastState, finish };
}
