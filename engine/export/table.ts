// The catalogue's layer kinds as a type, so each exporter's per-layer mapping is a table that must name every
// kind: a new layer kind without an ONNX/TF.js mapping fails the type check (`npx tsc`), not a user's export.
// `layer-table.test.ts` proves this list is exactly the catalogue (engine/core's LAYERS).
// TODO(core): engine/core is gaining `LayerKind`/`LayerTable<T>` (literal `type`s via defineLayer); switch to it
// when it lands and drop this list.
export const LAYER_KINDS = [
  'Dense',
  'Conv2D',
  'MaxPool2D',
  'AvgPool2D',
  'GlobalAvgPool2D',
  'Flatten',
  'Activation',
  'Dropout',
  'BatchNorm',
  'Concat',
  'Add',
  'Centered',
] as const;

export type LayerKind = (typeof LAYER_KINDS)[number];

/** One entry per layer kind of the catalogue. */
export type LayerTable<T> = { [K in LayerKind]: T };
