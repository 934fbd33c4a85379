// The network as a picture (the Export dialog's SVG and PNG, for papers and slides): the canvas's own scene
// (buildScene: the same positions, sizes, titles and shapes), serialized as SVG. Pure — no DOM capture, so
// it draws the whole network whatever part of it the canvas shows, and it can move to engine/core for the CLI.
import type { Edge, Node } from '@xyflow/react';
import { LEAF_H, LEAF_W, type EdgeData, type NodeData, type Scene } from './scene';

export interface DiagramColors {
  background: string;
  node: string;
  group: string;
  border: string;
  text: string;
  muted: string;
  edge: string;
  /** The colour of a layer category (`convolution`, `pooling`…), as the palette shows it. */
  category(name: string): string;
}

export const LIGHT: DiagramColors = {
  background: '#ffffff',
  node: '#f6f7fb',
  group: 'rgba(120, 130, 160, 0.08)',
  border: '#c5cad6',
  text: '#1d2230',
  muted: '#5d6577',
  edge: '#7d8596',
  category: () => '#3b5bdb',
};

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (n: number) => String(Math.round(n * 10) / 10);

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  node: Node<NodeData>;
}

/** Absolute boxes: a node's position is relative to its parent group's. */
function boxes(nodes: Node<NodeData>[]): Map<string, Box> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, Box>();
  const place = (n: Node<NodeData>): Box => {
    const done = out.get(n.id);
    if (done) return done;
    const parent = n.parentId ? byId.get(n.parentId) : undefined;
    const origin = parent ? place(parent) : { x: 0, y: 0 };
    const b = {
      x: origin.x + n.position.x,
      y: origin.y + n.position.y,
      w: n.width ?? LEAF_W,
      h: n.height ?? LEAF_H,
      node: n,
    };
    out.set(n.id, b);
    return b;
  };
  nodes.forEach(place);
  return out;
}

function edgePath(e: Edge<EdgeData>, s: Box, t: Box): { d: string; lx: number; ly: number } {
  const sx = s.x + s.w / 2,
    sy = s.y + s.h,
    tx = t.x + t.w / 2,
    ty = t.y;
  if (e.data?.wrap && e.data.wrapX !== undefined) {
    // Down out of the column's last block, up the gap between columns, into the next column's first.
    const gx = e.data.wrapX;
    const d = `M${num(sx)},${num(sy)} V${num(sy + 16)} H${num(gx)} V${num(ty - 16)} H${num(tx)} V${num(ty)}`;
    return { d, lx: gx, ly: (sy + ty) / 2 };
  }
  const my = (sy + ty) / 2;
  const d = `M${num(sx)},${num(sy)} C${num(sx)},${num(my)} ${num(tx)},${num(my)} ${num(tx)},${num(ty)}`;
  return { d, lx: (sx + tx) / 2, ly: my };
}

/** The scene as a standalone SVG document. Example: `sceneToSvg(buildScene(doc, inferNetwork(doc)), LIGHT)`. */
export function sceneToSvg(scene: Scene, colors: DiagramColors = LIGHT, title = 'network'): string {
  const b = boxes(scene.nodes);
  const all = [...b.values()];
  const pad = 24;
  const minX = Math.min(0, ...all.map((x) => x.x)) - pad,
    minY = Math.min(0, ...all.map((x) => x.y)) - pad;
  const w = Math.max(...all.map((x) => x.x + x.w), LEAF_W) - minX + pad,
    h = Math.max(...all.map((x) => x.y + x.h), LEAF_H) - minY + pad;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(w)}" height="${num(h)}" viewBox="${num(minX)} ${num(minY)} ${num(w)} ${num(h)}" font-family="Inter, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<rect x="${num(minX)}" y="${num(minY)}" width="${num(w)}" height="${num(h)}" fill="${colors.background}"/>`,
    `<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="${colors.edge}"/></marker></defs>`,
  );
  // Groups first (behind), outermost first: a parent is always placed before its children in the scene.
  for (const x of all.filter((x) => x.node.type === 'group')) {
    const d = x.node.data;
    out.push(
      `<g class="group" data-path="${esc(d.path)}"><rect x="${num(x.x)}" y="${num(x.y)}" width="${num(x.w)}" height="${num(x.h)}" rx="12" fill="${colors.group}" stroke="${colors.category('block')}" stroke-dasharray="5 4"/>`,
      `<text x="${num(x.x + 14)}" y="${num(x.y + 24)}" font-size="14" font-weight="600" fill="${colors.text}">${esc(d.title)}${d.repeat ? ` ×${d.repeat}` : ''}</text>`,
      `<text x="${num(x.x + x.w - 14)}" y="${num(x.y + 24)}" font-size="12" text-anchor="end" fill="${colors.muted}">${esc(d.out)}</text></g>`,
    );
  }
  for (const e of scene.edges) {
    const s = b.get(e.source),
      t = b.get(e.target);
    if (!s || !t) continue;
    const { d, lx, ly } = edgePath(e, s, t);
    const dash = e.data?.kind === 'share' ? ' stroke-dasharray="4 4"' : '';
    out.push(`<path d="${d}" fill="none" stroke="${colors.edge}" stroke-width="1.5"${dash} marker-end="url(#arrow)"/>`);
    if (e.data?.label)
      out.push(
        `<text x="${num(lx + 6)}" y="${num(ly + 4)}" font-size="11" fill="${colors.muted}">${esc(e.data.label)}</text>`,
      );
  }
  for (const x of all.filter((x) => x.node.type !== 'group')) {
    const d = x.node.data;
    const accent = d.kind === 'io' ? colors.muted : colors.category((d.category ?? 'core').toLowerCase());
    // As on the canvas: a layer's kind as its heading, its id at the top right.
    const heading = d.kind === 'layer' ? d.type : d.title;
    out.push(
      `<g class="block" data-path="${esc(d.path)}"><rect x="${num(x.x)}" y="${num(x.y)}" width="${num(x.w)}" height="${num(x.h)}" rx="8" fill="${colors.node}" stroke="${colors.border}"/>`,
      `<rect x="${num(x.x)}" y="${num(x.y)}" width="5" height="${num(x.h)}" rx="2" fill="${accent}"/>`,
      `<text x="${num(x.x + 14)}" y="${num(x.y + (x.h > 50 ? 24 : x.h / 2 + 5))}" font-size="14" font-weight="600" fill="${colors.text}">${esc(heading)}</text>`,
    );
    if (d.kind === 'layer')
      out.push(
        `<text x="${num(x.x + x.w - 10)}" y="${num(x.y + 22)}" font-size="11" text-anchor="end" fill="${colors.muted}">${esc(d.title)}</text>`,
      );
    if (x.h > 50 && d.summary)
      out.push(
        `<text x="${num(x.x + 14)}" y="${num(x.y + 44)}" font-size="12" fill="${colors.muted}">${esc(d.summary)}</text>`,
      );
    if (d.out)
      out.push(
        `<text x="${num(x.x + x.w - 10)}" y="${num(x.y + x.h - 10)}" font-size="11" text-anchor="end" fill="${colors.muted}">${esc(d.out)}</text>`,
      );
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}
