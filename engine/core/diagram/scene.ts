// The network as a picture, positioned: boxes (layers, open groups around their contents, Input/Output) and
// arrows with the tensor shape they carry, derived from the document and its inference. One definition for
// the editor's canvas (which renders it with React Flow), the diagram export (SVG/PNG) and tests. Pure.
import type { NetError } from '../errors';
import type { InferResult, XNode } from '../infer';
import { GRAPH_INPUT } from '../infer/graph';
import type { Block, NetworkDoc } from '../ir/schema';
import { layerDef } from '../layers';
import { infoOf, ioData, nodeData, shareEdges, type Ctx, type EdgeData, type Scene, type SceneEdge } from './data';
import { fmtShape } from './format';
import { portOrder } from './ports';
import { layered, V_GAP } from './rank';
import { blockAtPath, contentsOf, joinPath, listOf, sceneView, type SceneView } from './tree';

export const LEAF_W = 210,
  LEAF_H = 74,
  IO_H = 40,
  HEADER = 40,
  PAD = 18,
  INNER_TOP = 30;
const COL_GAP = 90;

const isGroup = (c: Ctx, b: Block, path: string) =>
  (b.kind === 'sequential' || b.kind === 'graph' || b.kind === 'instance') &&
  !c.collapsed[path] &&
  b.repeat === undefined;

/** Lays out a container's contents; pushes its nodes and edges; returns the content size. */
function contents(
  c: Ctx,
  body: Block,
  path: string,
  parent: string | undefined,
  top: number,
): { w: number; h: number; ids: string[] } {
  const kids = listOf(body);
  const sized: { id: string; b: Block; w: number; h: number; group: boolean }[] = [];
  const mark = c.nodes.length;
  // Children first (for their sizes), then this level; React Flow wants parents before children, so
  // each group's own node is spliced in before its contents below.
  for (const b of kids) {
    const p = joinPath(path, b.id);
    if (isGroup(c, b, p)) {
      const start = c.nodes.length;
      const innerBody = contentsOf(c.doc, b);
      const sz = contents(c, innerBody, p, p, HEADER + (innerBody.kind === 'graph' ? INNER_TOP : 10));
      const w = Math.max(sz.w + 2 * PAD, LEAF_W + 2 * PAD + 40);
      const h = HEADER + (innerBody.kind === 'graph' ? INNER_TOP * 2 : 20) + sz.h + PAD;
      // Center the contents inside the group.
      for (let i = start; i < c.nodes.length; i++)
        if (c.nodes[i].parentId === p && !c.positions[c.nodes[i].id]) c.nodes[i].position.x += (w - sz.w) / 2;
      const data = nodeData(c, b, p, 1);
      c.groups.add(p);
      c.nodes.splice(start, 0, {
        id: p,
        type: 'group',
        position: { x: 0, y: 0 },
        data,
        parentId: parent,
        width: w,
        height: h,
      });
      sized.push({ id: p, b, w, h, group: true });
    } else {
      const inputs = b.kind === 'layer' ? inputCount(body, b) : 1;
      c.nodes.push({
        id: p,
        type: 'layer',
        position: { x: 0, y: 0 },
        data: nodeData(c, b, p, inputs),
        parentId: parent,
        width: LEAF_W,
        height: LEAF_H,
      });
      sized.push({ id: p, b, w: LEAF_W, h: LEAF_H, group: false });
    }
  }
  const byId = new Map(c.nodes.slice(mark).map((n) => [n.id, n]));
  let w = 0,
    h = 0;
  if (body.kind === 'graph') {
    const L = layered(
      sized.map((s) => ({ id: s.b.id, w: s.w, h: s.h })),
      body.edges,
      GRAPH_INPUT,
      top,
    );
    for (const s of sized) byId.get(s.id)!.position = { ...L.at.get(s.b.id)! };
    w = L.w;
    h = L.h;
    const order = portOrder(body.edges);
    body.edges.forEach((e, i) => {
      const src = e.from === GRAPH_INPUT ? path : joinPath(path, e.from);
      const dst = joinPath(path, e.to);
      const fromInput = e.from === GRAPH_INPUT;
      if (fromInput && !parent)
        return void c.edges.push(flow(c, '__input', 'out', dst, order[i], { container: path, graphIndex: i }));
      if (fromInput)
        return void c.edges.push({
          ...flow(c, src, 'enter', dst, order[i], { container: path, graphIndex: i }),
          data: { label: '', kind: 'inner', container: path, graphIndex: i },
        });
      c.edges.push(flow(c, src, 'out', dst, order[i], { container: path, graphIndex: i }));
    });
    if (body.output !== GRAPH_INPUT && parent)
      c.edges.push({
        id: `${path}:exit`,
        source: joinPath(path, body.output),
        sourceHandle: 'out',
        target: path,
        targetHandle: 'exit',
        data: { label: '', kind: 'inner' },
      });
  } else {
    const cols = columns(sized, parent === undefined);
    let x = 0;
    const wrapAt = new Map<number, number>();
    for (const col of cols) {
      const cw = Math.max(...col.map((s) => s.w));
      let y = top;
      wrapAt.set(sized.indexOf(col[0]), x - COL_GAP / 2);
      for (const s of col) {
        byId.get(s.id)!.position = { x: x + (cw - s.w) / 2, y };
        y += s.h + V_GAP;
      }
      h = Math.max(h, y - V_GAP - top);
      x += cw + COL_GAP;
    }
    w = Math.max(0, x - COL_GAP);
    sized.forEach((s, i) => {
      if (i > 0)
        c.edges.push(
          flow(c, sized[i - 1].id, 'out', s.id, 0, {
            container: path,
            seqIndex: i,
            wrap: wrapAt.has(i) || undefined,
            wrapX: wrapAt.get(i),
          }),
        );
      else if (!parent) c.edges.push(flow(c, '__input', 'out', s.id, 0, { container: path, seqIndex: 0 }));
    });
  }
  for (const n of c.nodes.slice(mark)) if (c.positions[n.id]) n.position = { ...c.positions[n.id] };
  return { w, h, ids: sized.map((s) => s.id) };
}

