// Wiring inside graph blocks (connect / disconnect), order inside Sequentials, and view state
// (positions, collapsed groups) — the view is part of the document, so moves are undoable too.
import { GRAPH_INPUT, layerDef, type GraphBlock, type NetworkDoc } from '../../../../engine/core';
import { blockAt, containerOf, listOf } from '../locate';
import type { Op } from '../patch';
import { command, viewOf } from './types';

export interface ConnectArgs {
  graph: string;
  from: string;
  to: string;
  port?: number;
}

const graphAt = (doc: NetworkDoc, path: string) => {
  const c = containerOf(doc, path);
  return c && c.block.kind === 'graph' ? { jp: c.jp, g: c.block as GraphBlock } : null;
};

/** True when `to` already reaches `from` (so from → to would close a cycle). */
function reaches(g: GraphBlock, start: string, goal: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of g.edges) if (e.from === id) stack.push(e.to);
  }
  return false;
}

/** How many inputs a node of a graph accepts (layers: their arity; blocks: one). */
export function maxInputs(doc: NetworkDoc, graph: string, id: string): number {
  const b = blockAt(doc, graph ? `${graph}/${id}` : id);
  if (b?.kind === 'layer') return layerDef(b.type)?.inputs.max ?? 1;
  return 1;
}

export const connect = command<ConnectArgs>({
  name: 'connect',
  can: (doc, a) => {
    const at = graphAt(doc, a.graph);
    if (!at) {
      return containerOf(doc, a.graph)?.block.kind === 'sequential'
        ? 'inside a Sequential the order is the wiring: drop a layer onto an edge to insert it'
        : 'both ends must be in the same graph block';
    }
    const { g } = at;
    const ids = new Set(listOf(g).map((b) => b.id));
    if (a.from !== GRAPH_INPUT && !ids.has(a.from)) return `no node "${a.from}" in this block`;
    if (!ids.has(a.to)) return `no node "${a.to}" in this block`;
    if (a.from === a.to) return 'a layer cannot feed itself';
    if (g.edges.some((e) => e.from === a.from && e.to === a.to)) return `${a.from} already feeds ${a.to}`;
    if (a.from !== GRAPH_INPUT && reaches(g, a.to, a.from))
      return `this would make a cycle: ${a.to} already leads to ${a.from}`;
    const ins = g.edges.filter((e) => e.to === a.to);
    const max = maxInputs(doc, a.graph, a.to);
    if (ins.length >= max)
      return `${a.to} takes ${max === 1 ? 'one input' : `at most ${max} inputs`} and already has ${ins.length}`;
    if (a.port !== undefined && ins.some((e, i) => (e.port ?? i) === a.port))
      return `port ${a.port} of ${a.to} is already connected`;
    return null;
  },
  perform: (doc, a) => {
    const { jp, g } = graphAt(doc, a.graph)!;
    const edge = a.port === undefined ? { from: a.from, to: a.to } : { from: a.from, to: a.to, port: a.port };
    const ops: Op[] = [{ path: [...jp, 'edges'], value: [...g.edges, edge] }];
    // The output follows the end of the chain being built: feeding a node from the output moves it on.
    if ((g.output === a.from || g.output === GRAPH_INPUT) && !g.edges.some((e) => e.from === a.to))
      ops.push({ path: [...jp, 'output'], value: a.to });
    return ops;
  },
});

export const disconnect = command<{ graph: string; index: number }>({
  name: 'disconnect',
  can: (doc, a) => (graphAt(doc, a.graph)?.g.edges[a.index] ? null : 'no such connection'),
  perform: (doc, a) => {
    const { jp, g } = graphAt(doc, a.graph)!;
    return [{ path: [...jp, 'edges'], value: g.edges.filter((_, i) => i !== a.index) }];
  },
});

/** Moves a block to another index of its Sequential (the Sequential's order is its wiring). */
export const reorder = command<{ container: string; from: number; to: number }>({
  name: 'reorder',
  can: (doc, a) => {
    const c = containerOf(doc, a.container);
    const n = c ? listOf(c.block).length : 0;
    return c?.block.kind === 'sequential' && a.from >= 0 && a.from < n && a.to >= 0 && a.to < n
      ? null
      : 'nothing to reorder';
  },
  perform: (doc, a) => {
    const c = containerOf(doc, a.container)!;
    const list = listOf(c.block).slice();
    const [b] = list.splice(a.from, 1);
    list.splice(a.to, 0, b);
    return [{ path: [...c.jp, 'children'], value: list }];
  },
});

/** Sets node positions (relative to their group); a drag is one `move` (or several merged under a mark). */
export const move = command<{ positions: Record<string, { x: number; y: number }> }>({
  name: 'move',
  perform: (doc, a) => {
    const v = viewOf(doc);
    return [{ path: ['view'], value: { ...v, positions: { ...v.positions, ...a.positions } } }];
  },
});

/** Forgets manual positions (of everything, or of the given paths): back to the automatic layout. */
export const resetLayout = command<{ paths?: string[] }>({
  name: 'reset layout',
  perform: (doc, a) => {
    const v = viewOf(doc);
    const positions = a.paths
      ? Object.fromEntries(Object.entries(v.positions ?? {}).filter(([k]) => !a.paths!.includes(k)))
      : {};
    return [{ path: ['view'], value: { ...v, positions } }];
  },
});

export const setCollapsed = command<{ paths: string[]; collapsed: boolean }>({
  name: 'collapse',
  perform: (doc, a) => {
    const v = viewOf(doc);
    const collapsed = { ...v.collapsed };
    for (const p of a.paths) {
      if (a.collapsed) collapsed[p] = true;
      else delete collapsed[p];
    }
    return [{ path: ['view'], value: { ...v, collapsed } }];
  },
});
