// Graph blocks: an inner DAG from the block's input to its `output` node, with merges (Concat, Add).
// Validates the wiring (unknown nodes, ports, arity, cycles, reachability) and evaluates in topological order.
import { netError } from '../errors';
import type { Shape } from '../layers';
import type { XNode } from './expand';
import type { ShapeState } from './shapes';

export const GRAPH_INPUT = 'input';

type XGraph = Extract<XNode, { kind: 'graph' }>;

/** Incoming edges of each node, ordered by port (explicit ports first, then in the order written). */
export function incoming(
  g: XGraph,
  st: Pick<ShapeState, 'errors'>,
  ids: Set<string> = new Set(g.nodes.map((n) => n.id)),
): Map<string, string[]> {
  const into = new Map<string, string[]>();
  for (const id of ids) into.set(id, []);
  const at = (id: string) => `${g.path ? g.path + '/' : ''}${id}`;
  for (const e of g.edges) {
    if (e.from !== GRAPH_INPUT && !ids.has(e.from)) {
      st.errors.push(netError('E_UNKNOWN_NODE', g.path, `edge from "${e.from}" — no such node`));
      continue;
    }
    if (!ids.has(e.to)) {
      st.errors.push(netError('E_UNKNOWN_NODE', g.path, `edge to "${e.to}" — no such node`));
      continue;
    }
    const list = into.get(e.to)!;
    const port = e.port ?? list.findIndex((x) => x === undefined);
    const slot = port < 0 ? list.length : port;
    if (list[slot] !== undefined) {
      st.errors.push(
        netError('E_PORT_TAKEN', at(e.to), `"${list[slot]}" and "${e.from}" both feed port ${slot}`, slot),
      );
      continue;
    }
    list[slot] = e.from;
  }
  for (const [id, list] of into) {
    const hole = Array.from(list.keys()).find((i) => list[i] === undefined);
    if (hole !== undefined) st.errors.push(netError('E_ARITY', at(id), `port ${hole} is not connected`, hole));
  }
  return into;
}

/** Evaluates a graph block; returns the output node's shape, or null when the wiring is broken. */
export function graphOrder(
  g: XGraph,
  st: ShapeState,
  evalNode: (n: XNode, ins: (Shape | null)[]) => Shape | null,
  input: Shape | null,
): Shape | null {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const ids = new Set(byId.keys());
  const into = incoming(g, st, ids);
  if (g.output !== GRAPH_INPUT && !ids.has(g.output)) {
    st.errors.push(netError('E_UNKNOWN_NODE', g.path, `output "${g.output}" — no such node`));
    return null;
  }
  // Kahn's algorithm; what is left over sits on a cycle.
  const pending = new Map([...into].map(([id, srcs]) => [id, srcs.filter((s) => s !== GRAPH_INPUT).length]));
  const ready = [...ids].filter((id) => pending.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const [to, srcs] of into) {
      for (const s of srcs)
        if (s === id) {
          pending.set(to, pending.get(to)! - 1);
          if (pending.get(to) === 0) ready.push(to);
        }
    }
  }
  if (order.length < ids.size) {
    const stuck = [...ids].filter((id) => !order.includes(id));
    st.errors.push(netError('E_CYCLE', g.path, `through ${stuck.join(' → ')}`));
    return null;
  }
  // Which nodes feed the output (backwards reachability); others are dead ends.
  const live = new Set<string>();
  const walk = (id: string) => {
    if (live.has(id) || id === GRAPH_INPUT) return;
    live.add(id);
    (into.get(id) ?? []).forEach(walk);
  };
  walk(g.output);
  for (const id of ids)
    if (!live.has(id))
      st.warnings.push(netError('E_UNUSED_NODE', byId.get(id)!.path, `"${id}" does not reach "${g.output}"`));
  const reachesInput = (id: string, seen = new Set<string>()): boolean =>
    id === GRAPH_INPUT || (!seen.has(id) && (seen.add(id), (into.get(id) ?? []).some((s) => reachesInput(s, seen))));
  if (!reachesInput(g.output)) {
    st.errors.push(netError('E_NO_OUTPUT', g.path, `"${g.output}" is not connected to the block's input`));
    return null;
  }
  const shapes = new Map<string, Shape | null>([[GRAPH_INPUT, input]]);
  for (const id of order) {
    const srcs = into.get(id)!;
    const node = byId.get(id)!;
    if (node.kind !== 'layer' && node.kind !== 'apply' && srcs.length !== 1) {
      st.errors.push(
        netError(
          'E_ARITY',
          node.path,
          `a ${node.type} takes exactly one input but has ${srcs.length}`,
          srcs.length ? 1 : 0,
        ),
      );
      shapes.set(id, null);
      continue;
    }
    const ins = srcs.length ? Array.from(srcs, (s) => (s === undefined ? null : (shapes.get(s) ?? null))) : [];
    shapes.set(id, evalNode(node, ins));
  }
  return shapes.get(g.output) ?? null;
}
