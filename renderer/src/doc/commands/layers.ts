// Commands on single blocks: add, remove, parameters, names, training flags, initializers, sharing.
import { layerDef, type Block, type GraphBlock, type Init, type LayerBlock, type Value } from '../../../../engine/core';
import { GRAPH_INPUT } from '../../../../engine/core';
import { getAt, type Op } from '../patch';
import { blockAt, containerOf, freshId, idOf, jsonPathOf, listOf, parentOf } from '../locate';
import { command } from './types';

export interface AddArgs {
  /** Container path ('' = root). */
  container: string;
  block: Block;
  /** Insert after this sibling id (sequential: next index; graph: spliced after it). Default: append. */
  after?: string;
  /** Graph only: splice into this edge instead. */
  onEdge?: number;
}

/** A new layer block of `type` with an id fresh in the container. */
export function newLayer(doc: Parameters<typeof containerOf>[0], container: string, type: string): LayerBlock {
  const c = containerOf(doc, container);
  const def = layerDef(type);
  return {
    kind: 'layer',
    id: freshId(def?.alias ?? type.toLowerCase(), c ? listOf(c.block).map((b) => b.id) : []),
    type,
  };
}

export const addBlock = command<AddArgs>({
  name: 'add',
  can: (doc, a) => {
    const c = containerOf(doc, a.container);
    if (!c) return 'layers can only be added inside a Sequential or a graph block';
    if (listOf(c.block).some((b) => b.id === a.block.id)) return `"${a.block.id}" already exists here`;
    return null;
  },
  perform: (doc, a) => {
    const c = containerOf(doc, a.container)!;
    const list = listOf(c.block);
    if (c.block.kind === 'sequential') {
      const i =
        a.after !== undefined
          ? list.findIndex((b) => b.id === a.after) + 1
          : a.onEdge !== undefined
            ? a.onEdge
            : list.length;
      const at = i <= 0 && a.after !== undefined ? list.length : i;
      return [{ path: [...c.jp, 'children'], value: [...list.slice(0, at), a.block, ...list.slice(at)] }];
    }
    const g = c.block as GraphBlock;
    const ops: Op[] = [{ path: [...c.jp, 'nodes'], value: [...list, a.block] }];
    const id = a.block.id;
    let edges = g.edges;
    let output = g.output;
    if (a.onEdge !== undefined && g.edges[a.onEdge]) {
      const e = g.edges[a.onEdge];
      edges = edges.map((x, i) => (i === a.onEdge ? { ...x, from: id } : x));
      edges = [...edges, { from: e.from, to: id }];
    } else if (a.after !== undefined) {
      edges = [...edges.map((e) => (e.from === a.after ? { ...e, from: id } : e)), { from: a.after, to: id }];
      if (output === a.after) output = id;
    }
    if (edges !== g.edges) ops.push({ path: [...c.jp, 'edges'], value: edges });
    if (output !== g.output) ops.push({ path: [...c.jp, 'output'], value: output });
    return ops;
  },
});

/** Removes blocks (all in one container). In a graph, a removed node with one input is bridged over. */
export const removeBlocks = command<{ paths: string[] }>({
  name: 'remove',
  can: (doc, a) =>
    a.paths.length && a.paths.every((p) => p && blockAt(doc, p) && parentOf(p) === parentOf(a.paths[0]))
      ? null
      : 'select blocks in one container to delete',
  perform: (doc, a) => {
    const c = containerOf(doc, parentOf(a.paths[0]))!;
    const gone = new Set(a.paths.map(idOf));
    const list = listOf(c.block).filter((b) => !gone.has(b.id));
    const ops: Op[] = [{ path: [...c.jp, c.key], value: list }];
    if (c.block.kind === 'graph') {
      let { edges, output } = c.block;
      for (const id of gone) {
        const ins = edges.filter((e) => e.to === id);
        const src = ins.length === 1 ? ins[0].from : undefined;
        edges = edges.flatMap((e) =>
          e.to === id ? [] : e.from === id ? (src !== undefined ? [{ ...e, from: src }] : []) : [e],
        );
        if (output === id) output = src ?? GRAPH_INPUT;
      }
      ops.push({ path: [...c.jp, 'edges'], value: edges });
      if (output !== c.block.output) ops.push({ path: [...c.jp, 'output'], value: output });
    }
    return ops;
  },
});

const exists = (doc: Parameters<typeof jsonPathOf>[0], path: string) =>
  jsonPathOf(doc, path) ? null : `no block at "${path}"`;
const layerAt = (doc: Parameters<typeof jsonPathOf>[0], path: string) => {
  const b = blockAt(doc, path);
  return b?.kind === 'layer' ? null : 'select a layer';
};

