// The one contract between the UI and the engine: every call's params and result, every event's payload,
// described once with zod. `serve` validates params against it, `createClient` validates results and
// events against it, and all TS types below are derived from it.
import { z } from 'zod';
import {
  DEBUG_LIMITS,
  debugErrorEvent,
  evaluateResult,
  healthEvent,
  probeSpec,
  snapshotPayload,
  traceResult,
} from './debug-schemas';
import {
  anomalyEvent,
  dataSpec,
  docSchema,
  doneEvent,
  epochEvent,
  errorData,
  f32,
  i32,
  inferResult,
  progressEvent,
  runRef,
  runSnapshot,
  runStatus,
  stateEvent,
  trainConfig,
  u8,
} from './schemas';

/** Bumped when a call or event changes incompatibly; `engine/info` reports it so a shell can refuse a mismatch. */
export const PROTOCOL_VERSION = 1;

const empty = z.object({}).default({});
const nonneg = z.number().int().nonnegative();

const datasetInfo = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['builtin', 'folder', 'csv']),
  /** True when the files are present locally (cache or /usr/share/datasets). */
  available: z.boolean(),
  location: z.string().optional(),
  inputShape: z.array(nonneg),
  classes: nonneg,
  classNames: z.array(z.string()).optional(),
  sizes: z.object({ train: nonneg, test: nonneg }).optional(),
  downloadBytes: nonneg.optional(),
});

const exportFile = z.object({
  name: z.string(),
  /** File contents when the engine returns them (remote engine, browser shell). */
  bytes: u8.optional(),
  /** Where the engine wrote the file when a `dir` was given. */
  path: z.string().optional(),
});

/** What a project's weights come from: how far its runs got ("trained: 2 epochs, 85.1 %"), and whether Resume can continue. */
const trainedSummary = z.object({
  /** Completed epochs and batches taken in all, at the saved position. */
  epochs: nonneg,
  step: nonneg,
  /** The last accuracy measured (0..1) and on which part of the data. */
  acc: z.number().optional(),
  accOn: z.enum(['test', 'validation', 'train']).optional(),
  /** Optimizer state and position are saved: `train/start {resume}` continues the run. */
  resumable: z.boolean(),
});

/** The formats the engine writes (engine/export's FORMATS): the network with its weights, and diagrams (svg, png). */
const exportFormat = z.enum(['project', 'tfjs', 'onnx', 'pytorch', 'svg', 'png']);

