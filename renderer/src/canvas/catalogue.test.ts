// What the editor derives from the layer catalogue instead of naming kinds: which layers take numbered input
// ports (merges, from their declared arity), which errors sit on an input port (INPUT_ERRORS), and the
// palette's groups (CATEGORIES).
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  inferNetwork,
  INPUT_ERRORS,
  isMerge,
  LAYERS,
  netError,
  type Block,
  type NetworkDoc,
} from '../../../engine/core';
import { docStore } from '../app/store';
import { toDoc } from '../doc/history';
import { connectHandles } from './actions';
import { buildScene } from './scene';

const layer = (id: string, type: string, params: Record<string, unknown> = {}) =>
  ({ kind: 'layer', id, type, params }) as Block;
const graph = (): NetworkDoc =>
  toDoc({
    format: 'netloom/network',
    version: 1,
    name: 't',
    input: { shape: [1, 8, 8] },
    root: {
      kind: 'graph',
      id: 'net',
      nodes: [
        layer('a', 'Conv2D', { channels: 2, kernelSize: 1 }),
        layer('b', 'Conv2D', { channels: 3, kernelSize: 3 }),
        layer('cat', 'Concat'),
        layer('act', 'Activation'),
      ],
      edges: [
        { from: 'input', to: 'a' },
        { from: 'input', to: 'b' },
      ],
      output: 'cat',
    },
  });

describe('merges: numbered input ports come from the declared arity', () => {
  it('the catalogue’s multi-input kinds are exactly its Merge category', () => {
    for (const l of LAYERS) expect(isMerge(l.type), l.type).toBe(l.category === 'Merge');
    expect(isMerge('Concat')).toBe(true);
    expect(isMerge('Dense')).toBe(false);
    expect(isMerge('NoSuchLayer')).toBe(false);
  });

  beforeEach(() => docStore.getState().reset(graph()));

  it('a connection dropped on a merge’s port keeps the port; on a one-input layer it does not', () => {
    connectHandles('b', 'out', 'cat', 'in-1');
    connectHandles('a', 'out', 'cat', 'in-0');
    connectHandles('a', 'out', 'act', 'in-0');
    const g = docStore.getState().doc.root as Extract<Block, { kind: 'graph' }>;
    expect(g.edges.slice(2)).toEqual([
      { from: 'b', to: 'cat', port: 1 },
      { from: 'a', to: 'cat', port: 0 },
      { from: 'a', to: 'act' },
    ]);
  });
});

describe('input-port errors come from INPUT_ERRORS', () => {
  const wired = (): NetworkDoc => {
    const d = graph();
    (d.root as Extract<Block, { kind: 'graph' }>).edges.push({ from: 'a', to: 'cat' }, { from: 'b', to: 'cat' });
    return d;
  };

  it('a merge of mismatched shapes shows on the port that does not fit', () => {
    const d = wired();
    const node = buildScene(d, inferNetwork(d)).nodes.find((n) => n.id === 'cat')!;
    expect(node.data.inputs).toBe(3); // two connected, one free
    expect(Object.keys(node.data.portErrors)).toEqual(['1']);
    expect(node.data.portErrors[1]).toMatch(/^E_SHAPE_MISMATCH: /);
  });

  it('an input error that names no port goes on port 0; other errors stay off the ports', () => {
    const d = wired();
    const inf = inferNetwork(d);
    inf.errors = [netError('E_RANK', 'act', 'no port named'), netError('E_PARAM_RANGE', 'a', 'not an input problem')];
    const nodes = buildScene(d, inf).nodes;
    expect(nodes.find((n) => n.id === 'act')!.data.portErrors).toEqual({ 0: expect.stringMatching(/^E_RANK: /) });
    expect(nodes.find((n) => n.id === 'a')!.data.portErrors).toEqual({});
    expect(INPUT_ERRORS).toContain('E_ARITY');
  });
});

describe('palette groups', () => {
  it('every layer kind belongs to a category the palette shows', () => {
    for (const l of LAYERS) expect(CATEGORIES, l.type).toContain(l.category);
  });
});
