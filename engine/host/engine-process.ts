// Parent side of the engine child process: starts it, relays frames for many connections over one IPC
// channel, and when it dies reports the crash to every connection (failing the calls that were waiting),
// restarts it and re-opens the connections, so the server keeps serving.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crashTracker, Listeners, restartQueue } from '../protocol';
import type { CrashInfo, Frame } from '../protocol';
import type { ToChild, ToParent } from './ipc';

export interface EngineProcessOptions {
  /** Module exporting `createEngineApi()` (path or URL); default: the built-in engine (engine-api.ts). */
  apiModule?: string;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** Called after each crash, before the restart (for logs). */
  onCrash?: (info: CrashInfo) => void;
}

/** One client's view of the engine process: send frames, receive frames; survives restarts. */
export interface EngineConnection {
  send(msg: unknown): void;
  onMessage(cb: (frame: Frame) => void): () => void;
  close(): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'child.ts');
// Loaded by absolute URL so the child does not depend on its working directory to find tsx.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export class EngineProcess {
  private child: ChildProcess | null = null;
  private ready = false;
  private stopping = false;
  /** What arrives while the child is not ready; full, a call is answered E_ENGINE_RESTARTING (relay.ts). */
  private readonly queue = restartQueue<ToChild>();
  private readonly conns = new Map<
    number,
    { messages: Listeners<[Frame]>; tracker: ReturnType<typeof crashTracker> }
  >();
  private nextConn = 1;
  private crashesInARow = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private readyAt = 0;
  private everReady = false;
  readonly crashes = new Listeners<[CrashInfo]>();

  constructor(private readonly opts: EngineProcessOptions = {}) {}

  /** Start the child; resolves when it is ready to serve, rejects when it dies before that. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = fork(CHILD, [], {
        execArgv: ['--import', TSX],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env,
          ...this.opts.env,
          ...(this.opts.apiModule ? { NETLOOM_ENGINE_API: this.opts.apiModule } : {}),
        },
      });
      this.child = child;
      this.ready = false;
      let settled = false;
      child.on('message', (raw) => {
        const m = raw as ToParent;
        if (m.k === 'ready') {
          this.ready = true;
          this.readyAt = Date.now();
          this.everReady = true;
          // A fresh process knows no connections: open the live ones again, then flush what waited.
          for (const id of this.conns.keys()) this.post({ k: 'open', conn: id });
          for (const q of this.queue.drain()) this.post(q);
          settled = true;
          resolve();
        } else if (m.k === 'msg') {
          const c = this.conns.get(m.conn);
          c?.tracker.fromEngine(m.data);
          c?.messages.emit(m.data as Frame);
        }
      });
      child.on('error', (err) => {
        if (settled) return;
        settled = true;
        reject(err);
      });
      child.on('exit', (code, signal) => {
        if (this.child !== child) return;
        this.child = null;
        this.ready = false;
        if (this.stopping) return;
        if (!settled) {
          settled = true;
          reject(new Error(`engine process exited before it was ready (code ${code}, signal ${signal})`));
          if (!this.everReady) return; // the very first start failing is the caller's error to report
        }
        this.onCrash({ exitCode: code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** A new client connection relayed to the engine. */
  connect(): EngineConnection {
    const id = this.nextConn++;
    const messages = new Listeners<[Frame]>();
    const tracker = crashTracker();
    this.conns.set(id, { messages, tracker });
    this.post({ k: 'open', conn: id });
    return {
      send: (data) => {
        tracker.toEngine(data);
        this.post({ k: 'msg', conn: id, data });
      },
      onMessage: (cb) => messages.add(cb),
      close: () => {
        if (this.conns.delete(id)) this.post({ k: 'close', conn: id });
      },
    };
  }

  /** Ask the child to stop the run and exit; kill it if it does not within `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    this.post({ k: 'shutdown' });
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private post(m: ToChild) {
    const child = this.child;
    if (!child || !this.ready || !child.connected) {
      if (m.k === 'open') return; // a fresh process opens every live connection itself
      const r = this.queue.offer(m, m.k === 'msg' ? m.data : undefined);
      const c = m.k === 'msg' && !r.queued && r.answer ? this.conns.get(m.conn) : undefined;
      if (c && !r.queued && r.answer) {
        c.tracker.fromEngine(r.answer);
        c.messages.emit(r.answer);
      }
      return;
    }
    try {
      child.send(m);
    } catch {
      // The child died between our check and the send; its 'exit' handler reports the crash.
    }
  }

  private onCrash(info: CrashInfo) {
    // Calls that were queued for the dead process will be failed by the tracker; do not replay them.
    this.queue.clear();
    for (const c of this.conns.values()) for (const f of c.tracker.crashed(info)) c.messages.emit(f);
    this.crashes.emit(info);
    this.opts.onCrash?.(info);
    // Back off when it keeps dying soon after starting, so a broken engine does not spin a core.
    if (Date.now() - this.readyAt > 30_000) this.crashesInARow = 0;
    const delay = Math.min(5000, 100 * 2 ** this.crashesInARow++);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start().catch((err) => console.error('netloom serve: engine restart failed:', err.message));
    }, delay);
  }
}
