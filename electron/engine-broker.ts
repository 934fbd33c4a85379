// Main's only engine job: keep one engine utilityProcess alive and hand each window a MessagePort to it.
// Main never sees engine traffic (the ports connect renderer and engine directly). When the engine
// dies, every window is told, the engine is restarted and every window gets a fresh port; the documents
// in the windows are untouched. Electron objects are injected (structurally) so this is testable.

export interface PortMainLike {
  close?(): void;
}
export interface UtilityLike {
  readonly pid?: number | undefined;
  postMessage(message: unknown, transfer?: PortMainLike[]): void;
  on(event: 'spawn', cb: () => void): unknown;
  on(event: 'exit', cb: (code: number) => void): unknown;
  kill(): boolean;
}
export interface BrokerDeps {
  /** `utilityProcess.fork(engineEntry, [], { serviceName: 'Netloom engine' })` */
  fork(): UtilityLike;
  /** `new MessageChannelMain()` */
  channel(): { port1: PortMainLike; port2: PortMainLike };
  log?(line: string): void;
}
/** A window as the broker sees it. */
export interface EngineClient {
  /** Deliver the renderer's end of a new channel (`webContents.postMessage(IPC.enginePort, null, [port])`). */
  givePort(port: PortMainLike): void;
  /** Tell the renderer the engine died (`webContents.send(IPC.engineCrashed, info)`). */
  crashed(info: { exitCode: number | null; signal: string | null }): void;
}

/** The message the engine entry expects with each transferred port. */
export const CONNECT_MESSAGE = { type: 'netloom:connect' } as const;

export class EngineBroker {
  private proc: UtilityLike | null = null;
  private spawned = false;
  private waiting: PortMainLike[] = [];
  private readonly clients = new Map<number, EngineClient>();
  private stopping = false;
  private crashesInARow = 0;
  private spawnedAt = 0;

  constructor(private readonly deps: BrokerDeps) {}

  start(): void {
    const proc = this.deps.fork();
    this.proc = proc;
    this.spawned = false;
    proc.on('spawn', () => {
      this.spawned = true;
      this.spawnedAt = Date.now();
      for (const p of this.waiting.splice(0)) proc.postMessage(CONNECT_MESSAGE, [p]);
    });
    proc.on('exit', (code) => {
      if (this.proc !== proc) return;
      this.proc = null;
      if (this.stopping) return;
      this.deps.log?.(`netloom: the engine process exited (code ${code}); restarting it`);
      for (const c of this.clients.values()) c.crashed({ exitCode: code, signal: null });
      if (Date.now() - this.spawnedAt > 30_000) this.crashesInARow = 0;
      const delay = Math.min(5000, 100 * 2 ** this.crashesInARow++);
      setTimeout(() => {
        if (this.stopping) return;
        this.start();
        for (const id of this.clients.keys()) this.broker(id);
      }, delay);
    });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Register a window (or give it a new port when it asks again, e.g. after a reload). */
  connect(id: number, client: EngineClient): void {
    this.clients.set(id, client);
    this.broker(id);
  }

  disconnect(id: number): void {
    this.clients.delete(id);
  }

  stop(): void {
    this.stopping = true;
    this.proc?.kill();
    this.proc = null;
  }

  private broker(id: number) {
    const client = this.clients.get(id);
    if (!client || this.stopping) return;
    const { port1, port2 } = this.deps.channel();
    if (this.proc && this.spawned) this.proc.postMessage(CONNECT_MESSAGE, [port1]);
    else this.waiting.push(port1);
    client.givePort(port2);
  }
}
