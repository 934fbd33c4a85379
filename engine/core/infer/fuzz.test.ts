// Property tests of inference's promise: whatever it is given — random JSON, or random but document-shaped
// Block trees (layers with wild parameters, nesting, repeats, definitions, edges) — `inferNetwork` returns
// (never throws) within a time bound, and every problem it reports is a catalogued code.
// Bounded for a 2-core machine: a fixed seed (fast-check prints it, and the path, on failure) and modest runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../errors';
import { LAYERS } from '../layers';
import { inferNetwork } from './index';

const SEED = 20261130;
/** Generous: one inference is milliseconds here, the block limit (100,000) well under a second. */
const BOUND_MS = 10_000;

function check(input: unknown) {
  const t = Date.now();
  const r = inferNetwork(input);
  const ms = Date.now() - t;
  if (ms > BOUND_MS) throw new Error(`inferNetwork took ${ms} ms`);
  for (const e of [...r.errors, ...r.warnings]) {
    if (!(e.code in ERRORS)) throw new Error(`uncatalogued code ${e.code}`);
    if (typeof e.path !== 'string' || typeof e.message !== 'string') throw new Error('malformed error');
  }
}

// Mostly valid ids and finite numbers, so most trees pass the schema and reach expansion and shapes.
const ids = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'input', 'x1') },
  { weight: 1, arbitrary: fc.constantFrom('1bad', '') },
);
const numbers = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 64 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1e8, -1e8, 2 ** 31, Number.MAX_SAFE_INTEGER, 0.5, 1e-9) },
  { weight: 1, arbitrary: fc.double() },
);
const value = fc.oneof(
  numbers,
  fc.boolean(),
  fc.string({ maxLength: 6 }),
  fc.array(numbers, { maxLength: 4 }),
  fc.constant(null),
  fc.record({ $arg: fc.constantFrom('n', 'c', 'zz') }),
);
const params = fc.dictionary(
  fc.constantFrom(
    'units',
    'channels',
    'kernelSize',
    'strides',
    'padding',
    'poolSize',
    'rate',
    'act',
    'axis',
    'eps',
    'junk',
  ),
  value,
  { maxKeys: 4 },
);
const common = {
  id: ids,
  repeat: fc.option(fc.oneof(numbers, fc.record({ $arg: fc.constant('n') })), { nil: undefined }),
  when: fc.option(value, { nil: undefined }),
  trainable: fc.option(fc.boolean(), { nil: undefined }),
};
const layerTypes = fc.constantFrom(...LAYERS.map((l) => l.type), 'Nope');

const { block } = fc.letrec<{ block: unknown }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record(
      { kind: fc.constant('layer'), type: layerTypes, params, share: fc.option(ids, { nil: undefined }), ...common },
      { requiredKeys: ['kind', 'type', 'id'] },
    ),
    fc.record(
      { kind: fc.constant('sequential'), children: fc.array(tie('block'), { maxLength: 4 }), ...common },
      { requiredKeys: ['kind', 'children', 'id'] },
    ),
    fc.record(
      {
        kind: fc.constant('graph'),
        nodes: fc.array(tie('block'), { maxLength: 4 }),
        edges: fc.array(
          fc.record(
            { from: ids, to: ids, port: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }) },
            { requiredKeys: ['from', 'to'] },
          ),
          { maxLength: 6 },
        ),
        output: ids,
        ...common,
      },
      { requiredKeys: ['kind', 'nodes', 'edges', 'output', 'id'] },
    ),
    fc.record(
      {
        kind: fc.constant('instance'),
        def: fc.constantFrom('D', 'E', 'Missing'),
        args: fc.option(fc.dictionary(fc.constantFrom('n', 'c', 'q'), value, { maxKeys: 3 }), { nil: undefined }),
        ...common,
      },
      { requiredKeys: ['kind', 'def', 'id'] },
    ),
    fc.record({ kind: fc.constant('apply'), target: ids, ...common }, { requiredKeys: ['kind', 'target', 'id'] }),
  ),
}));

const definition = fc.record({
  args: fc.array(
    fc.record(
      {
        name: fc.constantFrom('n', 'c'),
        type: fc.constantFrom('int', 'float', 'bool', 'string', 'ints'),
        default: fc.option(value, { nil: undefined }),
      },
      { requiredKeys: ['name', 'type'] },
    ),
    { maxLength: 2 },
  ),
  body: block,
});

const documents = fc.record({
  format: fc.constant('netloom/network'),
  version: fc.constant(1),
  name: fc.constantFrom('fuzz', ''),
  input: fc.record({
    shape: fc.oneof(fc.constant([1, 28, 28]), fc.constant([784]), fc.array(numbers, { maxLength: 4 })),
  }),
  definitions: fc.dictionary(fc.constantFrom('D', 'E'), definition, { maxKeys: 2 }),
  root: block,
});

describe('inferNetwork under random input', () => {
  it('random JSON values and JSON text: a result with catalogued codes, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => check(v)),
      { seed: SEED, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => check(t)),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('random document-shaped Block trees: a result with catalogued codes within the time bound', () => {
    fc.assert(
      fc.property(documents, (d) => check(d)),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('finds real documents among them (the generator reaches inference, not just the schema)', () => {
    const reached = fc.sample(documents, { seed: SEED, numRuns: 400 }).filter((d) => inferNetwork(d).doc !== null);
    expect(reached.length).toBeGreaterThan(20);
  });
});
