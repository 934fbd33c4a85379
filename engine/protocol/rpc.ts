// `serve` and `createClient`: the one dispatch loop, written once for every transport.
// Both sides parse every incoming message (frame envelope, then params/result/event payload against the
// contract); a bad message gets an error reply or is reported, never a crash.
import type { z } from 'zod';
import { calls, events, isCallName, isEventName } from './contract';
import type { CallContext, CallName, EventName, EventPayload, Handlers, Params, Result } from './contract';
import { ERROR_CODES, RpcError } from './errors';
import { parseFrame } from './frame';
import type { CallId, Frame } from './frame';
import { Listeners } from './transport';
import type { Transport } from './transport';

export interface ServeOptions {
  /** Identifies this connection to handlers (`ctx.connectionId`). */
  connectionId?: number;
  /** How `ctx.emit` reaches every client; defaults to this connection only. */
  broadcast?: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** Called for problems that have no caller to answer to (logged by default). */
  onProblem?: (err: RpcError) => void;
}

export interface Served {
  /** Send an event to this connection. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Calls currently running on this connection. */
  readonly inFlight: number;
  /** Stop serving: aborts running calls and detaches from the transport. */
  close(): void;
}

/** Serve `api` over `transport`. Calls the api lacks answer E_NOT_IMPLEMENTED. */
export function serve(api: Partial<Handlers>, transport: Transport, opts: ServeOptions = {}): Served {
  const running = new Map<CallId, AbortController>();
  const connectionId = opts.connectionId ?? 0;
  const problem = opts.onProblem ?? ((e: RpcError) => console.warn(`netloom engine: ${e.code}: ${e.message}`));
  let closed = false;

  const send = (f: Frame) => {
    if (closed) return;
    try {
      transport.send(f);
    } catch (err) {
      problem(RpcError.from(err));
    }
  };
  const emitToCaller = <E extends EventName>(event: E, payload: EventPayload<E>) =>
    send({ t: 'event', event, payload });
  const reply = (id: CallId | null, err: unknown) => send({ t: 'error', id, error: RpcError.from(err).toJSON() });

  async function run(id: CallId, method: CallName, rawParams: unknown) {
    const spec = calls[method];
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) return reply(id, new RpcError('E_BAD_PARAMS', `${method}: ${issues(parsed.error)}`));
    const handler = api[method] as ((p: unknown, ctx: CallContext) => unknown) | undefined;
    if (!handler) return reply(id, new RpcError('E_NOT_IMPLEMENTED', `${method} is not implemented by this engine`));
    const ac = new AbortController();
    running.set(id, ac);
    const ctx: CallContext = { signal: ac.signal, connectionId, emit: opts.broadcast ?? emitToCaller, emitToCaller };
    try {
      const result = await handler(parsed.data, ctx);
      // A cancelled call was already answered with E_CANCELLED; its late result is dropped.
      if (running.get(id) === ac) send({ t: 'result', id, result });
    } catch (err) {
      if (running.get(id) === ac) reply(id, err);
    } finally {
      if (running.get(id) === ac) running.delete(id);
    }
  }

  const offMessage = transport.onMessage((msg) => {
    const p = parseFrame(msg);
    if (!p.ok) return reply(p.id, new RpcError('E_BAD_FRAME', p.reason));
    const f = p.frame;
    if (f.t === 'call') {
      if (running.has(f.id)) return reply(f.id, new RpcError('E_BAD_FRAME', `call id ${f.id} is already in flight`));
      if (!isCallName(f.method)) return reply(f.id, new RpcError('E_UNKNOWN_METHOD', `unknown call "${f.method}"`));
      void run(f.id, f.method, f.params);
    } else if (f.t === 'cancel') {
      const ac = running.get(f.id);
      if (!ac) return; // finished already: nothing to cancel
      running.delete(f.id);
      ac.abort(new RpcError('E_CANCELLED'));
      reply(f.id, new RpcError('E_CANCELLED'));
    } else {
      problem(new RpcError('E_BAD_FRAME', `a server does not accept "${f.t}" frames`));
    }
  });

  function close() {
    if (closed) return;
    closed = true;
    offMessage();
    offClose?.();
    for (const ac of running.values()) ac.abort(new RpcError('E_DISCONNECTED'));
    running.clear();
  }
  const offClose = transport.onClose?.(() => close());

  return {
    emit: emitToCaller,
    get inFlight() {
      return running.size;
    },
    close,
  };
}

export interface CallOptions {
  /** Cancels the call: the server's handler sees its signal abort; the promise rejects with E_CANCELLED. */
  signal?: AbortSignal;
  /** Reject with E_TIMEOUT (and cancel on the server) after this many milliseconds. */
  timeoutMs?: number;
}

