// Commands that restructure: make a reusable block from a selection, detach an instance, paste,
// replace the whole document (new / open / template), the input shape.
import {
  GRAPH_INPUT,
  type Block,
  type GraphBlock,
  type GraphEdge,
  type Literal,
  type NetworkDoc,
  type Value,
} from '../../../../engine/core';
import type { Op } from '../patch';
import { blockAt, containerOf, freshId, jsonPathOf, listOf } from '../locate';
import { command } from './types';

export interface MakeBlockArgs {
  container: string;
  ids: string[];
  name: string;
}

/** Checks the selection can become one block: contiguous in a Sequential; one entry and one exit in a graph. */
function plan(doc: NetworkDoc, a: MakeBlockArgs): string | { body: Block; replace: Op[] } {
  const c = containerOf(doc, a.container);
  if (!c) return 'select blocks inside one Sequential or graph block';
  const list = listOf(c.block);
  const set = new Set(a.ids);
  const picked = list.filter((b) => set.has(b.id));
  if (picked.length < 1 || picked.length !== set.size) return 'select the blocks to group (all in one container)';
  const taken = list.map((b) => b.id).filter((id) => !set.has(id));
  const id = freshId(a.name.toLowerCase(), taken);
  const inst: Block = { kind: 'instance', id, def: a.name };
  if (c.block.kind === 'sequential') {
    const idx = picked.map((b) => list.indexOf(b));
    if (idx[idx.length - 1] - idx[0] !== idx.length - 1) return 'in a Sequential, select consecutive layers';
    const body: Block = { kind: 'sequential', id: a.name.toLowerCase(), children: picked };
    const value = [...list.slice(0, idx[0]), inst, ...list.slice(idx[idx.length - 1] + 1)];
    return { body, replace: [{ path: [...c.jp, 'children'], value }] };
  }
  const g = c.block as GraphBlock;
  const entering = g.edges.filter((e) => !set.has(e.from) && set.has(e.to));
  const leaving = g.edges.filter((e) => set.has(e.from) && !set.has(e.to));
  const sources = new Set(entering.map((e) => e.from));
  const exits = new Set(leaving.map((e) => e.from));
  if (g.output !== GRAPH_INPUT && set.has(g.output)) exits.add(g.output);
  if (sources.size > 1) return 'the selection must have one input: it is fed from ' + [...sources].join(' and ');
  if (exits.size > 1) return 'the selection must have one output: it leaves from ' + [...exits].join(' and ');
  const out = [...exits][0] ?? picked[picked.length - 1].id;
  const inner: GraphEdge[] = g.edges.filter((e) => set.has(e.from) && set.has(e.to));
  const body: GraphBlock = {
    kind: 'graph',
    id: a.name.toLowerCase(),
    nodes: picked,
    edges: [...entering.map((e) => ({ ...e, from: GRAPH_INPUT })), ...inner],
    output: out,
  };
  const src = [...sources][0];
  const edges: GraphEdge[] = [
    ...g.edges.filter((e) => !set.has(e.from) && !set.has(e.to)),
    ...(src !== undefined ? [{ from: src, to: id }] : []),
    ...leaving.map((e) => ({ ...e, from: id })),
  ];
  const replace: Op[] = [
    { path: [...c.jp, 'nodes'], value: [...list.filter((b) => !set.has(b.id)), inst] },
    { path: [...c.jp, 'edges'], value: edges },
  ];
  if (set.has(g.output)) replace.push({ path: [...c.jp, 'output'], value: id });
  return { body, replace };
}

export const makeBlock = command<MakeBlockArgs>({
  name: 'make block',
  can: (doc, a) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.name)) return 'a block name is letters, digits and _';
    if (doc.definitions[a.name]) return `a block named ${a.name} already exists`;
    const p = plan(doc, a);
    return typeof p === 'string' ? p : null;
  },
  perform: (doc, a) => {
    const p = plan(doc, a) as { body: Block; replace: Op[] };
    return [{ path: ['definitions', a.name], value: { args: [], body: p.body } }, ...p.replace];
  },
});

/** Replaces argument references by the instance's values (Gluon: the constructor's arguments baked in). */
function bake(v: unknown, args: Record<string, Literal>): unknown {
  if (Array.isArray(v)) return v.map((x) => bake(x, args));
  if (v && typeof v === 'object') {
    const ref = v as { $arg?: string; index?: number };
    if (typeof ref.$arg === 'string' && ref.$arg in args) {
      const val = args[ref.$arg];
      return ref.index !== undefined && Array.isArray(val) ? val[ref.index] : val;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bake(x, args)]));
  }
  return v;
}

