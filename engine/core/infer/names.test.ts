// Gluon-style names, `collect_params`-style selection, initializer resolution and parameter accounting.
import { describe, expect, it } from 'vitest';
import { collectParams, inferNetwork } from './index';
import { doc, edges, graph, instance, layer, seq } from './testdocs';

const names = (input: unknown) => inferNetwork(input).parameters.map((p) => p.name);
const lenetish = doc(
  seq(
    'net',
    layer('c1', 'Conv2D', { channels: 4, kernelSize: 5 }),
    layer('p', 'MaxPool2D'),
    layer('c2', 'Conv2D', { channels: 8, kernelSize: 3 }),
    layer('d1', 'Dense', { units: 16 }),
    layer('d2', 'Dense'),
  ),
);

describe('Gluon-style names', () => {
  it('numbers layers per kind inside their container', () => {
    expect(names(lenetish)).toEqual([
      'sequential0_conv0_weight',
      'sequential0_conv0_bias',
      'sequential0_conv1_weight',
      'sequential0_conv1_bias',
      'sequential0_dense0_weight',
      'sequential0_dense0_bias',
      'sequential0_dense1_weight',
      'sequential0_dense1_bias',
    ]);
  });

  it('nests prefixes: Sequential inside a Block inside a Sequential (the seed RecMLP)', () => {
    const d = doc(seq('net', instance('rec', 'RecMLP'), layer('out', 'Dense')), {
      definitions: {
        RecMLP: {
          body: seq(
            'b',
            seq('net', layer('a', 'Dense', { units: 8 }), layer('b', 'Dense', { units: 4 })),
            layer('dense', 'Dense', { units: 2 }),
          ),
        },
      },
    });
    expect(names(d).filter((n) => n.endsWith('weight'))).toEqual([
      'sequential0_recmlp0_sequential0_dense0_weight',
      'sequential0_recmlp0_sequential0_dense1_weight',
      'sequential0_recmlp0_dense0_weight',
      'sequential0_dense0_weight',
    ]);
  });

  it('names instances after their definition, counted per container', () => {
    const d = doc(seq('net', instance('r1', 'Residual'), instance('r2', 'Residual')), {
      input: { shape: [2, 8, 8] },
      definitions: {
        Residual: {
          body: graph(
            'g',
            [
              layer('conv1', 'Conv2D', { channels: 2, padding: 1 }),
              layer('bn', 'BatchNorm'),
              layer('conv2', 'Conv2D', { channels: 2, padding: 1 }),
              layer('add', 'Add'),
            ],
            [
              ...edges('input', 'conv1', 'bn', 'conv2'),
              { from: 'conv2', to: 'add', port: 0 },
              { from: 'input', to: 'add', port: 1 },
            ],
            'add',
          ),
        },
      },
    });
    const r = inferNetwork(d);
    expect(r.errors).toEqual([]);
    expect(r.blocks.filter((b) => b.path === 'r1' || b.path === 'r2').map((b) => [b.type, b.name])).toEqual([
      ['Residual', 'sequential0_residual0_'],
      ['Residual', 'sequential0_residual1_'],
    ]);
    expect(names(d)).toContain('sequential0_residual1_conv1_weight');
    expect(names(d)).toContain('sequential0_residual0_batchnorm0_running_var');
  });

  it('gives repeated blocks their own ids and names', () => {
    const r = inferNetwork(doc(seq('net', layer('d', 'Dense', { units: 4 }, { repeat: 3 }))));
    expect(r.blocks.map((b) => b.path)).toEqual(['', 'd.0', 'd.1', 'd.2']);
    expect(collectParams(r, '.*weight').map((p) => p.name)).toEqual([
      'sequential0_dense0_weight',
      'sequential0_dense1_weight',
      'sequential0_dense2_weight',
    ]);
  });

  it('keeps an explicit name as the prefix', () => {
    expect(names(doc(seq('net', layer('d', 'Dense', {}, { name: 'another_mlp_' })))).slice(0, 1)).toEqual([
      'sequential0_another_mlp_weight',
    ]);
  });
});

