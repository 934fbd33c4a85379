// Definition arguments: add / edit (rename follows every reference and instance) / remove, each
// apply → undo → redo exact, and what inference then reports.
import { describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDoc } from '../../../engine/core';
import { loadTemplate } from '../../../templates';
import { createDocStore, toDoc } from './history';
import type { ArgsOf, CommandName } from './commands';

const resnet = () => toDoc(loadTemplate('resnet18'));

function roundTrip<N extends CommandName>(doc: NetworkDoc, name: N, args: ArgsOf<N>) {
  const s = createDocStore(doc);
  const before = structuredClone(s.getState().doc);
  expect(s.getState().run(name, args)).toBeNull();
  const after = structuredClone(s.getState().doc);
  s.getState().undo();
  expect(s.getState().doc).toEqual(before);
  s.getState().redo();
  expect(s.getState().doc).toEqual(after);
  return after;
}

describe('definition arguments', () => {
  it('adds a typed argument with a default; refuses a bad name, a duplicate and a wrong default', () => {
    const after = roundTrip(resnet(), 'addDefArg', {
      def: 'Residual',
      arg: { name: 'dilation', type: 'int', default: 1 },
    });
    expect(after.definitions.Residual.args.map((a) => a.name)).toContain('dilation');
    const s = createDocStore(resnet());
    expect(s.getState().run('addDefArg', { def: 'Residual', arg: { name: '1x', type: 'int' } })).toMatch(/letters/);
    expect(s.getState().run('addDefArg', { def: 'Residual', arg: { name: 'strides', type: 'int' } })).toMatch(
      /already/,
    );
    expect(s.getState().run('addDefArg', { def: 'Residual', arg: { name: 'k', type: 'int', default: 1.5 } })).toMatch(
      /E_ARG_TYPE/,
    );
  });

  it('renames an argument in the body and in every instance; inference is unchanged', () => {
    const doc = resnet();
    const decl = doc.definitions.Residual.args.find((a) => a.name === 'num_channels')!;
    const after = roundTrip(doc, 'editDefArg', {
      def: 'Residual',
      name: 'num_channels',
      next: { ...decl, name: 'channels' },
    });
    const text = JSON.stringify(after);
    expect(text).not.toContain('num_channels');
    expect(text).toContain('"$arg":"channels"');
    const a = inferNetwork(after),
      b = inferNetwork(doc);
    expect(a.errors).toEqual([]);
    expect(a.params).toEqual(b.params);
  });

  it('removes an argument: references take its default, instances drop their value', () => {
    const after = roundTrip(resnet(), 'removeDefArg', { def: 'Residual', name: 'strides' });
    const text = JSON.stringify(after);
    expect(text).not.toContain('"strides":{"$arg"');
    expect(JSON.stringify(after.root)).not.toContain('"strides":2}');
    // b3–b5 lose their stride-2 downsampling, so the shapes change but stay valid.
    expect(inferNetwork(after).errors).toEqual([]);
  });

  it('binds a layer parameter to an argument with setParam; a wrong instance value is E_ARG_TYPE', () => {
    const s = createDocStore(resnet());
    expect(
      s.getState().run('setParam', { path: 'b2/r1/conv2', key: 'padding', value: { $arg: 'strides' } }),
    ).toBeNull();
    expect(s.getState().doc.definitions.Residual.body.kind).toBe('graph');
    expect(s.getState().run('setArg', { path: 'b2/r1', arg: 'num_channels', value: 'wide' })).toBeNull();
    const errs = inferNetwork(s.getState().doc).errors.filter((e) => e.path === 'b2/r1');
    expect(errs.map((e) => e.code)).toContain('E_ARG_TYPE');
  });
});