/** Makes an instance editable on its own: a copy of its definition's body with its arguments baked in. */
export const detach = command<{ path: string }>({
  name: 'detach',
  can: (doc, a) => {
    const b = blockAt(doc, a.path);
    return b?.kind === 'instance' && doc.definitions[b.def] ? null : 'select a block instance';
  },
  perform: (doc, a) => {
    const b = blockAt(doc, a.path) as Extract<Block, { kind: 'instance' }>;
    const def = doc.definitions[b.def];
    const args: Record<string, Literal> = {};
    for (const d of def.args) if (d.default !== undefined) args[d.name] = d.default;
    for (const [k, v] of Object.entries(b.args ?? {})) args[k] = v as Literal;
    const body = bake(def.body, args) as Block;
    const copy = { ...body, id: b.id } as Block;
    if (b.name !== undefined) copy.name = b.name;
    if (b.trainable !== undefined) copy.trainable = b.trainable;
    if (b.when !== undefined) copy.when = b.when;
    if (b.repeat !== undefined) copy.repeat = b.repeat;
    return [{ path: jsonPathOf(doc, a.path)!, value: copy }];
  },
});

/** What copy puts on the clipboard: blocks of one container and the edges among them. */
export interface Clip {
  blocks: Block[];
  edges: GraphEdge[];
}

/** Pastes blocks into a container with fresh ids (after `after`, or at the end). */
export const paste = command<{ container: string; clip: Clip; after?: string }>({
  name: 'paste',
  can: (doc, a) => (containerOf(doc, a.container) ? null : 'paste into a Sequential or a graph block'),
  perform: (doc, a) => {
    const c = containerOf(doc, a.container)!;
    const list = listOf(c.block);
    const taken = list.map((b) => b.id);
    const rename = new Map<string, string>();
    const blocks = a.clip.blocks.map((b) => {
      const id = freshId(b.id.replace(/\d+$/, ''), taken);
      taken.push(id);
      rename.set(b.id, id);
      return { ...b, id };
    });
    // A pasted layer that shared with a pasted sibling shares with its copy.
    const fixed = blocks.map((b) =>
      b.kind === 'layer' && b.share && rename.has(b.share) ? { ...b, share: rename.get(b.share) } : b,
    );
    if (c.block.kind === 'sequential') {
      const i = a.after !== undefined ? list.findIndex((b) => b.id === a.after) + 1 : 0;
      const at = i > 0 ? i : list.length;
      return [{ path: [...c.jp, 'children'], value: [...list.slice(0, at), ...fixed, ...list.slice(at)] }];
    }
    const g = c.block as GraphBlock;
    const edges = a.clip.edges
      .filter((e) => rename.has(e.from) && rename.has(e.to))
      .map((e) => ({ ...e, from: rename.get(e.from)!, to: rename.get(e.to)! }));
    return [
      { path: [...c.jp, 'nodes'], value: [...list, ...fixed] },
      { path: [...c.jp, 'edges'], value: [...g.edges, ...edges] },
    ];
  },
});

/** New document, open, load template: one undoable step that swaps the whole document. */
export const replaceDocument = command<{ doc: NetworkDoc }>({
  name: 'replace document',
  perform: (_doc, a) => [{ path: [], value: a.doc }],
});

export const setInputShape = command<{ shape: number[] }>({
  name: 'set input shape',
  can: (_doc, a) =>
    a.shape.length >= 1 && a.shape.length <= 3 && a.shape.every((n) => Number.isInteger(n) && n > 0)
      ? null
      : 'the input is 1 to 3 positive integers, e.g. 1×28×28',
  perform: (_doc, a) => [{ path: ['input', 'shape'], value: a.shape }],
});

/** Adds an argument to a definition and makes a layer parameter inside it use it. */
export const promoteArg = command<{
  def: string;
  layerJsonPath: (string | number)[];
  key: string;
  arg: string;
  type: 'int' | 'float' | 'bool' | 'string' | 'ints';
  value: Value;
}>({
  name: 'make argument',
  can: (doc, a) =>
    !doc.definitions[a.def]
      ? `no block ${a.def}`
      : doc.definitions[a.def].args.some((x) => x.name === a.arg)
        ? `${a.def} already has "${a.arg}"`
        : null,
  perform: (doc, a) => [
    {
      path: ['definitions', a.def, 'args'],
      value: [...doc.definitions[a.def].args, { name: a.arg, type: a.type, default: a.value }],
    },
    { path: [...a.layerJsonPath, 'params', a.key], value: { $arg: a.arg } },
  ],
});
