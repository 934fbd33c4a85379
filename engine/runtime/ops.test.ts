// The runtime's op table is typed against the layer catalogue. The `@ts-expect-error` lines are checked by
// `npm run typecheck`: if OPS were ever loosened to a Record<string, Op>, a table missing a kind would
// type-check again, the directives would be unused, and tsc would fail.
import { beforeAll, describe, expect, it } from 'vitest';
import { LAYERS, type LayerTable } from '../core';
import { selectBackend } from './backends/registry';
import { opFor, OPS, type Op } from './ops';

beforeAll(async () => {
  await selectBackend('cpu');
});

const { Centered: _dropped, ...withoutCentered } = OPS;

// @ts-expect-error — a layer kind without its op does not type-check as the runtime's table.
const incomplete: typeof OPS = withoutCentered;

// @ts-expect-error — the table has no entry for a kind the catalogue does not declare.
const unknown = OPS.Softmax;

// OPS's declared type is exactly one op per catalogue kind.
const exact: LayerTable<Op> extends typeof OPS ? (typeof OPS extends LayerTable<Op> ? true : false) : false = true;

describe('op table', () => {
  it('has an op for every kind of the catalogue and nothing else', () => {
    expect(Object.keys(OPS).sort()).toEqual(LAYERS.map((l) => l.type).sort());
    for (const l of LAYERS) expect(opFor(l.type)).toBe(OPS[l.type]);
    expect(Object.keys(incomplete)).not.toContain('Centered');
    expect(unknown).toBeUndefined();
    expect(exact).toBe(true);
  });

  it('refuses a type outside the catalogue with a message naming it', () => {
    expect(() => opFor('Softmax')).toThrow(/no tfjs implementation for Softmax/);
    // Inherited object keys are not layer kinds.
    expect(() => opFor('toString')).toThrow(/no tfjs implementation for toString/);
  });
});
