// The few control messages between the engine (rank 0) and its workers. Bulk data never goes through them:
// batches and gradients live in SharedArrayBuffers; weights travel as typed arrays (structured clone) only when
// the replicas are (re)synchronised.
import type { InferResult } from '../../core';
import type { OptimizerConfig, OptimizerState } from '../optim';

/** Int32 cells of the control buffer. */
export const ARRIVED = 0; // ranks that finished writing their slot, over all steps (step g is complete at g·W)
export const ABORT = 1; // set by rank 0 when a step fails anywhere: waiting workers give up instead of hanging
export const CONTROL_CELLS = 4;

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
      /** Tests only: throw, uncaught, at this step, as a crashing kernel would. */
      faultAtStep?: number;
    }
  | {
      type: 'sync';
      weights: Record<string, Float32Array>;
      optimizer: OptimizerState;
      rngState: number;
    }
  | { type: 'step'; gen: number; lr: number; x: SharedArrayBuffer; y: SharedArrayBuffer; total: number }
  | { type: 'weights' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'synced' }
  | { type: 'done'; gen: number }
  | { type: 'weights'; weights: Record<string, Float32Array> }
  | { type: 'error'; message: string };
