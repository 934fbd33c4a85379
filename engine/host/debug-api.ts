// The visual-debugging calls (debug/subscribe, unsubscribe, snapshot, trace, evaluate/run) over the engine
// api's current run: one RunMonitor per run (engine/debug) over its model access (tfjs steps, or the torch
// runner: torch-debug.ts), subscriptions per connection that follow the next runs while their paths exist,
// events to the subscriber only.
import {
  DEBUG_LIMITS,
  RpcError,
  type CallContext,
  type EventName,
  type EventPayload,
  type Handler,
  type Result,
} from '../protocol';
import {
  RunMonitor,
  TfjsAccess,
  UnknownBlockError,
  checkPaths,
  evaluateModel,
  traceModel,
  type ProbeBatch,
  type Snapshot,
  type Watch,
  type WatchKind,
  type ModelAccess,
} from '../debug';
import type { Session, Trainer } from '../train';
import { probeBatch, sampleSource } from './debug-data';
import type { Emit } from './engine-host';
import { TorchAccess } from './torch-debug';
import { TorchTrainer } from './torch-run';

export interface DebugRun {
  id: string;
  trainer: Trainer;
  session: Session;
  emit: Emit;
}

/**
 * A torch run's weights live in its runner: debug/trace and evaluate/run read the session model (tfjs), so a live
 * run's weights are brought into it first (the runner saves them between batches, or while paused).
 */
async function synced(run: DebugRun): Promise<void> {
  if (run.trainer instanceof TorchTrainer) await run.trainer.checkpoint();
}

/** How a run's model is read: the torch runner for a torch run, else tfjs in this process. */
export function accessFor(trainer: Trainer, session: Session): ModelAccess {
  return trainer instanceof TorchTrainer ? new TorchAccess(trainer, session) : new TfjsAccess(session.model, trainer);
}

interface Sub {
  id: string;
  connectionId: number;
  blocks: string[];
  kinds: WatchKind[];
  maxHz: number;
  maxValues: number;
  probeSpec?: { split: 'train' | 'test'; indices?: number[] };
  probe: ProbeBatch;
  send: CallContext['emitToCaller'];
}

type DebugCall = 'debug/subscribe' | 'debug/unsubscribe' | 'debug/snapshot' | 'debug/trace' | 'evaluate/run';

const unknownBlock = (e: unknown) =>
  e instanceof UnknownBlockError ? new RpcError('E_UNKNOWN_BLOCK', e.message, { path: e.path }) : e;

function probeFor(run: DebugRun, spec?: Sub['probeSpec']): ProbeBatch {
  try {
    return probeBatch(run.session.data, spec?.split, spec?.indices);
  } catch (e) {
    throw new RpcError('E_BAD_PARAMS', (e as Error).message);
  }
}

// engine/debug's typed arrays are declared over ArrayBufferLike; the wire types (zod's instanceof) over
// ArrayBuffer. They are the same objects: the casts below only bridge the two declarations.
type Wire<E extends EventName> = EventPayload<E>;
function payload(runId: string, sub: Sub, s: Snapshot): Wire<'debug/activations'> {
  return { runId, subscriptionId: sub.id, ...s } as unknown as Wire<'debug/activations'>;
}