describe('collectParams', () => {
  const r = inferNetwork(lenetish);
  it('selects by a regex anchored at the start, like collect_params(select)', () => {
    expect(collectParams(r, '.*weight').map((p) => p.name)).toEqual([
      'sequential0_conv0_weight',
      'sequential0_conv1_weight',
      'sequential0_dense0_weight',
      'sequential0_dense1_weight',
    ]);
    expect(collectParams(r, 'sequential0_dense1_.*').map((p) => p.name)).toEqual([
      'sequential0_dense1_weight',
      'sequential0_dense1_bias',
    ]);
    expect(collectParams(r, 'conv')).toEqual([]);
    expect(collectParams(r)).toHaveLength(8);
  });
  it('reports shapes with deferred sizes resolved', () => {
    expect(collectParams(r, '.*dense0_weight')[0].shape).toEqual([16, 8 * 10 * 10]);
  });
});

describe('initializers', () => {
  const mlpBn = (extra: Record<string, unknown>, dense: Record<string, unknown> = {}) =>
    inferNetwork(
      doc(seq('net', layer('h', 'Dense', { units: 8 }, dense), layer('bn', 'BatchNorm'), layer('o', 'Dense')), extra),
    );
  const initOf = (r: ReturnType<typeof inferNetwork>) =>
    Object.fromEntries(r.parameters.map((p) => [p.name.replace('sequential0_', ''), p.init]));

  it('applies the seed MyInit to every weight and bias, leaving running statistics alone', () => {
    const r = mlpBn({ initializers: [{ pattern: '.*', init: { type: 'my-init' } }], forceReinit: true });
    expect(r.doc?.forceReinit).toBe(true);
    const init = initOf(r);
    for (const n of [
      'dense0_weight',
      'dense0_bias',
      'dense1_weight',
      'dense1_bias',
      'batchnorm0_gamma',
      'batchnorm0_beta',
    ])
      expect(init[n]).toEqual({ type: 'my-init' });
    expect(init.batchnorm0_running_mean).toEqual({ type: 'zeros' });
    expect(init.batchnorm0_running_var).toEqual({ type: 'ones' });
  });

  it('resolves name-pattern rules: weights U[5, 10], biases 2, gamma/beta and statistics at their defaults', () => {
    const init = initOf(
      mlpBn({
        initializers: [
          { pattern: '.*weight', init: { type: 'uniform', low: 5, high: 10 } },
          { pattern: '.*bias', init: { type: 'constant', value: 2 } },
        ],
      }),
    );
    expect(init.dense0_weight).toEqual({ type: 'uniform', low: 5, high: 10 });
    expect(init.dense1_weight).toEqual({ type: 'uniform', low: 5, high: 10 });
    expect(init.dense0_bias).toEqual({ type: 'constant', value: 2 });
    expect(init.batchnorm0_gamma).toEqual({ type: 'ones' });
    expect(init.batchnorm0_beta).toEqual({ type: 'zeros' });
    expect(init.batchnorm0_running_mean).toEqual({ type: 'zeros' });
  });

  it('lets the last matching rule win and a layer’s own init win over every rule', () => {
    const init = initOf(
      mlpBn(
        {
          initializers: [
            { pattern: '.*weight', init: { type: 'zeros' } },
            { pattern: '.*dense1_weight', init: { type: 'ones' } },
          ],
        },
        { init: { weight: { type: 'normal', std: 0.5 } } },
      ),
    );
    expect(init.dense0_weight).toEqual({ type: 'normal', mean: 0, std: 0.5 });
    expect(init.dense1_weight).toEqual({ type: 'ones' });
    expect(init.dense1_bias).toEqual({ type: 'zeros' });
  });

  it('defaults to Xavier for weights and zeros for biases', () => {
    const init = initOf(mlpBn({}));
    expect(init.dense0_weight).toEqual({ type: 'xavier', magnitude: 3, distribution: 'uniform' });
    expect(init.dense0_bias).toEqual({ type: 'zeros' });
  });
});

