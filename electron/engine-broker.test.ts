// The broker and the preload's engine link together, over real MessageChannels, with an in-process
// engine host standing in for the utilityProcess: connect, crash, restart, re-broker, next call works.
import { until as untilCond } from '../engine/protocol/testing/until';
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, messagePortTransport } from '../engine/protocol';
import type { PortLike } from '../engine/protocol';
import { expectCode } from '../engine/protocol/testing/rpc-suite';
import { createEngineHost } from '../engine/host/engine-host';
import { createEngineApi } from '../engine/host/testing/training-api';
import { CONNECT_MESSAGE, EngineBroker } from './engine-broker';
import type { PortMainLike } from './engine-broker';
import { engineLink } from './engine-link';

class FakeUtility extends EventEmitter {
  static all: FakeUtility[] = [];
  host = createEngineHost(createEngineApi());
  pid = 1000 + FakeUtility.all.length;
  ports: MessagePort[] = [];
  constructor() {
    super();
    FakeUtility.all.push(this);
    setTimeout(() => this.emit('spawn'), 5);
  }
  postMessage(msg: unknown, transfer: PortMainLike[] = []) {
    expect(msg).toEqual(CONNECT_MESSAGE);
    for (const p of transfer as MessagePort[]) {
      this.ports.push(p);
      this.host.connect(messagePortTransport(p as unknown as PortLike));
    }
  }
  kill() {
    return true;
  }
  /** What a dying process looks like from main: its ports go dead, then 'exit'. */
  crash() {
    this.ports.forEach((p) => p.close());
    void this.host.close();
    this.emit('exit', 9);
  }
}

const until = (cond: () => unknown, ms = 3000) => untilCond(cond, { ms });

describe('engine broker + engine link', () => {
  let broker: EngineBroker;
  afterEach(() => broker?.stop());

  it('brokers a port per window; after an engine crash the window is told, gets a new port, and the next call works', async () => {
    FakeUtility.all = [];
    broker = new EngineBroker({ fork: () => new FakeUtility(), channel: () => new MessageChannel() });
    broker.start();

    // The renderer side, as preload wires it (ipcRenderer replaced by direct callbacks).
    let portCb: (p: PortLike) => void = () => {};
    let crashCb: (i: { exitCode: number | null; signal: string | null }) => void = () => {};
    const transport = engineLink({
      onPort: (cb) => (portCb = cb),
      onCrash: (cb) => (crashCb = cb),
      requestPort: () =>
        broker.connect(1, { givePort: (p) => portCb(p as unknown as PortLike), crashed: (i) => crashCb(i) }),
    });
    const client = createClient(transport);
    expect((await client.call('engine/info')).backend).toBe('fake-cpu'); // queued until the engine spawned

    const crashes: unknown[] = [];
    client.on('engine/crashed', (e) => crashes.push(e));
    const waiting = client.call('data/download', { id: 'x' });
    await until(() => FakeUtility.all[0].ports.length === 1);
    // Calls travel in order on one port: once a later call is answered, the engine holds the download call.
    await client.call('engine/info');
    FakeUtility.all[0].crash();
    await expectCode(waiting, 'E_ENGINE_CRASHED');
    expect(crashes).toEqual([expect.objectContaining({ code: 'E_ENGINE_CRASHED', exitCode: 9 })]);

    await until(() => FakeUtility.all.length === 2); // restarted
    expect((await client.call('engine/info')).backend).toBe('fake-cpu');
    expect(FakeUtility.all[1].ports).toHaveLength(1); // re-brokered
    client.close();
  });
  it('holds calls while no engine port is there, and answers those past the queue limit with E_ENGINE_RESTARTING', async () => {
    FakeUtility.all = [];
    broker = new EngineBroker({ fork: () => new FakeUtility(), channel: () => new MessageChannel() });
    broker.start();
    let portCb: (p: PortLike) => void = () => {};
    let connect = () => {};
    const transport = engineLink(
      {
        onPort: (cb) => (portCb = cb),
        onCrash: () => {},
        // The port is asked for now and granted later: the calls below wait in the queue meanwhile.
        requestPort: () =>
          (connect = () => broker.connect(1, { givePort: (p) => portCb(p as unknown as PortLike), crashed: () => {} })),
      },
      2,
    );
    const client = createClient(transport);
    const first = client.call('engine/info');
    const second = client.call('engine/info');
    await expectCode(client.call('engine/info'), 'E_ENGINE_RESTARTING');
    connect();
    expect((await first).backend).toBe('fake-cpu');
    expect((await second).backend).toBe('fake-cpu');
    client.close();
  });
});
