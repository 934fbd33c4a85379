// The engine's end of one worker: its thread, the one request in flight, and how it fails (an error message,
// an uncaught throw, an exit) — any of which fails the pending request and, through onFailure, the whole step.
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './messages';

/**
 * The worker script. From sources, ./worker-entry.mjs registers tsx and imports worker.ts; in the Electron bundle,
 * electron/bundle.ts emits the bundled worker as worker-entry.mjs beside engine.mjs, where this same URL (relative to
 * the bundled module) points. `entry` overrides it (tests of the bundle).
 */
export function workerEntry(entry?: URL | string): Worker {
  return new Worker(entry ?? new URL('./worker-entry.mjs', import.meta.url));
}

interface Pending {
  type: FromWorker['type'];
  resolve: (m: FromWorker) => void;
  reject: (e: Error) => void;
}

export class WorkerLink {
  private pending: Pending | null = null;
  failure: Error | null = null;
  constructor(
    readonly rank: number,
    readonly worker: Worker,
    onFailure: (e: Error) => void,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') return this.fail(new Error(`worker ${rank}: ${m.message}`), onFailure);
      const p = this.pending;
      if (p && p.type === m.type) {
        this.pending = null;
        p.resolve(m);
      }
    });
    worker.on('error', (e) => this.fail(new Error(`worker ${rank} died: ${e.message}`), onFailure));
    worker.on('exit', (code) => this.fail(new Error(`worker ${rank} exited (code ${code})`), onFailure));
  }
  private fail(e: Error, onFailure: (e: Error) => void) {
    if (this.failure) return;
    this.failure = e;
    this.pending?.reject(e);
    this.pending = null;
    onFailure(e);
  }
  request<T extends FromWorker['type']>(msg: ToWorker, reply: T): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { type: reply, resolve: resolve as (m: FromWorker) => void, reject };
      this.worker.postMessage(msg);
    });
  }
}
