// The engine host: serves the contract over any number of transports, keeps the state of the one training
// run it allows at a time (so a client that reconnects can `train/attach`), and implements the calls
// that need no engine (`engine/info`, `graph/infer`, `train/attach`). Everything else is the EngineApi's.
import { availableParallelism } from 'node:os';
import process from 'node:process';
import { inferNetwork } from '../core';
import { ACTIVE_STATES, PROTOCOL_VERSION, RpcError, serve } from '../protocol';
import type {
  CallContext,
  EventName,
  EventPayload,
  Handlers,
  HandlerParams,
  Result,
  RunSnapshot,
  RunStatus,
  Served,
  Transport,
} from '../protocol';

/** The calls an engine implementation provides; the host answers the rest itself. */
export type EngineCall = Exclude<keyof Handlers, 'engine/info' | 'train/attach'>;

/**
 * What the lead's engine implements. Handlers are those of the contract (missing ones answer
 * E_NOT_IMPLEMENTED); `ctx.emit` in any handler broadcasts to every client and keeps the host's run state.
 * A `graph/infer` handler is optional: the host answers it with engine/core's pure inference.
 */
export type EngineApi = Partial<Pick<Handlers, EngineCall>> & {
  /** The backend the engine trains on now (`wasm`, `tensorflow`, …), shown by `engine/info`. */
  backend(): string | Promise<string>;
  /** Every backend the engine knows and whether it is usable here. */
  backends?(): BackendRow[] | Promise<BackendRow[]>;
  /** The automatic choice (train/start without a backend) and why, for engine/info. */
  backendChoice?(): Promise<{ name: string; reason: string } | undefined>;
  /** Extra versions to report (tfjs…). */
  versions?(): Record<string, string>;
  /** Called once with the broadcast function, for events outside any call (logs). */
  bind?(emit: Emit): void;
  /** Release everything (the host stops any run first). */
  dispose?(): Promise<void> | void;
};

type BackendRow = NonNullable<Result<'engine/info'>['backends']>[number];

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface EngineHost {
  /** Serve one client connection; returns a function that drops it. */
  connect(transport: Transport): () => void;
  /** Broadcast an event to every client (and update the run state from it). */
  emit: Emit;
  /** The current or last run, as `train/attach` returns it. */
  run(): RunSnapshot | null;
  readonly connections: number;
  /** Stop the run (if any), drop every client, dispose the api. */
  close(): Promise<void>;
}

const NETLOOM_VERSION = '0.1.0';
const PENDING = 'pending-';
const MAX_KEPT_ANOMALIES = 100;

