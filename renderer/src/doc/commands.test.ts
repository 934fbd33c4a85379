// Every command: apply → undo → redo leaves the document deep-equal at each step.
import { describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDoc } from '../../../engine/core';
import { loadTemplate } from '../../../templates';
import { createDocStore, isDirty, toDoc } from './history';
import type { ArgsOf, CommandName } from './commands';
import { blockAt } from './locate';

const lenet = () => toDoc(loadTemplate('lenet'));
const emptyGraph = (): NetworkDoc =>
  toDoc({
    format: 'netloom/network',
    version: 1,
    name: 'Untitled',
    input: { shape: [1, 28, 28] },
    root: {
      kind: 'graph',
      id: 'net',
      nodes: [
        { kind: 'layer', id: 'conv1', type: 'Conv2D', params: { channels: 8, kernelSize: 3 } },
        { kind: 'layer', id: 'pool1', type: 'MaxPool2D' },
        { kind: 'layer', id: 'flat', type: 'Flatten' },
        { kind: 'layer', id: 'd1', type: 'Dense', params: { units: 10 } },
        { kind: 'layer', id: 'd2', type: 'Dense', params: { units: 10 } },
      ],
      edges: [
        { from: 'input', to: 'conv1' },
        { from: 'conv1', to: 'pool1' },
        { from: 'pool1', to: 'flat' },
        { from: 'flat', to: 'd1' },
      ],
      output: 'd1',
    },
  });

/** Runs one command and checks the round trip; returns the store for follow-up checks. */
function roundTrip<N extends CommandName>(doc: NetworkDoc, name: N, args: ArgsOf<N>) {
  const s = createDocStore(doc);
  const before = structuredClone(s.getState().doc);
  expect(s.getState().run(name, args)).toBeNull();
  const after = structuredClone(s.getState().doc);
  expect(after).not.toEqual(before);
  s.getState().undo();
  expect(s.getState().doc).toEqual(before);
  s.getState().redo();
  expect(s.getState().doc).toEqual(after);
  s.getState().undo();
  expect(s.getState().doc).toEqual(before);
  return { s, after };
}

