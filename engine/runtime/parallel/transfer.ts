// An inferred network crosses to a worker by structured clone, which cannot carry functions: the layer nodes'
// `def` (shape and parameter functions from the layer catalogue) is dropped on the way and looked up again by
// type on arrival. Everything else in InferResult is plain data.
import { layerDef, type InferResult, type XNode } from '../../core';

/** A deep copy without functions (shared and cyclic references kept as such). */
export function portable<T>(value: T, seen = new Map<object, unknown>()): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (seen.has(value)) return seen.get(value) as T;
  const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'function') (out as Record<string, unknown>)[k] = portable(v, seen);
  }
  return out as T;
}

/** Puts the layer catalogue's definitions back on a network that came through `portable`. */
export function revive(net: InferResult): InferResult {
  const visit = (n: XNode) => {
    if (n.kind === 'layer') {
      const def = layerDef(n.type);
      if (!def) throw new Error(`unknown layer type ${n.type} at ${n.path}`);
      (n as { def: unknown }).def = def;
    }
    if (n.kind === 'sequential') n.children.forEach(visit);
    if (n.kind === 'graph') n.nodes.forEach(visit);
  };
  if (net.tree) visit(net.tree);
  return net;
}