/** A long chain at the top level wraps into columns so the whole network fits a landscape screen. */
function columns<T extends { w: number; h: number }>(items: T[], top: boolean): T[][] {
  const total = items.reduce((a, s) => a + s.h + V_GAP, 0);
  if (!top || total <= 1300) return [items];
  const colW = Math.max(...items.map((s) => s.w)) + COL_GAP;
  const H = Math.max(...items.map((s) => s.h), Math.sqrt((total * colW) / 1.5));
  const cols: T[][] = [[]];
  let y = 0;
  for (const s of items) {
    if (y > 0 && y + s.h > H) {
      cols.push([]);
      y = 0;
    }
    cols[cols.length - 1].push(s);
    y += s.h + V_GAP;
  }
  return cols;
}

function inputCount(body: Block, b: Block): number {
  if (body.kind !== 'graph' || b.kind !== 'layer') return 1;
  const def = layerDef(b.type);
  if (!def || def.inputs.max <= 1) return 1;
  const n = body.edges.filter((e) => e.to === b.id).length;
  return Math.min(def.inputs.max, Math.max(def.inputs.min, n + 1));
}

function flow(
  c: Ctx,
  source: string,
  sourceHandle: string,
  target: string,
  port: number,
  extra: Partial<EdgeData>,
): SceneEdge {
  const shape = source === '__input' ? c.inputShape : infoOf(c, source)?.outputShape;
  const targetHandle = c.groups.has(target) ? 'in' : `in-${port}`;
  return {
    id: `${source}->${target}:${port}`,
    source,
    sourceHandle,
    target,
    targetHandle,
    data: { label: fmtShape(shape), kind: 'flow', ...extra },
  };
}

export interface SceneOptions {
  /** The container shown ('' = the whole network), as when the user opens a block. */
  open?: string;
  /** Collapsed groups and hand-placed positions; default: the document's own view state. */
  view?: SceneView;
}

/**
 * The scene of a document and its inference. Example:
 * `buildScene(doc, inferNetwork(doc)).nodes` → `[{ id: '__input', type: 'io', … }, { id: 'conv1', type: 'layer', … }, …]`.
 */
