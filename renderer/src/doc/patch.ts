// Patches: the unit of history. An op replaces the value at a JSON path (undefined deletes the key).
// Arrays are replaced whole or element-wise by index — never spliced in place — so every op has an
// exact inverse: the old value at the same path. Updates copy along the path (structural sharing),
// so untouched subtrees keep their identity and React memoization keeps working.

export type JsonPath = readonly (string | number)[];
export interface Op {
  path: JsonPath;
  value: unknown;
}

/** Reads the value at `path` (undefined when any step is missing). */
export function getAt(root: unknown, path: JsonPath): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function setAt(node: unknown, path: JsonPath, i: number, value: unknown): unknown {
  if (i === path.length) return value;
  const k = path[i];
  if (Array.isArray(node)) {
    const copy = node.slice();
    copy[k as number] = setAt(node[k as number], path, i + 1, value);
    return copy;
  }
  const obj = (node && typeof node === 'object' ? node : {}) as Record<string, unknown>;
  const next = setAt(obj[k as string], path, i + 1, value);
  const copy = { ...obj };
  if (next === undefined) delete copy[k as string];
  else copy[k as string] = next;
  return copy;
}

/** Applies ops in order; returns the new root and the ops that undo them (in the order to apply). */
export function applyOps<T>(root: T, ops: readonly Op[]): { root: T; inverse: Op[] } {
  let r: unknown = root;
  const inverse: Op[] = [];
  for (const op of ops) {
    // Undo must remove any container this op creates (e.g. a `params` object), not leave it empty.
    let cut = op.path.length;
    for (let i = 0; i < op.path.length; i++)
      if (getAt(r, op.path.slice(0, i + 1)) === undefined) {
        cut = i + 1;
        break;
      }
    const at = op.path.slice(0, cut);
    inverse.unshift({ path: at, value: getAt(r, at) });
    r = setAt(r, op.path, 0, op.value);
  }
  return { root: r as T, inverse };
}