export function createEngineHost(api: EngineApi): EngineHost {
  const clients = new Map<number, Served>();
  let nextConnection = 1;
  let current: RunSnapshot | null = null;
  /** The id of the run before the one starting, whose late events must not be taken for the new run's. */
  let lastRunId: string | undefined;
  let closing = false;

  const isActive = () => current !== null && ACTIVE_STATES.includes(current.state);

  /** Events are the single source of run state: the api reports, the host remembers. */
  function track<E extends EventName>(event: E, payload: EventPayload<E>) {
    if (!current || !event.startsWith('train/')) return;
    const p = payload as { runId?: string };
    if (p.runId !== current.runId) {
      // A run reports from inside its own train/start (a paused start says 'paused' at once), before the
      // call has answered with its id: the first id heard while starting is that run's.
      if (!(current.state === 'starting' && current.runId.startsWith(PENDING) && p.runId && p.runId !== lastRunId))
        return;
      current.runId = p.runId;
    }
    if (event === 'train/progress') {
      const e = payload as EventPayload<'train/progress'>;
      Object.assign(current, { lastProgress: e, epoch: e.epoch, step: e.step });
    } else if (event === 'train/epoch') current.epochs.push(payload as EventPayload<'train/epoch'>);
    else if (event === 'train/state') current.state = (payload as EventPayload<'train/state'>).state;
    else if (event === 'train/anomaly') {
      current.anomalies.push(payload as EventPayload<'train/anomaly'>);
      if (current.anomalies.length > MAX_KEPT_ANOMALIES) current.anomalies.shift();
    } else if (event === 'train/done') {
      const e = payload as EventPayload<'train/done'>;
      Object.assign(current, { done: e, state: e.state });
    }
  }

  const emit: Emit = (event, payload) => {
    track(event, payload);
    for (const c of clients.values()) c.emit(event, payload);
  };
  api.bind?.(emit);

  const engineCall = <M extends EngineCall>(m: M) =>
    api[m] as ((p: HandlerParams<M>, ctx: CallContext) => Promise<Result<M>> | Result<M>) | undefined;
  const notImplemented = (m: string) => new RpcError('E_NOT_IMPLEMENTED', `${m} is not implemented by this engine yet`);

  /** Run-control calls: fill in the current runId, refuse when there is no such run, record the new state. */
  function control<
    M extends 'train/pause' | 'train/resume' | 'train/step' | 'train/stop' | 'train/setLr' | 'checkpoint/save',
  >(m: M) {
    return async (params: HandlerParams<M>, ctx: CallContext): Promise<Result<M>> => {
      const fn = engineCall(m);
      if (!fn) throw notImplemented(m);
      if (!current || (params.runId !== undefined && params.runId !== current.runId))
        throw new RpcError('E_NO_RUN', params.runId ? `no run ${params.runId}` : undefined);
      const result = await fn({ ...params, runId: current.runId }, ctx);
      const status = result as Partial<RunStatus>;
      if (status.state && status.runId === current.runId)
        Object.assign(current, { state: status.state, epoch: status.epoch, step: status.step });
      return result;
    };
  }

  const handlers: Partial<Handlers> = {
    ...(api as Partial<Handlers>),
    'engine/info': async () => {
      const m = process.memoryUsage();
      return {
        backend: await api.backend(),
        backends: api.backends ? await api.backends() : undefined,
        choice: await api.backendChoice?.(),
        cores: availableParallelism(),
        versions: {
          netloom: NETLOOM_VERSION,
          node: process.versions.node,
          v8: process.versions.v8,
          ...(process.versions.electron ? { electron: process.versions.electron } : {}),
          ...api.versions?.(),
        },
        protocol: PROTOCOL_VERSION,
        memory: {
          rss: m.rss,
          heapUsed: m.heapUsed,
          heapTotal: m.heapTotal,
          external: m.external,
          arrayBuffers: m.arrayBuffers,
        },
        pid: process.pid,
        platform: `${process.platform}-${process.arch}`,
      };
    },
    'graph/infer': async (params, ctx) => {
      const own = engineCall('graph/infer');
      if (own) return own(params, ctx);
      // The pure inference from engine/core; its internal tree and parsed doc stay on this side.
      const { doc: _doc, tree: _tree, ...wire } = inferNetwork(params.doc);
      // core's interfaces lack the index signature of the protocol's loose schema; the shapes match.
      return wire as unknown as Result<'graph/infer'>;
    },
    'train/start': async (config, ctx) => {
      const start = engineCall('train/start');
      if (!start) throw notImplemented('train/start');
      if (closing) throw new RpcError('E_BUSY', 'the engine is shutting down');
      // Claim the engine synchronously, before any await, so two racing starts cannot both pass.
      if (isActive()) throw new RpcError('E_BUSY', `run ${current!.runId} is ${current!.state}; stop it first`);
      const previous = current;
      lastRunId = previous?.runId;
      const pendingId = `${PENDING}${Date.now()}`;
      const snap: RunSnapshot = (current = {
        runId: pendingId,
        state: 'starting',
        config,
        startedAt: Date.now(),
        epoch: 0,
        step: 0,
        lastProgress: null,
        epochs: [],
        anomalies: [],
        done: null,
      });
      try {
        const r = await start(config, ctx);
        snap.runId = r.runId;
        if (snap.state === 'starting') snap.state = 'running'; // unless the run already said (paused…)
        return r;
      } catch (err) {
        current = previous;
        throw err;
      }
    },
    'train/attach': () => ({ run: current ? structuredClone(current) : null }),
    'train/pause': control('train/pause'),
    'train/resume': control('train/resume'),
    'train/step': control('train/step'),
    'train/stop': control('train/stop'),
    'train/setLr': control('train/setLr'),
    'checkpoint/save': control('checkpoint/save'),
  };

  return {
    connect(transport) {
      const id = nextConnection++;
      const served = serve(handlers, transport, { connectionId: id, broadcast: emit });
      clients.set(id, served);
      // The run outlives its client: a disconnect drops the connection, never the training.
      const offClose = transport.onClose?.(() => clients.delete(id));
      return () => {
        offClose?.();
        served.close();
        clients.delete(id);
      };
    },
    emit,
    run: () => (current ? structuredClone(current) : null),
    get connections() {
      return clients.size;
    },
    async close() {
      if (closing) return;
      closing = true;
      const stop = engineCall('train/stop');
      if (isActive() && stop) {
        const ac = new AbortController();
        await Promise.resolve(
          stop({ runId: current!.runId }, { signal: ac.signal, connectionId: 0, emit, emitToCaller: emit }),
        ).catch(() => undefined);
      }
      for (const c of clients.values()) c.close();
      clients.clear();
      await api.dispose?.();
    },
  };
}