/** Sets (or with `value: undefined`, resets to the default) one layer parameter. */
export const setParam = command<{ path: string; key: string; value: Value | undefined }>({
  name: 'set parameter',
  can: (doc, a) => layerAt(doc, a.path),
  perform: (doc, a) => [{ path: [...jsonPathOf(doc, a.path)!, 'params', a.key], value: a.value }],
});

/** Renames a block's id; edges, the graph output and share/apply references in the container follow. */
export const renameBlock = command<{ path: string; id: string }>({
  name: 'rename',
  can: (doc, a) => {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(a.id)) return 'names are letters, digits, _ and -, not starting with a digit';
    const c = containerOf(doc, parentOf(a.path));
    if (!c || !blockAt(doc, a.path)) return `no block at "${a.path}"`;
    return listOf(c.block).some((b) => b.id === a.id) ? `"${a.id}" is already taken here` : null;
  },
  perform: (doc, a) => {
    const c = containerOf(doc, parentOf(a.path))!;
    const old = idOf(a.path);
    const fix = (b: Block): Block => {
      let n = b.id === old ? { ...b, id: a.id } : b;
      if (n.kind === 'layer' && n.share === old) n = { ...n, share: a.id };
      if (n.kind === 'apply' && n.target === old) n = { ...n, target: a.id };
      return n;
    };
    const ops: Op[] = [{ path: [...c.jp, c.key], value: listOf(c.block).map(fix) }];
    if (c.block.kind === 'graph') {
      const g = c.block;
      ops.push({
        path: [...c.jp, 'edges'],
        value: g.edges.map((e) => ({ ...e, from: e.from === old ? a.id : e.from, to: e.to === old ? a.id : e.to })),
      });
      if (g.output === old) ops.push({ path: [...c.jp, 'output'], value: a.id });
    }
    return ops;
  },
});

export const setTrainable = command<{ path: string; trainable: boolean }>({
  name: 'set trainable',
  can: (doc, a) => exists(doc, a.path),
  perform: (doc, a) => [{ path: [...jsonPathOf(doc, a.path)!, 'trainable'], value: a.trainable ? undefined : false }],
});

export const setConstant = command<{ path: string; constant: boolean }>({
  name: 'set constant',
  can: (doc, a) => layerAt(doc, a.path),
  perform: (doc, a) => [{ path: [...jsonPathOf(doc, a.path)!, 'constant'], value: a.constant || undefined }],
});

export const setInitializer = command<{ path: string; param: string; init: Init | undefined }>({
  name: 'set initializer',
  can: (doc, a) => layerAt(doc, a.path),
  perform: (doc, a) => [{ path: [...jsonPathOf(doc, a.path)!, 'init', a.param], value: a.init }],
});

/** `params=other.params`: the layer uses `target`'s parameters (a sibling id or an absolute path). */
export const shareParams = command<{ path: string; target: string }>({
  name: 'share parameters',
  can: (doc, a) => {
    const b = blockAt(doc, a.path);
    if (b?.kind !== 'layer') return 'only layers can share parameters';
    const t = blockAt(doc, a.target.includes('/') ? a.target : [parentOf(a.path), a.target].filter(Boolean).join('/'));
    if (!t || t.kind !== 'layer') return `"${a.target}" is not a layer`;
    if (t.type !== b.type) return `a ${b.type} cannot share with a ${t.type}`;
    if (t === b) return 'a layer cannot share with itself';
    return null;
  },
  perform: (doc, a) => [{ path: [...jsonPathOf(doc, a.path)!, 'share'], value: a.target }],
});

export const unshareParams = command<{ path: string }>({
  name: 'unshare parameters',
  can: (doc, a) => ((blockAt(doc, a.path) as LayerBlock | undefined)?.share ? null : 'this layer does not share'),
  perform: (doc, a) => [{ path: [...jsonPathOf(doc, a.path)!, 'share'], value: undefined }],
});

/** Sets one argument of an instance (undefined: back to the definition's default). */
export const setArg = command<{ path: string; arg: string; value: Value | undefined }>({
  name: 'set argument',
  can: (doc, a) => (blockAt(doc, a.path)?.kind === 'instance' ? null : 'select a block instance'),
  perform: (doc, a) => [{ path: [...jsonPathOf(doc, a.path)!, 'args', a.arg], value: a.value }],
});

/** Chooses which node of a graph block is its output. */
export const setOutput = command<{ path: string }>({
  name: 'set output',
  can: (doc, a) =>
    containerOf(doc, parentOf(a.path))?.block.kind === 'graph' && blockAt(doc, a.path)
      ? null
      : 'only a node of a graph block can be its output',
  perform: (doc, a) => [{ path: [...containerOf(doc, parentOf(a.path))!.jp, 'output'], value: idOf(a.path) }],
});

export const readList = (doc: Parameters<typeof getAt>[0], jp: readonly (string | number)[]) =>
  getAt(doc, jp) as Block[];
