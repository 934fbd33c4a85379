// Payloads of visual debugging (issue 12): activation and parameter snapshots, the health stream, the
// evaluation and the verbose trace. Tensors travel as typed arrays (never JSON number arrays); every
// per-channel or per-parameter series is a typed array indexed like its companion list of names.
import { z } from 'zod';
import { f32, i32, u32 } from './schemas';

const nonneg = z.number().int().nonnegative();

/** Limits the engine enforces (refused with E_DEBUG_LIMIT naming the limit). */
export const DEBUG_LIMITS = {
  /** Open subscriptions per connection. */
  subscriptions: 8,
  /** Block paths in one subscription. */
  blocks: 32,
  /** Largest `maxValues` a subscription may ask for (a 64-channel 112×112 map of one sample fits). */
  maxValues: 1 << 20,
  /** Probe samples at most. */
  probeSamples: 64,
} as const;

/** The histogram of a tensor's finite values: `bins` equal-width bins from `min` to `max` (32 in snapshots). */
export const histogram = z.object({ min: z.number(), max: z.number(), counts: u32 });

/**
 * Whole-tensor statistics; `zeros` is the fraction of exact zeros. NaN and ±Inf (a diverging run) are counted
 * in `nonFinite` and left out of the others, which are therefore always finite (0 when no value is): JSON has
 * no NaN, so a non-finite figure would arrive as null and fail here, dropping the very snapshot that shows it.
 */
export const tensorStats = z.object({
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  zeros: z.number(),
  /** L2 norm of the whole tensor. */
  norm: z.number(),
  /** Values that are NaN or ±Inf (absent: none). */
  nonFinite: nonneg.optional(),
});

/**
 * Per-channel statistics: each array has one entry per channel (axis 1 of the channels-first shape), over its
 * finite values; `nonFinite` counts the NaN/±Inf values of each channel (absent: none).
 */
export const channelStats = z.object({
  mean: f32,
  std: f32,
  min: f32,
  max: f32,
  zeros: f32,
  nonFinite: f32.optional(),
});

/**
 * One block's output on the probe batch, channels first (N, C, H, W) or (N, F).
 * `data` holds the first `dataShape[0]` probe samples, every `stride`-th row and column (conv maps) so a
 * subsampled map is still a grid: at most `maxValues` values. The statistics always cover the whole tensor.
 */
export const activationSnapshot = z.object({
  path: z.string(),
  /** Full shape on the probe batch, channels first: [N, C, H, W] or [N, F]. */
  shape: z.array(nonneg),
  data: f32,
  dataShape: z.array(nonneg),
  stride: z.number().int().positive(),
  stats: tensorStats,
  channels: channelStats,
});
export type ActivationSnapshot = z.infer<typeof activationSnapshot>;

/** One parameter of a watched block (its Gluon layout), with the last step's gradient and update. */
export const paramSnapshot = z.object({
  /** Gluon name (`sequential0_conv0_weight`). */
  name: z.string(),
  /** The watched block that uses it, and the block that owns it (differs when shared or applied twice). */
  block: z.string(),
  owner: z.string(),
  shape: z.array(nonneg),
  weight: z.object({ stats: tensorStats, histogram }),
  /** Absent before the first step, and for parameters that are not trained. */
  grad: z.object({ stats: tensorStats, histogram }).optional(),
  /** ‖w after − w before‖ / ‖w before‖ of the last step (absent when not finite: the weights diverged). */
  updateRatio: z.number().optional(),
});
export type ParamSnapshot = z.infer<typeof paramSnapshot>;

/** Which samples the probe forward pass runs on (default: the first 8 test samples). */
export const probeSpec = z.object({
  split: z.enum(['train', 'test']).default('test'),
  indices: z.array(nonneg).min(1).max(DEBUG_LIMITS.probeSamples).optional(),
});

export const snapshotPayload = z.object({
  runId: z.string(),
  subscriptionId: z.string(),
  /** Global step (batches taken) the snapshot was taken after. */
  step: nonneg,
  /** The probe samples, for the Inside view's image beside the maps: indices, labels and inputs (N, C, H, W). */
  probe: z.object({ split: z.enum(['train', 'test']), indices: i32, labels: i32, input: f32, shape: z.array(nonneg) }),
  blocks: z.array(activationSnapshot),
  params: z.array(paramSnapshot),
});
export type SnapshotPayload = z.infer<typeof snapshotPayload>;

/**
 * Cheap norms of every trainable parameter after one step (the Health view). The arrays are indexed like
 * `names`/`blocks`; `blocks[i]` is the owner path of parameter i. At most ~10 per second while training.
 */
export const healthEvent = z.object({
  runId: z.string(),
  step: nonneg,
  names: z.array(z.string()),
  blocks: z.array(z.string()),
  weightNorm: f32,
  gradNorm: f32,
  updateRatio: f32,
});
export type HealthEvent = z.infer<typeof healthEvent>;

/** A subscription that ended by itself (its block no longer exists in the new run's network). */
export const debugErrorEvent = z.object({
  subscriptionId: z.string(),
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
});

export const evaluateResult = z.object({
  split: z.enum(['train', 'validation', 'test']),
  samples: nonneg,
  accuracy: z.number(),
  classes: z.array(z.string()),
  /** Per class (indexed like `classes`): precision and recall (0 when a class is never predicted / present). */
  precision: f32,
  recall: f32,
  support: i32,
  /** Row-major [classes × classes]: confusion[i*C + j] = samples of true class i predicted as j. */
  confusion: i32,
  /** Misclassified samples (up to `maxMisclassified`): index in the split, true label, top-3 classes and probabilities (row-major [m, 3]). */
  misclassified: z.object({ indices: i32, labels: i32, top: i32, probs: f32, total: nonneg }),
});
export type EvaluateResult = z.infer<typeof evaluateResult>;

/** The seed's `verbose` trace: one batch through the network, every block in execution order. */
export const traceResult = z.object({
  batch: nonneg,
  blocks: z.array(
    z.object({
      path: z.string(),
      type: z.string(),
      /** Output for one sample, channels first. */
      shape: z.array(nonneg),
      /** Milliseconds spent in this block (containers: their children's sum). */
      ms: z.number(),
      stats: tensorStats,
    }),
  ),
  totalMs: z.number(),
});
export type TraceResult = z.infer<typeof traceResult>;
