// Which input port each graph edge feeds — the same rule as engine/core's `incoming`: explicit ports
// first, then the free ports in the order the edges are written.
export function portOrder(edges: readonly { to: string; port?: number }[]): number[] {
  const used = new Map<string, (number | undefined)[]>();
  const out: number[] = new Array(edges.length);
  edges.forEach((e, i) => {
    if (e.port !== undefined) {
      (used.get(e.to) ?? used.set(e.to, []).get(e.to)!)[e.port] = i;
      out[i] = e.port;
    }
  });
  edges.forEach((e, i) => {
    if (e.port !== undefined) return;
    const list = used.get(e.to) ?? used.set(e.to, []).get(e.to)!;
    let slot = list.findIndex((x) => x === undefined);
    if (slot < 0) slot = list.length;
    list[slot] = i;
    out[i] = slot;
  });
  return out;
}