describe('parameter accounting', () => {
  const vec = (root: Record<string, unknown>) => inferNetwork(doc(root, { input: { shape: [4] } }));

  it('counts trainable:false (inherited by children) and constant parameters as non-trainable', () => {
    const r = vec(
      seq(
        'net',
        seq('frozen', layer('a', 'Dense', { units: 4 })),
        layer('c', 'Dense', { units: 4 }, { constant: true }),
        layer('o', 'Dense', { units: 2 }),
      ),
    );
    const frozen = vec(
      seq(
        'net',
        { ...seq('frozen', layer('a', 'Dense', { units: 4 })), trainable: false },
        layer('c', 'Dense', { units: 4 }, { constant: true }),
        layer('o', 'Dense', { units: 2 }),
      ),
    );
    expect(r.params).toEqual({ trainable: 20 + 10, nonTrainable: 20 });
    expect(frozen.params).toEqual({ trainable: 10, nonTrainable: 40 });
    expect(collectParams(frozen, '.*dense0_.*').every((p) => !p.trainable)).toBe(true);
  });

  it('counts BatchNorm running statistics as non-trainable', () => {
    expect(vec(seq('net', layer('bn', 'BatchNorm'))).params).toEqual({ trainable: 8, nonTrainable: 8 });
  });

  it('counts shared parameters once, at their owner, and lists both users', () => {
    const r = vec(seq('net', layer('a', 'Dense', { units: 4 }), layer('b', 'Dense', { units: 4 }, { share: 'a' })));
    expect(r.params).toEqual({ trainable: 20, nonTrainable: 0 });
    expect(r.parameters.map((p) => [p.name, p.usedBy])).toEqual([
      ['sequential0_dense0_weight', ['a', 'b']],
      ['sequential0_dense0_bias', ['a', 'b']],
    ]);
    expect(r.blocks.find((b) => b.path === 'b')).toMatchObject({ params: 0, sharesWith: 'a' });
  });

  it('finds a share target in an enclosing container or by absolute path', () => {
    const rel = vec(
      seq('net', layer('a', 'Dense', { units: 4 }), seq('s', layer('b', 'Dense', { units: 4 }, { share: 'a' }))),
    );
    const abs = vec(
      seq(
        'net',
        seq('s', layer('a', 'Dense', { units: 4 })),
        seq('t', layer('b', 'Dense', { units: 4 }, { share: 's/a' })),
      ),
    );
    for (const r of [rel, abs]) expect([r.errors, r.params.trainable]).toEqual([[], 20]);
  });

  it('counts FLOPs twice but parameters once when a layer is applied again', () => {
    const once = vec(seq('net', layer('d', 'Dense', { units: 4 })));
    const twice = vec(seq('net', layer('d', 'Dense', { units: 4 }), { kind: 'apply', id: 'again', target: 'd' }));
    expect(twice.errors).toEqual([]);
    expect(once.flops).toBe(2 * 4 * 4);
    expect(twice.flops).toBe(2 * once.flops);
    expect(twice.params).toEqual(once.params);
    expect(twice.parameters[0].usedBy).toEqual(['d', 'again']);
    expect(twice.blocks.find((b) => b.path === 'again')).toMatchObject({
      type: 'Dense (again)',
      sharesWith: 'd',
      outputShape: [4],
    });
  });

  it('drops a block whose `when` is false, keeping its input (the 1×1 shortcut)', () => {
    const def = {
      R: {
        args: [{ name: 'on', type: 'bool', default: false }],
        body: seq('s', layer('c', 'Conv2D', { channels: 3, kernelSize: 1 }, { when: { $arg: 'on' } })),
      },
    };
    const off = inferNetwork(doc(seq('net', instance('r', 'R')), { definitions: def }));
    const on = inferNetwork(doc(seq('net', instance('r', 'R', { on: true })), { definitions: def }));
    expect([off.output, off.params.trainable]).toEqual([[1, 28, 28], 0]);
    expect([on.output, on.params.trainable]).toEqual([[3, 28, 28], 6]);
  });
});
