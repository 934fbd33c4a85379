// What a layer kind declares, once. Palette, inspector form, validation, shape inference, parameter
// shapes, FLOPs, parameter layouts and the editor's per-kind behaviour (palette group, numbered input ports) all
// derive from this declaration; the runtime and exporters key their mappings on `type` (a LayerTable).
import type { ErrorCode } from '../errors';
import type { Init } from '../ir/schema';

/** A tensor shape for one sample, channels first: (C, H, W) or (F). */
export type Shape = readonly number[];

export type ParamDescriptor =
  | { kind: 'int'; default: number | null; min?: number; max?: number; nullable?: boolean; doc: string }
  | { kind: 'float'; default: number; min?: number; max?: number; doc: string }
  | { kind: 'bool'; default: boolean; doc: string }
  | { kind: 'enum'; default: string; options: readonly string[]; doc: string }
  /** An int or an (h, w) pair, as Gluon's kernel_size/strides/padding. `null` default means "derived" (pool strides = pool size). */
  | { kind: 'size2'; default: number | null; min: number; nullable?: boolean; doc: string };

export type ParamValues = Record<string, number | boolean | string | number[] | null>;

/**
 * What one axis of a parameter tensor indexes: `out` the layer's outputs (units, filters, or the channels a
 * per-channel parameter scales), `in` its inputs (features, input channels), `kh`/`kw` the kernel window.
 * Each backend or format derives its own layout from these (tfjs: [kh, kw, in, out]) instead of per-kind code.
 */
export type ParamAxis = 'out' | 'in' | 'kh' | 'kw';

/** A parameter tensor a layer owns, e.g. `weight` of shape (units, in_units). */
export interface ParamSpec {
  name: string;
  /** In Gluon's layout, which import/export and the document's numbers speak. */
  shape: number[];
  /** The meaning of each axis of `shape`, in the same order: Dense's weight (units, in_units) is ['out', 'in']. */
  axes: readonly ParamAxis[];
  /** false for running statistics (BatchNorm's running_mean/var): updated, never trained. */
  trainable: boolean;
  init: Init;
}

/**
 * Problems with what reaches a layer's inputs: what `shape` may report, and the wiring checks (a wrong number of
 * inputs, a port fed twice). The editor pins them on the layer's input port (port 0 when none is named).
 */
export const INPUT_ERRORS = [
  'E_RANK',
  'E_SHAPE_TOO_SMALL',
  'E_SHAPE_MISMATCH',
  'E_ARITY',
  'E_PORT_TAKEN',
] as const satisfies readonly ErrorCode[];

export interface ShapeIssue {
  /** Only input problems: a layer's `shape` reporting another code would not show on its port. */
  code: (typeof INPUT_ERRORS)[number];
  detail: string;
  port?: number;
}

/** The palette's groups, in the order it shows them; each has its colour (`--cat-<name>`) in the stylesheet. */
export const CATEGORIES = [
  'Core',
  'Convolution',
  'Pooling',
  'Activation',
  'Normalization',
  'Regularization',
  'Merge',
  'Custom',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** `K` is the kind's literal name, so the catalogue's kinds form a union (`LayerKind`) that tables are typed against. */
export interface LayerDef<K extends string = string> {
  type: K;
  category: Category;
  /** Gluon's name prefix: Dense → `dense`, Conv2D → `conv`. */
  alias: string;
  /** One line for the palette. */
  doc: string;
  params: Record<string, ParamDescriptor>;
  /** Number of inputs: 1 for most layers, 2..∞ for merges (whose inputs are numbered ports; see `isMerge`). */
  inputs: { min: number; max: number };
  /** Output shape, or the reason there is none. Inputs already have the arity checked. */
  shape(inputs: Shape[], p: ParamValues): Shape | ShapeIssue;
  /** Parameter tensors for these inputs (deferred sizes resolved from the input shape). */
  paramSpecs?(inputs: Shape[], p: ParamValues): ParamSpec[];
  /** Floating-point operations for one sample (a multiply-add counts 2). */
  flops(inputs: Shape[], out: Shape, p: ParamValues): number;
}

/** Declares a layer kind, keeping its `type` as a literal (write `defineLayer({ type: 'Dense', ... })`). */
export const defineLayer = <K extends string>(def: LayerDef<K>): LayerDef<K> => def;

export const isIssue = (s: Shape | ShapeIssue): s is ShapeIssue => !Array.isArray(s);
export const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