export const calls = {
  'engine/info': {
    params: empty,
    result: z.object({
      backend: z.string(),
      backends: z
        .array(
          z.object({
            name: z.string(),
            available: z.boolean(),
            note: z.string().optional(),
            /** It trains on a GPU here (torch with CUDA/MPS, tfjs-node-gpu). */
            gpu: z.boolean().optional(),
            /** The speed probe's training images/s on the CPU (a small conv net, batch 64), once measured. */
            imagesPerSec: z.number().optional(),
            /** Why the probe has no figure for it. */
            probeError: z.string().optional(),
          }),
        )
        .optional(),
      /** What trains when train/start names no backend, and why ("fastest CPU backend in the probe: …"). */
      choice: z.object({ name: z.string(), reason: z.string() }).optional(),
      /** CPU cores the engine's machine offers (the upper bound of `workers`, with MAX 8). */
      cores: z.number().int().positive().optional(),
      versions: z.record(z.string(), z.string()),
      protocol: z.number(),
      memory: z.object({
        rss: z.number(),
        heapUsed: z.number(),
        heapTotal: z.number(),
        external: z.number(),
        arrayBuffers: z.number(),
      }),
      pid: z.number(),
      platform: z.string(),
    }),
  },
  'graph/infer': { params: z.object({ doc: docSchema }), result: inferResult },
  'data/list': { params: empty, result: z.object({ datasets: z.array(datasetInfo) }) },
  'data/download': {
    params: z.object({ id: z.string() }),
    result: z.object({ id: z.string(), path: z.string() }),
  },
  /**
   * A quick look at a data source before training (the panel's "Image folder…" / "CSV file…"): a CSV's header
   * and classes, a folder's class folders. Bad files fail with the loader's code and one-line message.
   */
  'data/inspect': {
    params: z.object({
      /** A built-in id, an image folder or a .csv/.tsv file on the engine's machine. */
      source: z.string().min(1),
      /** CSV: the label column (default: "label" when the header has it, else the last column). */
      labelColumn: z.string().min(1).optional(),
    }),
    result: z.object({
      kind: z.enum(['builtin', 'folder', 'csv']),
      name: z.string(),
      classes: nonneg,
      classNames: z.array(z.string()).optional(),
      /** Per sample: images [C, H, W] (a folder's from its first images), tables [features]. */
      inputShape: z.array(nonneg),
      /** Samples in the training and test parts (before any validation split or limit). */
      sizes: z.object({ train: nonneg, test: nonneg }).optional(),
      /** CSV: the header, in file order, and the column used as the label. */
      columns: z.array(z.string()).optional(),
      labelColumn: z.string().optional(),
      /** Built-ins: whether the files are on disk (else `data/download` fetches them). */
      available: z.boolean().optional(),
    }),
  },
  'train/start': {
    params: trainConfig.extend({
      /**
       * A project's bytes (`project/save`'s or a `.netloom` file's) to continue from: its weights (those that
       * still fit the document; the rest start fresh), optimizer state, learning rate, RNG and position.
       */
      resume: u8.optional(),
    }),
    result: z.object({ runId: z.string() }),
  },
  'train/pause': { params: runRef, result: runStatus },
  'train/resume': { params: runRef, result: runStatus },
  'train/step': { params: runRef.extend({ batches: z.number().int().positive().default(1) }), result: runStatus },
  'train/stop': { params: runRef, result: runStatus },
  'train/setLr': { params: runRef.extend({ lr: z.number().positive().finite() }), result: runStatus },
  'train/attach': { params: empty, result: z.object({ run: runSnapshot.nullable() }) },
  /**
   * Watch blocks of a run (default: the current one, and the next ones while their paths exist): their outputs on
   * a fixed probe batch ('activation'), their parameters' weights and gradients ('weight', 'gradient'), and/or
   * every parameter's cheap norms ('health' → `debug/health` events). Snapshots arrive as `debug/activations`
   * events, at most `maxHz` per second while training; `debug/snapshot` takes one on demand (paused, after a run).
   * Unknown paths fail with E_UNKNOWN_BLOCK (data.path); too many subscriptions or blocks with E_DEBUG_LIMIT.
   */
  'debug/subscribe': {
    params: z
      .object({
        runId: z.string().optional(),
        /** Block paths as inference names them: `conv1`, `b2/r1/conv1`, both applications of a reused layer. */
        blocks: z.array(z.string()).default([]),
        kinds: z.array(z.enum(['activation', 'gradient', 'weight', 'health'])).default(['activation']),
        /** Upper bound on snapshots per second while training. */
        maxHz: z.number().positive().max(60).default(10),
        /** Subsample each activation to at most this many values (stats always cover all of it). */
        maxValues: z.number().int().positive().max(DEBUG_LIMITS.maxValues).default(4096),
        probe: probeSpec.optional(),
      })
      .refine((p) => p.blocks.length > 0 || p.kinds.includes('health'), 'name at least one block, or ask for health'),
    result: z.object({
      subscriptionId: z.string(),
      /** Each watched block's output shape for one sample, channels first. */
      blocks: z.array(z.object({ path: z.string(), shape: z.array(nonneg) })),
    }),
  },
  'debug/unsubscribe': { params: z.object({ subscriptionId: z.string() }), result: z.object({}) },
  /** One snapshot now, whatever the throttle (the run paused, or ended: its model stays until the next run). */
  'debug/snapshot': { params: z.object({ subscriptionId: z.string() }), result: snapshotPayload },
  /** The seed's `verbose` trace on the run's model: one batch of probe samples, each block's shape, time, stats. */
  'debug/trace': { params: runRef.extend({ probe: probeSpec.optional() }), result: traceResult },
  /** Accuracy, per-class precision/recall, confusion matrix and misclassified samples of the run's model. */
  'evaluate/run': {
    params: runRef.extend({
      split: z.enum(['train', 'validation', 'test']).default('test'),
      /** Only the first N samples of the split. */
      limit: z.number().int().positive().optional(),
      maxMisclassified: z.number().int().nonnegative().max(10_000).default(200),
    }),
    result: evaluateResult,
  },
  'predict/run': {
    params: z.object({
      runId: z.string().optional(),
      input: z.union([
        z.object({ dataset: dataSpec, split: z.enum(['train', 'test']), indices: z.array(nonneg).min(1) }),
        z.object({ images: f32, shape: z.array(nonneg).min(2) }),
      ]),
    }),
    result: z.object({
      /** Row-major [n, classes] probabilities. */
      probs: f32,
      shape: z.tuple([nonneg, nonneg]),
      predicted: i32,
      /** True labels when the input came from a data set. */
      labels: i32.optional(),
    }),
  },
  'export/run': {
    params: z.object({
      runId: z.string().optional(),
      /** A network document, or a `.netloom` project's bytes (its trained weights: the editor's open project). */
      doc: docSchema.optional(),
      format: exportFormat,
      /** The diagram's colours (svg, png); default light. */
      theme: z.enum(['light', 'dark']).optional(),
      /** Write into this directory on the engine's machine; without it the files come back as bytes. */
      dir: z.string().optional(),
    }),
    result: z.object({ files: z.array(exportFile), warnings: z.array(z.string()) }),
  },
  /**
   * Which blocks a format cannot express, before anything is written (the Export dialog's check).
   */
  'export/check': {
    params: z.object({ doc: docSchema, format: exportFormat }),
    result: z.object({
      problems: z.array(z.object({ path: z.string(), kind: z.string(), reason: z.string() })),
    }),
  },
  /**
   * The `.netloom` project of a document: the network, and the weights, optimizer state and position of the
   * run `runId` (default: none) or else of `base` (the project it was opened from). Weights that no longer fit
   * the document (its structure changed) are dropped and named in `dropped`.
   */
  'project/save': {
    params: z.object({ doc: docSchema, runId: z.string().optional(), base: u8.optional() }),
    result: z.object({ bytes: u8, trained: trainedSummary.nullable(), dropped: z.array(z.string()) }),
  },
  /** Reads a `.netloom` zip or a legacy JSON project: the document (without weights) and what it learned. */
  'project/open': {
    params: z.object({ bytes: u8 }),
    result: z.object({ doc: z.unknown(), trained: trainedSummary.nullable() }),
  },
  'checkpoint/save': {
    params: runRef.extend({ path: z.string().optional() }),
    result: z.object({ epoch: nonneg, step: nonneg, path: z.string().optional(), bytes: u8.optional() }),
  },
  'checkpoint/load': {
    params: z
      .object({ path: z.string().optional(), bytes: u8.optional() })
      .refine((p) => p.path !== undefined || p.bytes !== undefined, 'path or bytes is required'),
    result: z.object({ doc: z.unknown(), epoch: nonneg, step: nonneg }),
  },
} as const;

