// Malformed documents: each gets exactly the expected errors (code, block path, port), and nothing throws.
import { describe, expect, it } from 'vitest';
import { inferNetwork } from './index';
import { doc, edges, graph, instance, layer, seq } from './testdocs';

type Want = [code: string, path: string, port?: number];

const unit = { A: { args: [{ name: 'c', type: 'int', min: 1 }], body: layer('d', 'Dense', { units: { $arg: 'c' } }) } };
const two = (a: string, b: string, merge: string) => [
  { from: 'input', to: a },
  { from: 'input', to: b },
  { from: a, to: merge, port: 0 },
  { from: b, to: merge, port: 1 },
];
const conv = (id: string, channels: number, kernelSize: number) => layer(id, 'Conv2D', { channels, kernelSize });
const relu = (id: string) => layer(id, 'Activation');

const CASES: [name: string, input: unknown, want: Want[]][] = [
  ['not JSON', '{"format": "netloom/network",', [['E_JSON', '']]],
  ['not an object', 'null', [['E_SCHEMA', '']]],
  ['wrong block kind', doc({ kind: 'layr', id: 'x' }), [['E_SCHEMA', 'root.kind']]],
  [
    'missing root',
    { format: 'netloom/network', version: 1, name: 't', input: { shape: [1, 28, 28] } },
    [['E_SCHEMA', 'root']],
  ],
  ['bad id', doc(seq('net', layer('1x', 'Dense'))), [['E_SCHEMA', 'root.children[0].id']]],
  ['input of rank 4', doc(seq('net'), { input: { shape: [1, 2, 3, 4] } }), [['E_SCHEMA', 'input.shape']]],
  ['wrong version', doc(seq('net'), { version: 2 }), [['E_VERSION', 'version']]],
  ['unknown layer', doc(seq('net', layer('x', 'Foo'))), [['E_UNKNOWN_LAYER', 'x']]],
  ['unknown definition', doc(seq('net', instance('i', 'Nope'))), [['E_UNKNOWN_DEFINITION', 'i']]],
  [
    'recursive definition',
    doc(seq('net', instance('i', 'A')), {
      definitions: { A: { body: seq('s', instance('j', 'B')) }, B: { body: instance('k', 'A') } },
    }),
    [['E_RECURSIVE_DEFINITION', 'i/j']],
  ],
  ['missing argument', doc(seq('net', instance('i', 'A')), { definitions: unit }), [['E_MISSING_ARG', 'i']]],
  [
    'unknown argument',
    doc(seq('net', instance('i', 'A', { c: 3, z: 1 })), { definitions: unit }),
    [['E_UNKNOWN_ARG', 'i']],
  ],
  ['ill-typed argument', doc(seq('net', instance('i', 'A', { c: 'x' })), { definitions: unit }), [['E_ARG_TYPE', 'i']]],
  [
    'argument out of range',
    doc(seq('net', instance('i', 'A', { c: 0 })), { definitions: unit }),
    [['E_ARG_TYPE', 'i']],
  ],
  [
    'tuple index out of range',
    doc(seq('net', instance('i', 'T', { c: [4] })), {
      definitions: {
        T: { args: [{ name: 'c', type: 'ints' }], body: layer('d', 'Dense', { units: { $arg: 'c', index: 1 } }) },
      },
    }),
    [['E_ARG_TYPE', 'i']],
  ],
  [
    '$arg outside a definition',
    doc(seq('net', layer('d', 'Dense', { units: { $arg: 'c' } }))),
    [['E_MISSING_ARG', 'd']],
  ],
  ['unknown layer parameter', doc(seq('net', layer('d', 'Dense', { unitz: 3 }))), [['E_PARAM_UNKNOWN', 'd']]],
  ['parameter out of range', doc(seq('net', layer('d', 'Dense', { units: 0 }))), [['E_PARAM_RANGE', 'd']]],
  ['parameter of the wrong type', doc(seq('net', layer('d', 'Dense', { units: 'ten' }))), [['E_PARAM_TYPE', 'd']]],
  ['kernel pair of three', doc(seq('net', layer('c', 'Conv2D', { kernelSize: [3, 3, 3] }))), [['E_PARAM_TYPE', 'c']]],
  ['duplicate ids', doc(seq('net', layer('a', 'Dense'), layer('a', 'Dense'))), [['E_DUPLICATE_ID', 'a']]],
  ['duplicate ids in a nested block', doc(seq('net', seq('s', relu('a'), relu('a')))), [['E_DUPLICATE_ID', 's/a']]],
  [
    'edge to an unknown node',
    doc(seq('net', graph('g', [relu('a')], [...edges('input', 'a'), { from: 'a', to: 'zz' }], 'a'))),
    [['E_UNKNOWN_NODE', 'g']],
  ],
  [
    'edge from an unknown node',
    doc(seq('net', graph('g', [relu('a')], [{ from: 'zz', to: 'a' }], 'a'))),
    [
      ['E_UNKNOWN_NODE', 'g'],
      ['E_NO_OUTPUT', 'g'],
    ],
  ],
  [
    'output names no node',
    doc(seq('net', graph('g', [relu('a')], edges('input', 'a'), 'zz'))),
    [['E_UNKNOWN_NODE', 'g']],
  ],
  [
    'cycle',
    doc(
      seq(
        'net',
        graph(
          'g',
          [relu('a'), relu('b'), layer('c', 'Add')],
          [{ from: 'input', to: 'c' }, { from: 'b', to: 'c' }, ...edges('c', 'a', 'b')],
          'c',
        ),
      ),
    ),
    [['E_CYCLE', 'g']],
  ],
  [
    'Add of different channels',
    doc(seq('net', graph('g', [conv('a', 4, 1), conv('b', 8, 1), layer('add', 'Add')], two('a', 'b', 'add'), 'add'))),
    [['E_SHAPE_MISMATCH', 'g/add', 1]],
  ],
  [
    'Concat of different H, W',
    doc(
      seq('net', graph('g', [conv('a', 4, 1), conv('b', 8, 3), layer('cat', 'Concat')], two('a', 'b', 'cat'), 'cat')),
    ),
    [['E_SHAPE_MISMATCH', 'g/cat', 1]],
  ],
  ['Conv2D after Flatten', doc(seq('net', layer('f', 'Flatten'), layer('c', 'Conv2D'))), [['E_RANK', 'c', 0]]],
  [
    'GlobalAvgPool2D of a vector',
    doc(seq('net', layer('d', 'Dense'), layer('gap', 'GlobalAvgPool2D'))),
    [['E_RANK', 'gap', 0]],
  ],
  ['kernel larger than the input', doc(seq('net', conv('c', 4, 29))), [['E_SHAPE_TOO_SMALL', 'c', 0]]],
  [
    'pool window larger than the input',
    doc(seq('net', conv('c', 4, 27), layer('p', 'MaxPool2D', { poolSize: 3 }))),
    [['E_SHAPE_TOO_SMALL', 'p', 0]],
  ],
  [
    'share between Dense of different input sizes',
    doc(seq('net', layer('a', 'Dense', { units: 4 }), layer('b', 'Dense', { units: 4 }, { share: 'a' }))),
    [['E_SHARE_SHAPE', 'b']],
  ],
  [
    'share with another type',
    doc(seq('net', conv('a', 1, 1), layer('b', 'Dense', { units: 4 }, { share: 'a' }))),
    [['E_SHARE_TYPE', 'b']],
  ],
  [
    'share target missing',
    doc(seq('net', layer('b', 'Dense', { units: 4 }, { share: 'nope' }))),
    [['E_SHARE_TARGET', 'b']],
  ],
  [
    'share with a layer that shares',
    doc(
      seq(
        'net',
        layer('f', 'Dense', { units: 4 }),
        layer('a', 'Dense', { units: 4 }),
        layer('b', 'Dense', { units: 4 }, { share: 'a' }),
        layer('c', 'Dense', { units: 4 }, { share: 'b' }),
      ),
    ),
    [['E_SHARE_CHAIN', 'c']],
  ],
  ['apply target missing', doc(seq('net', { kind: 'apply', id: 'x', target: 'nope' })), [['E_APPLY_TARGET', 'x']]],
  [
    'apply of a container',
    doc(seq('net', seq('s'), { kind: 'apply', id: 'x', target: 's' })),
    [['E_APPLY_TARGET', 'x']],
  ],
  [
    'apply where the input size differs',
    doc(seq('net', layer('d', 'Dense', { units: 4 }), { kind: 'apply', id: 'x', target: 'd' })),
    [['E_SHARE_SHAPE', 'x']],
  ],
  [
    'Add with one input',
    doc(seq('net', graph('g', [layer('add', 'Add')], edges('input', 'add'), 'add'))),
    [['E_ARITY', 'g/add', 1]],
  ],
  [
    'an unconnected node',
    doc(
      seq(
        'net',
        graph(
          'g',
          [relu('a'), relu('b'), layer('add', 'Add')],
          [...edges('input', 'a'), { from: 'a', to: 'add' }, { from: 'b', to: 'add' }],
          'add',
        ),
      ),
    ),
    [['E_ARITY', 'g/b', 0]],
  ],
  [
    'a port left open',
    doc(
      seq(
        'net',
        graph(
          'g',
          [relu('a'), layer('add', 'Add')],
          [...edges('input', 'a'), { from: 'a', to: 'add', port: 0 }, { from: 'input', to: 'add', port: 2 }],
          'add',
        ),
      ),
    ),
    [['E_ARITY', 'g/add', 1]],
  ],
  [
    'two inputs into a Sequential',
    doc(
      seq(
        'net',
        graph(
          'g',
          [seq('s')],
          [
            { from: 'input', to: 's' },
            { from: 'input', to: 's' },
          ],
          's',
        ),
      ),
    ),
    [['E_ARITY', 'g/s', 1]],
  ],
  [
    'port taken twice',
    doc(
      seq(
        'net',
        graph(
          'g',
          [relu('a'), relu('b'), layer('add', 'Add')],
          [
            ...edges('input', 'a'),
            ...edges('input', 'b'),
            { from: 'a', to: 'add', port: 1 },
            { from: 'b', to: 'add', port: 1 },
            { from: 'input', to: 'add', port: 0 },
          ],
          'add',
        ),
      ),
    ),
    [['E_PORT_TAKEN', 'g/add', 1]],
  ],
  [
    'output not reachable from the input',
    doc(seq('net', graph('g', [relu('a'), relu('b')], edges('input', 'a'), 'b'))),
    [['E_NO_OUTPUT', 'g']],
  ],
  [
    'bad initializer regex',
    doc(seq('net', layer('d', 'Dense')), { initializers: [{ pattern: '(', init: { type: 'zeros' } }] }),
    [['E_BAD_REGEX', 'initializers[0]']],
  ],
  ['negative repeat', doc(seq('net', layer('d', 'Dense', {}, { repeat: -1 }))), [['E_REPEAT', 'd']]],
  [
    'fractional repeat from an argument',
    doc(seq('net', instance('i', 'R', { n: 1.5 })), {
      definitions: {
        R: { args: [{ name: 'n', type: 'float' }], body: seq('s', layer('d', 'Dense', {}, { repeat: { $arg: 'n' } })) },
      },
    }),
    [['E_REPEAT', 'i/d']],
  ],
];

