// The layer catalogue. Adding a layer kind: write one file declaring it with defineLayer, add it to LAYERS.
// Every table keyed by kind (the runtime's ops, each exporter's mapping) is a LayerTable, so a kind added here
// without its entry there fails the type check instead of a user's run.
import { Dense } from './dense';
import { Conv2D } from './conv2d';
import { AvgPool2D, GlobalAvgPool2D, MaxPool2D } from './pool';
import { Activation, Centered, Dropout, Flatten } from './simple';
import { BatchNorm } from './batchnorm';
import { Add, Concat } from './merge';
import type { LayerDef } from './types';

export const LAYERS = [
  Dense,
  Conv2D,
  MaxPool2D,
  AvgPool2D,
  GlobalAvgPool2D,
  Flatten,
  Activation,
  Dropout,
  BatchNorm,
  Concat,
  Add,
  Centered,
] as const satisfies readonly LayerDef[];

/** The name of a layer kind in the catalogue: 'Dense' | 'Conv2D' | … */
export type LayerKind = (typeof LAYERS)[number]['type'];

/**
 * One entry per layer kind, checked by the compiler: a table missing a kind (or naming one the catalogue does
 * not have) does not type-check. Use it for every per-kind mapping: `const OPS: LayerTable<Op> = { ... }`.
 */
export type LayerTable<T> = { readonly [K in LayerKind]: T };

const byType = new Map<string, LayerDef<LayerKind>>(LAYERS.map((l) => [l.type, l]));

/** The declaration of a layer type, or undefined for an unknown type. */
export const layerDef = (type: string): LayerDef<LayerKind> | undefined => byType.get(type);

/**
 * Whether a layer kind takes several inputs, each on its own numbered port (Concat, Add): declared once, as the
 * kind's input arity. False for unknown kinds.
 */
export const isMerge = (type: string): boolean => (layerDef(type)?.inputs.max ?? 1) > 1;

/** Whether `type` names a kind of the catalogue (narrows a document's string to a LayerTable key). */
export const isLayerKind = (type: string): type is LayerKind => byType.has(type);

export * from './types';
export { ACTIVATIONS } from './util';