export const events = {
  'train/progress': progressEvent,
  'train/epoch': epochEvent,
  'train/state': stateEvent,
  'train/anomaly': anomalyEvent,
  'train/done': doneEvent,
  'debug/activations': snapshotPayload,
  'debug/health': healthEvent,
  'debug/error': debugErrorEvent,
  'data/progress': z.object({
    id: z.string(),
    phase: z.enum(['download', 'verify', 'extract', 'done']),
    received: nonneg,
    total: nonneg.nullable(),
  }),
  'engine/log': z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    data: z.unknown().optional(),
  }),
  /** Sent by a shell (not the engine) when the engine process died; the shell has restarted it. */
  'engine/crashed': errorData.extend({ exitCode: z.number().nullable(), signal: z.string().nullable() }),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type Events = typeof events;
export type EventName = keyof Events;

/** What a caller passes (defaults may be omitted). */
export type Params<M extends CallName> = z.input<Calls[M]['params']>;
/** What a handler receives (defaults applied). */
export type HandlerParams<M extends CallName> = z.output<Calls[M]['params']>;
export type Result<M extends CallName> = z.output<Calls[M]['result']>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const isCallName = (m: string): m is CallName => Object.prototype.hasOwnProperty.call(calls, m);
export const isEventName = (e: string): e is EventName => Object.prototype.hasOwnProperty.call(events, e);

/** Context every handler gets: cancellation, and a way to emit events. */
export interface CallContext {
  /** Aborted when the caller cancels or disconnects. Long handlers should check it. */
  signal: AbortSignal;
  /** Identifies the connection the call came from (for per-client subscriptions). */
  connectionId: number;
  /** Send an event to every connected client. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Send an event only to the caller's connection. */
  emitToCaller<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export type Handler<M extends CallName> = (
  params: HandlerParams<M>,
  ctx: CallContext,
) => Promise<Result<M>> | Result<M>;
/** The full handler map; `serve` needs every call (a missing one answers E_NOT_IMPLEMENTED). */
export type Handlers = { [M in CallName]: Handler<M> };