describe('malformed documents', () => {
  it('has many distinct cases', () => {
    expect(new Set(CASES.map((c) => JSON.stringify(c[1]))).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('%s', (_name, input, want) => {
    const r = inferNetwork(input);
    expect(r.errors.map((e) => [e.code, e.path, ...(e.port === undefined ? [] : [e.port])])).toEqual(want);
    for (const e of r.errors) expect(e.message.length).toBeGreaterThan(10);
  });

  it('reports an unused node as a warning, not an error', () => {
    const r = inferNetwork(
      doc(seq('net', graph('g', [relu('a'), relu('b')], [...edges('input', 'a'), ...edges('input', 'b')], 'a'))),
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.code, w.path])).toEqual([['E_UNUSED_NODE', 'g/b']]);
  });
});

describe('bad documents never throw', () => {
  it('survives garbage', () => {
    for (const x of [
      undefined,
      null,
      0,
      '',
      '[]',
      '{}',
      [],
      {},
      'x',
      { format: 'netloom/network' },
      { format: 'netloom/network', version: 1 },
    ]) {
      expect(() => inferNetwork(x)).not.toThrow();
      expect(inferNetwork(x).errors.length).toBeGreaterThan(0);
    }
  });

  it('survives random mutations of every case above', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = [null, -1, 0, 2.5, 1e9, 'x', '', true, [], [0, -3], {}, { $arg: 'c' }, { $arg: 'c', index: 9 }];
    const mutate = (o: unknown): unknown => {
      if (Array.isArray(o)) return rand(6) === 0 ? junk[rand(junk.length)] : o.map(mutate);
      if (o && typeof o === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o))
          if (rand(12) !== 0) out[k] = rand(10) === 0 ? junk[rand(junk.length)] : mutate(v);
        return out;
      }
      return o;
    };
    for (let round = 0; round < 20; round++) {
      for (const [, input] of CASES) {
        if (typeof input !== 'object') continue;
        expect(() => inferNetwork(mutate(input))).not.toThrow();
      }
    }
  });
});
