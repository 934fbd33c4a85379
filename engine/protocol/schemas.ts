// Payload schemas shared by several calls and events. Each is described once with zod; the TS types
// are derived (`z.infer`) so the wire format and the types cannot drift apart.
import { z } from 'zod';
import { EarlyStop, Schedule } from '../core';

// Typed arrays travel as binary (see codec.ts). zod checks the class, never the elements.
export const f32 = z.instanceof(Float32Array);
export const u8 = z.instanceof(Uint8Array);
export const i32 = z.instanceof(Int32Array);
export const u32 = z.instanceof(Uint32Array);

const int = z.number().int();
const nonneg = z.number().int().nonnegative();

/**
 * The network document. The protocol checks only that it is present; the engine validates it with
 * engine/core (which names the failing path) so there is exactly one document schema.
 */
export const docSchema = z.unknown().refine((d) => d !== undefined && d !== null, 'a network document is required');

export const errorData = z.object({ code: z.string(), message: z.string(), data: z.unknown().optional() });

export const dataSpec = z.object({
  /** A data set id from `data/list` (`fashion-mnist`, `mnist`) or a user source (`folder:/path`, `csv:/path`). */
  source: z.string().min(1),
  /** Use only the first N training samples (quick runs, tests). */
  limit: z.number().int().positive().optional(),
  /** Resize images to this side length (AlexNet 224, ResNet 96…). */
  resize: z.number().int().positive().optional(),
  /** Fraction of the training set held out for validation (seeded; default DEFAULT_VALIDATION_SPLIT). */
  validationSplit: z.number().min(0).max(0.9).optional(),
  /** CSV sources: the header name of the label column (default "label"). */
  labelColumn: z.string().min(1).optional(),
});

export const trainConfig = z.object({
  doc: docSchema,
  data: dataSpec,
  epochs: z.number().int().positive().max(10_000),
  batchSize: z.number().int().positive().max(65_536),
  lr: z.number().positive().finite(),
  optimizer: z.enum(['sgd', 'adam']),
  momentum: z.number().min(0).max(1).optional(),
  weightDecay: z.number().min(0).optional(),
  seed: int.optional(),
  /** Override the automatically chosen backend (`wasm`, `cpu`, `tensorflow`…). */
  backend: z.string().optional(),
  schedule: Schedule.optional(),
  earlyStop: EarlyStop.optional(),
  /** Hold the run before its first batch (then `train/step` / `train/resume` drive it). */
  startPaused: z.boolean().optional(),
  /** Pause after this many batches in total (global step), deterministically, whatever the machine's speed. */
  pauseAtStep: nonneg.optional(),
  /**
   * Data-parallel workers on the wasm backend; more than the cores is clamped, with a note. 'auto': the physical
   * cores (at most 8), kept only when the first steps measure them faster than one worker (a state event says); asked
   * for by name it also picks wasm. Absent: 'auto' when the run is on wasm (the backend chosen as without workers).
   */
  workers: z.union([z.number().int().min(1).max(8), z.literal('auto')]).optional(),
});
export type TrainConfig = z.infer<typeof trainConfig>;

/**
 * Data-parallel workers run replicas on the wasm backend only: W > 1 with another backend named is refused when
 * the run is asked for (train/start, the CLI's --workers), in these words; null when the pair is fine ('auto' on
 * another backend means one worker, which the run says).
 */
export function workersBackendConflict(workers: TrainConfig['workers'], backend: string | undefined): string | null {
  if (typeof workers !== 'number' || workers <= 1 || backend === undefined || backend === 'wasm') return null;
  return `workers ${workers} needs the wasm backend (each worker runs a replica on it), not ${backend}`;
}

export const runState = z.enum(['starting', 'running', 'paused', 'stopping', 'done', 'stopped', 'failed']);
export type RunState = z.infer<typeof runState>;
/** States in which a run still owns the engine (a second `train/start` gets E_BUSY). */
export const ACTIVE_STATES: readonly RunState[] = ['starting', 'running', 'paused', 'stopping'];

