// Layered placement of a graph block's nodes: ranks by longest path (then pulled down next to their
// consumers, so a Residual's shortcut sits beside the branch it joins), rows centered under their inputs.
export interface Sized {
  id: string;
  w: number;
  h: number;
}
export interface Placed {
  x: number;
  y: number;
}

export const H_GAP = 28;
export const V_GAP = 46;

export function layered(
  nodes: Sized[],
  edges: { from: string; to: string }[],
  inputId: string,
  top = 0,
): { at: Map<string, Placed>; w: number; h: number } {
  const ids = new Set(nodes.map((n) => n.id));
  const preds = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const succs = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!ids.has(e.to)) continue;
    preds.get(e.to)!.push(e.from);
    if (ids.has(e.from)) succs.get(e.from)!.push(e.to);
  }
  // Kahn's order; nodes on a cycle (an error the user is fixing) go last.
  const pending = new Map(nodes.map((n) => [n.id, preds.get(n.id)!.filter((p) => ids.has(p)).length]));
  const order: string[] = [];
  const ready = nodes.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const s of succs.get(id)!) {
      pending.set(s, pending.get(s)! - 1);
      if (pending.get(s) === 0) ready.push(s);
    }
  }
  for (const n of nodes) if (!order.includes(n.id)) order.push(n.id);
  const rank = new Map<string, number>();
  for (const id of order)
    rank.set(
      id,
      Math.max(
        0,
        ...preds
          .get(id)!
          .filter((p) => rank.has(p))
          .map((p) => rank.get(p)! + 1),
      ),
    );
  for (const id of [...order].reverse()) {
    const s = succs.get(id)!.filter((x) => rank.has(x));
    if (s.length) rank.set(id, Math.max(rank.get(id)!, Math.min(...s.map((x) => rank.get(x)!)) - 1));
  }
  const rows: string[][] = [];
  for (const id of order) (rows[rank.get(id)!] ??= []).push(id);
  const size = new Map(nodes.map((n) => [n.id, n]));
  const center = new Map<string, number>([[inputId, 0]]);
  const at = new Map<string, Placed>();
  let y = top;
  for (const row of rows.filter(Boolean)) {
    const want = (id: string) => {
      const ps = preds.get(id)!.filter((p) => center.has(p));
      return ps.length ? ps.reduce((a, p) => a + center.get(p)!, 0) / ps.length : 0;
    };
    const sorted = row.map((id, i) => ({ id, i, c: want(id) })).sort((a, b) => a.c - b.c || a.i - b.i);
    let right = -Infinity;
    const xs = sorted.map(({ id, c }) => {
      const w = size.get(id)!.w;
      const x = Math.max(c - w / 2, right + H_GAP);
      right = x + w;
      return x;
    });
    // Shift the row so it stays centered on what feeds it.
    const shift = (xs[0] + right) / 2 - sorted.reduce((a, s) => a + s.c, 0) / sorted.length;
    const h = Math.max(...row.map((id) => size.get(id)!.h));
    sorted.forEach(({ id }, i) => {
      const w = size.get(id)!.w;
      at.set(id, { x: xs[i] - shift, y });
      center.set(id, xs[i] - shift + w / 2);
    });
    y += h + V_GAP;
  }
  // Normalise so the content starts at x = 0.
  let minX = Infinity,
    maxX = -Infinity;
  for (const [id, p] of at) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x + size.get(id)!.w);
  }
  if (!at.size) return { at, w: 0, h: 0 };
  for (const p of at.values()) p.x -= minX;
  return { at, w: maxX - minX, h: y - V_GAP - top };
}
