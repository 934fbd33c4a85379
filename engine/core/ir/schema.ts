// The network document (IR): a versioned JSON format for Gluon-style Block trees.
// The zod schema is the single definition; the TypeScript types are derived from it.
import { z } from 'zod';

export const FORMAT = 'netloom/network';
export const VERSION = 1;

/**
 * The deepest nesting of objects and arrays a document may have. The schema, expansion and shape inference
 * recurse per level, and a stack overflows near 1,600 levels (800 nested blocks); the templates use 9 and a
 * block level costs 2 (a block and its `children`), so 100 leaves room for 45 nested blocks. Checked
 * iteratively by `jsonDepthExceeds` before any recursive parsing.
 */
export const MAX_DEPTH = 100;

/**
 * True when `value` nests objects/arrays more than `limit` levels deep (`{a: [1]}` is 2 levels).
 * Iterative, so it cannot overflow the stack however deep the input; typed arrays count as leaves.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (depth > limit) return true;
    for (const k in v) stack.push([(v as Record<string, unknown>)[k], depth + 1]);
  }
  return false;
}

/** A reference to a block-definition argument, usable wherever a literal value is. `index` picks a tuple element. */
export const ArgRef = z.object({ $arg: z.string().min(1), index: z.number().int().min(0).optional() }).strict();
export type ArgRef = z.infer<typeof ArgRef>;

const Literal = z.union([z.number(), z.boolean(), z.string(), z.array(z.number()), z.null()]);
export const Value = z.union([Literal, ArgRef]);
export type Value = z.infer<typeof Value>;
export type Literal = z.infer<typeof Literal>;

/** Initializers, as in Gluon's `mx.init`. `my-init` is the seed's MyInit (weights U[5,10], biases 2). */
export const Init = z.discriminatedUnion('type', [
  z.object({ type: z.literal('zeros') }).strict(),
  z.object({ type: z.literal('ones') }).strict(),
  z.object({ type: z.literal('constant'), value: z.number() }).strict(),
  z.object({ type: z.literal('uniform'), low: z.number().default(-0.07), high: z.number().default(0.07) }).strict(),
  z
    .object({ type: z.literal('normal'), mean: z.number().default(0), std: z.number().positive().default(0.01) })
    .strict(),
  z
    .object({
      type: z.literal('xavier'),
      magnitude: z.number().positive().default(3),
      distribution: z.enum(['uniform', 'normal']).default('uniform'),
    })
    .strict(),
  z.object({ type: z.literal('he'), distribution: z.enum(['uniform', 'normal']).default('normal') }).strict(),
  z.object({ type: z.literal('my-init') }).strict(),
]);
export type Init = z.infer<typeof Init>;

/** Applies `init` to every parameter whose Gluon name matches `pattern` (a regex, searched like Gluon's `collect_params(select)`). */
export const InitRule = z.object({ pattern: z.string(), init: Init }).strict();
export type InitRule = z.infer<typeof InitRule>;

const Id = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'ids are letters, digits, _ and -, not starting with a digit');

/** Fields every block may carry. `when` drops the block (it becomes identity) when false; `repeat` clones it N times. */
const common = {
  id: Id,
  name: z.string().optional(),
  trainable: z.boolean().optional(),
  when: Value.optional(),
  repeat: Value.optional(),
};

export interface LayerBlock {
  kind: 'layer';
  id: string;
  type: string;
  params?: Record<string, Value>;
  share?: string;
  constant?: boolean;
  init?: Record<string, Init>;
  name?: string;
  trainable?: boolean;
  when?: Value;
  repeat?: Value;
}
export interface SequentialBlock {
  kind: 'sequential';
  id: string;
  children: Block[];
  name?: string;
  trainable?: boolean;
  when?: Value;
  repeat?: Value;
}
export interface GraphEdge {
  from: string;
  to: string;
  port?: number;
}
export interface GraphBlock {
  kind: 'graph';
  id: string;
  nodes: Block[];
  edges: GraphEdge[];
  output: string;
  name?: string;
  trainable?: boolean;
  when?: Value;
  repeat?: Value;
}
export interface InstanceBlock {
  kind: 'instance';
  id: string;
  def: string;
  args?: Record<string, Value>;
  name?: string;
  trainable?: boolean;
  when?: Value;
  repeat?: Value;
}
export interface ApplyBlock {
  kind: 'apply';
  id: string;
  target: string;
  name?: string;
  trainable?: boolean;
  when?: Value;
  repeat?: Value;
}
export type Block = LayerBlock | SequentialBlock | GraphBlock | InstanceBlock | ApplyBlock;