/** What control calls (`train/pause` …) answer: where the run is now. */
export const runStatus = z.object({ runId: z.string(), state: runState, epoch: nonneg, step: nonneg });
export type RunStatus = z.infer<typeof runStatus>;

export const runRef = z.object({ runId: z.string().optional() });

// ---- events ----

export const progressEvent = z.object({
  runId: z.string(),
  epoch: nonneg,
  step: nonneg,
  stepsPerEpoch: nonneg,
  loss: z.number(),
  acc: z.number().optional(),
  lr: z.number(),
  samplesPerSec: z.number().optional(),
  elapsedMs: z.number().optional(),
});
export type ProgressEvent = z.infer<typeof progressEvent>;

export const epochEvent = z.object({
  runId: z.string(),
  epoch: nonneg,
  trainLoss: z.number(),
  trainAcc: z.number().optional(),
  valLoss: z.number().optional(),
  valAcc: z.number().optional(),
  /** Which part the val* figures come from: the held-out validation split, or the test set when there is none. */
  valSource: z.enum(['validation', 'test']).optional(),
  durationMs: z.number().optional(),
});
export type EpochEvent = z.infer<typeof epochEvent>;

export const stateEvent = z.object({
  runId: z.string(),
  state: runState,
  reason: z.string().optional(),
  /** The backend the run trains on and why ("automatic, fastest CPU backend in the probe: …"), once it started. */
  backend: z.object({ name: z.string(), reason: z.string() }).optional(),
  /** The data-parallel workers in use and why ("2 workers: 1.6× one worker"), once known. */
  workers: z.object({ count: z.number().int().positive(), reason: z.string() }).optional(),
});

export const anomalyEvent = z.object({
  runId: z.string(),
  kind: z.enum(['nan', 'inf', 'exploding', 'vanishing', 'dead']),
  /** Block path of the first block that showed the anomaly, when known. */
  block: z.string().optional(),
  step: nonneg,
  message: z.string(),
  /** True when the engine paused the run because of it. */
  paused: z.boolean(),
});
export type AnomalyEvent = z.infer<typeof anomalyEvent>;

export const doneEvent = z.object({
  runId: z.string(),
  state: z.enum(['done', 'stopped', 'failed']),
  epochs: nonneg,
  error: errorData.optional(),
  final: z
    .object({
      loss: z.number().optional(),
      acc: z.number().optional(),
      valLoss: z.number().optional(),
      valAcc: z.number().optional(),
      /** The test set, evaluated once at the end of the run. */
      testLoss: z.number().optional(),
      testAcc: z.number().optional(),
    })
    .optional(),
});

/** Snapshot the host keeps of the current (or last) run, returned by `train/attach`. */
export const runSnapshot = z.object({
  runId: z.string(),
  state: runState,
  config: trainConfig,
  startedAt: z.number(),
  epoch: nonneg,
  step: nonneg,
  lastProgress: progressEvent.nullable(),
  epochs: z.array(epochEvent),
  anomalies: z.array(anomalyEvent),
  done: doneEvent.nullable(),
});
export type RunSnapshot = z.infer<typeof runSnapshot>;

// ---- shape inference (mirrors engine/core's InferResult; loose so core can add fields) ----

export const inferResult = z.looseObject({
  name: z.string(),
  input: z.array(z.number()),
  output: z.array(z.number()).nullable(),
  params: z.looseObject({ trainable: z.number(), nonTrainable: z.number() }),
  flops: z.number(),
  blocks: z.array(
    z.looseObject({
      path: z.string(),
      type: z.string(),
      outputShape: z.array(z.number()).nullable(),
      params: z.number(),
    }),
  ),
  errors: z.array(
    z.looseObject({ code: z.string(), path: z.string(), port: z.number().optional(), message: z.string() }),
  ),
  warnings: z.array(z.looseObject({ code: z.string(), path: z.string(), message: z.string() })).optional(),
});
