// The few control messages between the engine and its workers. Bulk data never goes through them: batches,
// gradients and the reduced update live in SharedArrayBuffers; weights travel as typed arrays (structured clone)
// only when the replicas are (re)synchronised.
import type { InferResult } from '../../core';
import type { OptimizerConfig, OptimizerState } from '../optim';

/** Int32 cells of the control buffer. Counters run over all steps: step g is complete at g·W. */
export const ARRIVED = 0; // workers that wrote their gradients into their slot
export const REDUCED = 1; // workers that wrote their chunk of the reduced update
export const ABORT = 2; // set by the engine when a step fails anywhere: waiting workers give up instead of hanging
export const CONTROL_CELLS = 4;
/** Then one cell per worker: how far it got, 2g-1 once step g's gradients are written, 2g once its chunk is. */
export const PROGRESS = CONTROL_CELLS;

/**
 * Per-rank timers (Float64, cumulative ms), in this order: wall time by phase of the step, then 'cpu', the worker
 * thread's CPU time over its steps (thread-cpu.ts). See DataParallel.phases().
 */
export const PHASES = ['compute', 'waitGradients', 'reduce', 'waitReduced', 'apply', 'idle', 'cpu'] as const;
export type Phase = (typeof PHASES)[number];

/** Tests only: what a worker does wrong at step `atStep`. */
export interface Fault {
  /**
   * 'throw': an uncaught exception (a crashing kernel); 'hang': it stops responding (a kernel that never returns);
   * 'start': it fails while starting (no wasm backend, no memory), before any step (atStep unused).
   */
  kind: 'throw' | 'hang' | 'start';
  atStep: number;
  /** The worker that misbehaves (default 1). */
  rank?: number;
}

export type ToWorker =
  | {
      type: 'init';
      rank: number;
      ranks: number;
      net: InferResult;
      seed: number;
      optimizer: OptimizerConfig;
      control: SharedArrayBuffer;
      slots: SharedArrayBuffer[];
      reduced: SharedArrayBuffer;
      timers: SharedArrayBuffer;
      fault?: Fault;
    }
  | { type: 'sync'; weights: Record<string, Float32Array>; optimizer: OptimizerState }
  | {
      type: 'step';
      gen: number;
      lr: number;
      x: SharedArrayBuffer;
      y: SharedArrayBuffer;
      total: number;
      /** Dropout's seed for this step (drawn from the engine's model stream; each rank mixes in its rank). */
      seed: number;
    }
  | { type: 'eval'; x: SharedArrayBuffer; y: SharedArrayBuffer; total: number; logits?: SharedArrayBuffer }
  | { type: 'weights' }
  | { type: 'ping' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'synced' }
  | { type: 'done'; gen: number }
  | { type: 'evaluated' }
  | { type: 'weights'; weights: Record<string, Float32Array> }
  | { type: 'pong' }
  | { type: 'error'; message: string };
