// The catalogue's kinds are one literal union, and LayerTable holds every per-kind mapping to it. The
// `@ts-expect-error` lines are the real test: `npm run typecheck` fails if a table missing a kind (or naming
// an unknown one) ever type-checks again, e.g. because LayerKind widened back to `string`.
import { describe, expect, it } from 'vitest';
import { isLayerKind, LAYERS, layerDef, type LayerKind, type LayerTable } from './index';

const ARITY: LayerTable<number> = {
  Dense: 1,
  Conv2D: 1,
  MaxPool2D: 1,
  AvgPool2D: 1,
  GlobalAvgPool2D: 1,
  Flatten: 1,
  Activation: 1,
  Dropout: 1,
  BatchNorm: 1,
  Concat: 2,
  Add: 2,
  Centered: 1,
};

// @ts-expect-error — 'Centered' has no entry: a table must cover every kind.
const missing: LayerTable<number> = {
  Dense: 1,
  Conv2D: 1,
  MaxPool2D: 1,
  AvgPool2D: 1,
  GlobalAvgPool2D: 1,
  Flatten: 1,
  Activation: 1,
  Dropout: 1,
  BatchNorm: 1,
  Concat: 2,
  Add: 2,
};

// @ts-expect-error — 'Softmax' is not a kind of the catalogue.
const unknownKind: LayerKind = 'Softmax';

describe('layer catalogue', () => {
  it('declares each kind once, and every kind is a LayerTable key', () => {
    const kinds = LAYERS.map((l) => l.type);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(Object.keys(ARITY).sort()).toEqual([...kinds].sort());
    expect(Object.keys(missing)).not.toContain('Centered');
    expect(unknownKind).toBe('Softmax');
  });

  it('looks kinds up by name', () => {
    for (const l of LAYERS) {
      expect(isLayerKind(l.type)).toBe(true);
      expect(layerDef(l.type)).toBe(l);
      expect(l.inputs.min).toBe(ARITY[l.type]);
    }
    expect(isLayerKind('Softmax')).toBe(false);
    expect(layerDef('Softmax')).toBeUndefined();
  });
});