export const Block: z.ZodType<Block> = z.lazy(
  () =>
    z.discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('layer'),
          ...common,
          type: z.string().min(1),
          params: z.record(z.string(), Value).optional(),
          share: z.string().optional(),
          constant: z.boolean().optional(),
          /** Per-parameter initializers by parameter name (`weight`, `bias`, …), like Gluon's weight_initializer. */
          init: z.record(z.string(), Init).optional(),
        })
        .strict(),
      z.object({ kind: z.literal('sequential'), ...common, children: z.array(Block) }).strict(),
      z
        .object({
          kind: z.literal('graph'),
          ...common,
          nodes: z.array(Block),
          edges: z.array(
            z.object({ from: z.string(), to: z.string(), port: z.number().int().min(0).optional() }).strict(),
          ),
          output: z.string(),
        })
        .strict(),
      z
        .object({
          kind: z.literal('instance'),
          ...common,
          def: z.string().min(1),
          args: z.record(z.string(), Value).optional(),
        })
        .strict(),
      z.object({ kind: z.literal('apply'), ...common, target: z.string().min(1) }).strict(),
    ]) as z.ZodType<Block>,
);

export const ArgType = z.enum(['int', 'float', 'bool', 'string', 'ints']);
export type ArgType = z.infer<typeof ArgType>;

/** A reusable block definition with typed arguments, like a Gluon Block subclass (`Residual(num_channels, ...)`). */
export const Definition = z
  .object({
    doc: z.string().optional(),
    args: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
            type: ArgType,
            default: Literal.optional(),
            min: z.number().optional(),
            max: z.number().optional(),
            doc: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    body: Block,
  })
  .strict();
export type Definition = z.infer<typeof Definition>;

/** A learning-rate schedule: constant, step decay (×gamma every `every` epochs) or cosine annealing to `minLr`. */
export const Schedule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('constant') }).strict(),
  z.object({ type: z.literal('step'), every: z.number().int().positive(), gamma: z.number().gt(0).lte(1) }).strict(),
  z.object({ type: z.literal('cosine'), minLr: z.number().min(0).optional() }).strict(),
]);
export type Schedule = z.infer<typeof Schedule>;

/** Early stopping: end the run when validation loss has not improved by `minDelta` for `patience` epochs. */
export const EarlyStop = z
  .object({ patience: z.number().int().positive(), minDelta: z.number().min(0).optional() })
  .strict();
export type EarlyStop = z.infer<typeof EarlyStop>;

/** Fraction of the training data held out for validation when a run does not say (seeded). */
export const DEFAULT_VALIDATION_SPLIT = 0.1;

/** Recommended training settings (NETWORKS.md's defaults) carried by templates and projects. */
export const TrainingSettings = z
  .object({
    /** A built-in (`fashion-mnist`, `mnist`), an image folder or a .csv/.tsv file path. */
    dataset: z.string().default('fashion-mnist'),
    /** CSV sources: the header name of the label column (default "label"). */
    labelColumn: z.string().min(1).optional(),
    /** Fraction of the training data held out for validation (default DEFAULT_VALIDATION_SPLIT). */
    validationSplit: z.number().min(0).max(0.9).optional(),
    schedule: Schedule.optional(),
    earlyStop: EarlyStop.optional(),
    resize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    optimizer: z.enum(['sgd', 'adam']).default('sgd'),
    lr: z.number().positive(),
    momentum: z.number().min(0).max(1).optional(),
    weightDecay: z.number().min(0).optional(),
    batchSize: z.number().int().positive().default(256),
    epochs: z.number().int().positive().default(10),
    /** The backend to train on (`wasm`, `torch`…); absent: the engine's automatic choice. */
    backend: z.string().min(1).optional(),
    /** Data-parallel workers on wasm: 1–8, or 'auto' (the engine measures 1 vs the cores); absent: 1. */
    workers: z.union([z.number().int().min(1).max(8), z.literal('auto')]).optional(),
  })
  .strict();
export type TrainingSettings = z.infer<typeof TrainingSettings>;

/**
 * Trained weights stored in a project file, keyed by Gluon parameter name. Values are little-endian
 * float32 in base64, in the parameter's Gluon shape (Dense (units, in), Conv2D (C, Cin, kh, kw)).
 */
export const Weights = z.record(
  z.string(),
  z.object({ shape: z.array(z.number().int().nonnegative()), data: z.string() }).strict(),
);
export type Weights = z.infer<typeof Weights>;

export const NetworkDoc = z
  .object({
    format: z.literal(FORMAT),
    version: z.literal(VERSION),
    name: z.string().min(1),
    description: z.string().optional(),
    input: z.object({ shape: z.array(z.number().int().positive()).min(1).max(3) }).strict(),
    definitions: z.record(z.string(), Definition).default({}),
    root: Block,
    initializers: z.array(InitRule).default([]),
    forceReinit: z.boolean().optional(),
    training: TrainingSettings.optional(),
    weights: Weights.optional(),
    /** Editor view state (positions, collapsed groups). Opaque to the engine. */
    view: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type NetworkDoc = z.infer<typeof NetworkDoc>;
/** What authors write: defaults may be omitted. */
export type NetworkDocInput = z.input<typeof NetworkDoc>;