describe('commands: apply → undo → redo', () => {
  it('addBlock (sequential, after a sibling)', () => {
    const { after } = roundTrip(lenet(), 'addBlock', {
      container: '',
      block: { kind: 'layer', id: 'drop', type: 'Dropout' },
      after: 'dense1',
    });
    expect((after.root as { children: { id: string }[] }).children.map((c) => c.id)).toContain('drop');
    expect(inferNetwork(after).errors).toEqual([]);
  });
  it('addBlock (graph, spliced onto an edge)', () => {
    const { after } = roundTrip(emptyGraph(), 'addBlock', {
      container: '',
      block: { kind: 'layer', id: 'bn', type: 'BatchNorm' },
      onEdge: 1,
    });
    expect(inferNetwork(after).blocks.find((b) => b.path === 'bn')?.inputShapes).toEqual([[8, 26, 26]]);
  });
  it('removeBlocks bridges a graph', () => {
    const { after } = roundTrip(emptyGraph(), 'removeBlocks', { paths: ['pool1'] });
    expect(inferNetwork(after).blocks.find((b) => b.path === 'flat')?.outputShape).toEqual([8 * 26 * 26]);
  });
  it('connect / disconnect', () => {
    const { after } = roundTrip(emptyGraph(), 'connect', { graph: '', from: 'd1', to: 'd2' });
    expect(after.root.kind === 'graph' && after.root.output).toBe('d2');
    roundTrip(emptyGraph(), 'disconnect', { graph: '', index: 2 });
  });
  it('connect refuses cycles and arity', () => {
    const s = createDocStore(emptyGraph());
    expect(s.getState().run('connect', { graph: '', from: 'd1', to: 'conv1' })).toMatch(/cycle/);
    expect(s.getState().run('connect', { graph: '', from: 'conv1', to: 'd1' })).toMatch(/takes one input/);
    expect(s.getState().run('connect', { graph: '', from: 'd2', to: 'd2' })).toMatch(/itself/);
    expect(s.getState().past).toHaveLength(0);
  });
  it('setParam, rename, trainable, constant, initializer', () => {
    roundTrip(lenet(), 'setParam', { path: 'conv1', key: 'channels', value: 6 });
    roundTrip(lenet(), 'setParam', { path: 'flatten', key: 'dummy', value: 1 });
    roundTrip(lenet(), 'setParam', { path: 'conv1', key: 'channels', value: undefined });
    const { after } = roundTrip(emptyGraph(), 'renameBlock', { path: 'pool1', id: 'pool' });
    expect(inferNetwork(after).output).toEqual([10]);
    expect(inferNetwork(after).blocks.find((b) => b.path === 'pool')?.outputShape).toEqual([8, 13, 13]);
    roundTrip(lenet(), 'setTrainable', { path: 'conv1', trainable: false });
    roundTrip(lenet(), 'setConstant', { path: 'conv1', constant: true });
    roundTrip(lenet(), 'setInitializer', { path: 'dense1', param: 'bias', init: { type: 'constant', value: 2 } });
  });
  it('share / unshare parameters', () => {
    const doc = toDoc(loadTemplate('shared-mlp'));
    roundTrip(doc, 'unshareParams', { path: 'tied' });
    const { after } = roundTrip(lenet(), 'shareParams', { path: 'dense2', target: 'dense1' });
    expect(inferNetwork(after).errors.map((e) => e.code)).toContain('E_SHARE_SHAPE');
  });
  it('setArg, setOutput, setInputShape, reorder', () => {
    roundTrip(toDoc(loadTemplate('resnet18')), 'setArg', { path: 'b2/r1', arg: 'num_channels', value: 32 });
    roundTrip(emptyGraph(), 'setOutput', { path: 'flat' });
    roundTrip(lenet(), 'setInputShape', { shape: [1, 32, 32] });
    roundTrip(lenet(), 'reorder', { container: '', from: 0, to: 2 });
  });
  it('setTraining replaces the settings (and undo brings back none), refusing invalid ones', () => {
    const doc = lenet();
    delete doc.training;
    const { s, after } = roundTrip(doc, 'setTraining', {
      training: { dataset: 'mnist', optimizer: 'adam', lr: 0.002, batchSize: 64, epochs: 3 },
    });
    expect(after.training).toEqual({ dataset: 'mnist', optimizer: 'adam', lr: 0.002, batchSize: 64, epochs: 3 });
    expect('training' in s.getState().doc).toBe(false);
    expect(
      s
        .getState()
        .run('setTraining', { training: { dataset: 'mnist', optimizer: 'sgd', lr: -1, batchSize: 64, epochs: 3 } }),
    ).toMatch(/invalid training settings/);
  });
  it('recordRun keeps runs in the view state, beside positions (undo brings back the view before)', () => {
    const doc = lenet();
    doc.view = { positions: { conv1: { x: 1, y: 2 } } };
    const { after } = roundTrip(doc, 'recordRun', { runs: [{ id: 'run-1' }] });
    expect(after.view).toEqual({ positions: { conv1: { x: 1, y: 2 } }, runs: [{ id: 'run-1' }] });
  });
  it('move (marks merge a drag into one step), resetLayout, setCollapsed', () => {
    const s = createDocStore(lenet());
    const before = structuredClone(s.getState().doc);
    for (let i = 0; i < 5; i++) s.getState().run('move', { positions: { conv1: { x: i, y: i } } }, { mark: 'drag-1' });
    expect(s.getState().past).toHaveLength(1);
    s.getState().undo();
    expect(s.getState().doc).toEqual(before);
    s.getState().redo();
    expect((s.getState().doc.view as { positions: Record<string, unknown> }).positions.conv1).toEqual({ x: 4, y: 4 });
    const moved = structuredClone(s.getState().doc);
    roundTrip(moved, 'resetLayout', {});
    roundTrip(lenet(), 'setCollapsed', { paths: ['conv1'], collapsed: true });
  });
  it('makeBlock in a Sequential, then instantiate it twice', () => {
    const { after } = roundTrip(lenet(), 'makeBlock', { container: '', ids: ['conv1', 'pool1'], name: 'ConvPool' });
    const info = inferNetwork(after);
    expect(info.errors).toEqual([]);
    expect(info.output).toEqual([10]);
    const { after: two } = roundTrip(after, 'addBlock', {
      container: '',
      block: { kind: 'instance', id: 'convpool2', def: 'ConvPool' },
      after: 'convpool1',
    });
    expect(inferNetwork(two).blocks.find((b) => b.path === 'convpool2')?.outputShape).toEqual([20, 4, 4]);
  });
  it('makeBlock in a graph keeps the wiring', () => {
    const { after } = roundTrip(emptyGraph(), 'makeBlock', { container: '', ids: ['conv1', 'pool1'], name: 'Stem' });
    expect(inferNetwork(after).output).toEqual(inferNetwork(emptyGraph()).output);
    const s = createDocStore(emptyGraph());
    expect(s.getState().run('makeBlock', { container: '', ids: ['conv1', 'd1'], name: 'Bad' })).toMatch(
      /one (input|output)/,
    );
  });
  it('detach bakes the arguments in', () => {
    const doc = toDoc(loadTemplate('resnet18'));
    const { after } = roundTrip(doc, 'detach', { path: 'b3/r1' });
    expect(blockAt(after, 'b3/r1')?.kind).toBe('graph');
    expect(inferNetwork(after).output).toEqual(inferNetwork(doc).output);
    expect(inferNetwork(after).params).toEqual(inferNetwork(doc).params);
  });
  it('paste with fresh ids (sequential and graph)', () => {
    const l = lenet();
    const clip = { blocks: [blockAt(l, 'dense1')!], edges: [] };
    const { after } = roundTrip(l, 'paste', { container: '', clip, after: 'dense1' });
    expect(
      (after.root as { children: { id: string }[] }).children.map((c) => c.id).filter((id) => id.startsWith('dense')),
    ).toHaveLength(3);
    const g = emptyGraph();
    roundTrip(g, 'paste', {
      container: '',
      clip: { blocks: [blockAt(g, 'flat')!, blockAt(g, 'd1')!], edges: [{ from: 'flat', to: 'd1' }] },
    });
  });
  it('replaceDocument and promoteArg', () => {
    roundTrip(lenet(), 'replaceDocument', { doc: toDoc(loadTemplate('mlp')) });
    const s = createDocStore(lenet());
    s.getState().run('makeBlock', { container: '', ids: ['conv1', 'pool1'], name: 'ConvPool' });
    const doc = s.getState().doc;
    const { after } = roundTrip(doc, 'promoteArg', {
      def: 'ConvPool',
      layerJsonPath: ['definitions', 'ConvPool', 'body', 'children', 0],
      key: 'channels',
      arg: 'channels',
      type: 'int',
      value: 20,
    });
    expect(inferNetwork(after).errors).toEqual([]);
  });
  it('dirty tracking follows save points through undo/redo', () => {
    const s = createDocStore(lenet());
    expect(isDirty(s.getState())).toBe(false);
    s.getState().run('setParam', { path: 'conv1', key: 'channels', value: 6 });
    expect(isDirty(s.getState())).toBe(true);
    s.getState().markClean();
    s.getState().undo();
    expect(isDirty(s.getState())).toBe(true);
    s.getState().redo();
    expect(isDirty(s.getState())).toBe(false);
  });
});