type CallArgs<M extends CallName> =
  undefined extends Params<M> ? [params?: Params<M>, opts?: CallOptions] : [params: Params<M>, opts?: CallOptions];

export interface Client {
  /** Example: `await client.call('graph/infer', { doc })`. Rejects with RpcError. */
  call<M extends CallName>(method: M, ...args: CallArgs<M>): Promise<Result<M>>;
  /** Subscribe to an event; returns an unsubscribe. Payloads are validated before delivery. */
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
  /** Problems with no pending call to reject: a malformed frame, an invalid event, an error with no id. */
  onProblem(cb: (err: RpcError) => void): () => void;
  /** The transport closed (pending calls were rejected with E_DISCONNECTED). */
  onClose(cb: () => void): () => void;
  readonly closed: boolean;
  close(): void;
}

interface Pending {
  method: CallName;
  resolve: (v: unknown) => void;
  reject: (e: RpcError) => void;
  cleanup: () => void;
}

/** A typed client for the contract over `transport`. */
export function createClient(transport: Transport): Client {
  const pending = new Map<CallId, Pending>();
  const eventListeners = new Map<string, Listeners<[unknown]>>();
  const problems = new Listeners<[RpcError]>();
  const closes = new Listeners<[]>();
  let nextId = 1;
  let closed = false;

  const problem = (e: RpcError) =>
    problems.size ? problems.emit(e) : console.warn(`netloom client: ${e.code}: ${e.message}`);
  const settle = (id: CallId) => {
    const p = pending.get(id);
    if (p) {
      pending.delete(id);
      p.cleanup();
    }
    return p;
  };

  const offMessage = transport.onMessage((msg) => {
    const parsed = parseFrame(msg);
    if (!parsed.ok) {
      const p = parsed.id !== null ? settle(parsed.id) : undefined;
      const err = new RpcError('E_BAD_FRAME', parsed.reason);
      return p ? p.reject(err) : problem(err);
    }
    const f = parsed.frame;
    if (f.t === 'result') {
      const p = settle(f.id);
      if (!p) return; // late answer to a cancelled or timed-out call
      const r = calls[p.method].result.safeParse(f.result);
      if (r.success) p.resolve(r.data);
      else p.reject(new RpcError('E_BAD_RESULT', `${p.method}: ${issues(r.error)}`));
    } else if (f.t === 'error') {
      const p = f.id !== null ? settle(f.id) : undefined;
      const err = new RpcError(f.error.code, f.error.message, f.error.data);
      if (p) p.reject(err);
      else if (f.id === null) problem(err);
    } else if (f.t === 'event') {
      if (!isEventName(f.event)) return problem(new RpcError('E_BAD_FRAME', `unknown event "${f.event}"`));
      const r = events[f.event].safeParse(f.payload);
      if (!r.success) return problem(new RpcError('E_BAD_FRAME', `${f.event}: ${issues(r.error)}`));
      eventListeners.get(f.event)?.emit(r.data);
    } else {
      problem(new RpcError('E_BAD_FRAME', `a client does not accept "${f.t}" frames`));
    }
  });

  function shutdown(reason?: string) {
    if (closed) return;
    closed = true;
    offMessage();
    offClose?.();
    // The transport's reason (e.g. the server's close reason for a message it refused) goes to the caller.
    const message = reason ? `${ERROR_CODES.E_DISCONNECTED} (${reason})` : undefined;
    for (const id of [...pending.keys()]) settle(id)?.reject(new RpcError('E_DISCONNECTED', message));
    closes.emit();
  }
  const offClose = transport.onClose?.((reason) => shutdown(reason));

  function call(method: CallName, params?: unknown, opts: CallOptions = {}): Promise<unknown> {
    if (closed) return Promise.reject(new RpcError('E_DISCONNECTED'));
    if (opts.signal?.aborted) return Promise.reject(new RpcError('E_CANCELLED'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const abandon = (err: RpcError) => {
        if (!settle(id)) return;
        transport.send({ t: 'cancel', id });
        reject(err);
      };
      const onAbort = () => abandon(new RpcError('E_CANCELLED'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined)
        timer = setTimeout(
          () => abandon(new RpcError('E_TIMEOUT', `${method} took longer than ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
      const cleanup = () => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      };
      pending.set(id, { method, resolve, reject, cleanup });
      transport.send({ t: 'call', id, method, params: params ?? {} });
    });
  }

  return {
    call: call as Client['call'],
    on(event, cb) {
      let set = eventListeners.get(event);
      if (!set) eventListeners.set(event, (set = new Listeners()));
      return set.add(cb as (p: unknown) => void);
    },
    onProblem: (cb) => problems.add(cb),
    onClose: (cb) => closes.add(cb),
    get closed() {
      return closed;
    },
    close() {
      shutdown();
      transport.close?.();
    },
  };
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