export function buildScene(doc: NetworkDoc, inf: InferResult, opts: SceneOptions = {}): Scene {
  const open = opts.open ?? '';
  const v = opts.view ?? sceneView(doc);
  const info = new Map(inf.blocks.map((b) => [b.path, b]));
  const layers = new Map<string, Extract<XNode, { kind: 'layer' }>>();
  const walk = (x: XNode) => {
    if (x.kind === 'layer') layers.set(x.path, x);
    if (x.kind === 'sequential') x.children.forEach(walk);
    if (x.kind === 'graph') x.nodes.forEach(walk);
  };
  if (inf.tree) walk(inf.tree);
  const errors = new Map<string, NetError[]>();
  for (const e of inf.errors) errors.set(e.path, [...(errors.get(e.path) ?? []), e]);
  const shareCount = new Map<string, number>();
  for (const b of inf.blocks) if (b.sharesWith) shareCount.set(b.sharesWith, (shareCount.get(b.sharesWith) ?? 0) + 1);
  const rootInfo = info.get(open);
  const inShape = open ? rootInfo?.inputShapes[0] : doc.input.shape;
  const c: Ctx = {
    doc,
    info,
    layers,
    errors,
    collapsed: v.collapsed ?? {},
    positions: { ...v.positions },
    nodes: [],
    edges: [],
    shareCount,
    groups: new Set(),
    inputShape: inShape,
  };
  const opened = blockAtPath(doc, open);
  const body = opened ? contentsOf(doc, opened) : doc.root;
  c.nodes.push({
    id: '__input',
    type: 'io',
    position: { x: 0, y: 0 },
    width: LEAF_W,
    height: IO_H,
    data: { ...ioData('Input', fmtShape(inShape)), path: '__input' },
  });
  const sz = contents(c, body, open, undefined, IO_H + V_GAP);
  const outShape = open ? rootInfo?.outputShape : inf.output;
  const last =
    body.kind === 'graph'
      ? body.output === GRAPH_INPUT
        ? '__input'
        : joinPath(open, body.output)
      : sz.ids[sz.ids.length - 1];
  const top = new Map(c.nodes.filter((n) => !n.parentId).map((n) => [n.id, n]));
  const first = body.kind === 'sequential' ? top.get(sz.ids[0]) : undefined;
  const lastNode = body.kind === 'sequential' && last ? top.get(last) : undefined;
  const cx = (n: { position: { x: number }; width: number } | undefined) =>
    n ? n.position.x + (n.width - LEAF_W) / 2 : (sz.w - LEAF_W) / 2;
  c.nodes[0].position = c.positions.__input ?? { x: cx(first), y: 0 };
  if (body.kind === 'graph' && sz.ids.length) {
    // Hand-placed graphs: keep the input above and the output below whatever the user built.
    const ns = sz.ids.map((id) => top.get(id)!).filter(Boolean);
    const minY = Math.min(...ns.map((n) => n.position.y)),
      maxY = Math.max(...ns.map((n) => n.position.y + n.height));
    const midX =
      (Math.min(...ns.map((n) => n.position.x)) + Math.max(...ns.map((n) => n.position.x + n.width))) / 2 - LEAF_W / 2;
    c.nodes[0].position = c.positions.__input ?? { x: midX, y: minY - IO_H - V_GAP };
    c.nodes.push({
      id: '__output',
      type: 'io',
      position: c.positions.__output ?? { x: midX, y: maxY + V_GAP },
      width: LEAF_W,
      height: IO_H,
      data: { ...ioData('Output', fmtShape(outShape)), path: '__output' },
    });
  }
  const outY = lastNode ? lastNode.position.y + lastNode.height + V_GAP : IO_H + V_GAP + sz.h + V_GAP;
  if (!c.nodes.some((n) => n.id === '__output'))
    c.nodes.push({
      id: '__output',
      type: 'io',
      position: c.positions.__output ?? { x: cx(lastNode), y: outY },
      width: LEAF_W,
      height: IO_H,
      data: { ...ioData('Output', fmtShape(outShape)), path: '__output' },
    });
  if (last) c.edges.push({ ...flow(c, last, 'out', '__output', 0, {}), targetHandle: 'in-0' });
  shareEdges(c, inf);
  return { nodes: c.nodes, edges: c.edges };
}