/** `current(runId)` is the engine api's: the run asked for (or the current one), else E_NO_RUN. */
export function createDebugApi(current: (runId?: string) => DebugRun) {
  const subs = new Map<string, Sub>();
  let active: { run: DebugRun; monitor: RunMonitor } | null = null;
  let next = 0;

  const send = <E extends EventName>(sub: Sub, event: E, p: EventPayload<E>) => {
    try {
      sub.send(event, p);
    } catch {
      subs.delete(sub.id); // the connection is gone
    }
  };
  const watchOf = (sub: Sub): Watch => ({
    ...sub,
    deliver: (s) => send(sub, 'debug/activations', payload(active!.run.id, sub, s)),
    deliverHealth: (h) => send(sub, 'debug/health', { runId: active!.run.id, ...h } as unknown as Wire<'debug/health'>),
  });

  /** A new run: its monitor (health for every run), and subscriptions moved onto it or ended with a reason. */
  function attach(run: DebugRun): void {
    detach();
    try {
      start(run);
    } catch (e) {
      // Debugging must never keep a run from training: say why it is off for this run.
      run.emit('engine/log', {
        level: 'warn',
        message: `visual debugging is off for this run: ${(e as Error).message}`,
      });
    }
  }
  function start(run: DebugRun): void {
    const probe = probeFor(run);
    const monitor = new RunMonitor(accessFor(run.trainer, run.session), {
      probe,
      watches: () => [...subs.values()].map(watchOf),
      onAnomaly: (a) => run.emit('train/anomaly', { runId: run.id, ...a, paused: false }),
    });
    active = { run, monitor };
    for (const sub of [...subs.values()]) {
      try {
        checkPaths(run.session.net, sub.blocks);
        sub.probe = probeFor(run, sub.probeSpec);
      } catch (e) {
        subs.delete(sub.id);
        const err = unknownBlock(e) as RpcError;
        send(sub, 'debug/error', {
          subscriptionId: sub.id,
          code: err.code ?? 'E_BAD_PARAMS',
          message: `${err.message}: the subscription ended`,
          ...(e instanceof UnknownBlockError ? { path: e.path } : {}),
        });
      }
    }
  }
  function detach(): void {
    if (!active) return;
    active.monitor.dispose();
    active = null;
  }
  const monitorOf = (run: DebugRun) => {
    if (!active || active.run.id !== run.id) throw new RpcError('E_NO_RUN', `run ${run.id} is not monitored`);
    return active.monitor;
  };

  const handlers: { [M in DebugCall]: Handler<M> } = {
    'debug/subscribe': (p, ctx) => {
      const mine = [...subs.values()].filter((s) => s.connectionId === ctx.connectionId).length;
      if (mine >= DEBUG_LIMITS.subscriptions)
        throw new RpcError(
          'E_DEBUG_LIMIT',
          `at most ${DEBUG_LIMITS.subscriptions} debug subscriptions per connection; unsubscribe one first`,
          { limit: DEBUG_LIMITS.subscriptions },
        );
      if (p.blocks.length > DEBUG_LIMITS.blocks)
        throw new RpcError('E_DEBUG_LIMIT', `at most ${DEBUG_LIMITS.blocks} blocks per subscription`, {
          limit: DEBUG_LIMITS.blocks,
        });
      const run = current(p.runId);
      const net = run.session.net;
      try {
        checkPaths(net, p.blocks);
      } catch (e) {
        throw unknownBlock(e);
      }
      const id = `sub-${++next}`;
      subs.set(id, {
        id,
        connectionId: ctx.connectionId,
        blocks: [...new Set(p.blocks)],
        kinds: p.kinds,
        maxHz: p.maxHz,
        maxValues: p.maxValues,
        probeSpec: p.probe,
        probe: probeFor(run, p.probe),
        send: ctx.emitToCaller,
      });
      const shape = (path: string) => net.blocks.find((b) => b.path === path)!.outputShape ?? [];
      return { subscriptionId: id, blocks: [...new Set(p.blocks)].map((path) => ({ path, shape: shape(path) })) };
    },
    'debug/unsubscribe': ({ subscriptionId }) => {
      if (!subs.delete(subscriptionId)) throw new RpcError('E_BAD_PARAMS', `no debug subscription "${subscriptionId}"`);
      return {};
    },
    'debug/snapshot': async ({ subscriptionId }) => {
      const sub = subs.get(subscriptionId);
      if (!sub) throw new RpcError('E_BAD_PARAMS', `no debug subscription "${subscriptionId}"`);
      const run = current();
      return payload(run.id, sub, await monitorOf(run).snapshot(sub));
    },
    'debug/trace': async ({ runId, probe }) => {
      const run = current(runId);
      const batch = probeFor(run, probe);
      await synced(run);
      return traceModel(run.session.model, batch.input, batch.shape[0]);
    },
    'evaluate/run': async ({ runId, split, limit, maxMisclassified }, ctx) => {
      const run = current(runId);
      let src;
      try {
        src = sampleSource(run.session.data, split);
      } catch (e) {
        throw new RpcError('E_BAD_PARAMS', (e as Error).message);
      }
      await synced(run);
      const r = await evaluateModel(run.session.model, src, { limit, maxMisclassified, signal: ctx.signal });
      return { split, ...r } as unknown as Result<'evaluate/run'>;
    },
  };

  return { handlers, attach, dispose: detach };
}
