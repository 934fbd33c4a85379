// The network as a picture for papers and slides: the canvas's own scene (the same positions, sizes, titles and
// shapes) drawn as a standalone SVG the way the canvas draws it — boxes with their category's bar, groups around
// their contents, shape pills on the arrows. Pure (no DOM, no fonts measured): the editor's Export dialog and the
// CLI (engine/export/diagram.ts, which renders it to PNG with resvg) share it. Text is cut to fit with an
// estimate made for wide fonts (DejaVu Sans), so it fits in narrower ones too.
import type { Scene, SceneEdge, SceneNode } from './data';
import { fmtCount } from './format';
import { HEADER } from './scene';
import { LIGHT, type DiagramTheme } from './theme';

/** Fonts that exist in browsers and on Debian (DejaVu, which resvg loads from the system), in that order. */
export const SANS = "Inter, 'Segoe UI', 'Helvetica Neue', Helvetica, Arial, 'DejaVu Sans', sans-serif";
export const MONO = "'JetBrains Mono', ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace";

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (n: number) => String(Math.round(n * 10) / 10);

/** Text width estimate in px: DejaVu's advance widths (the widest of the stacks) rounded up. */
export function textWidth(s: string, size: number, font: 'sans' | 'bold' | 'mono' = 'sans'): number {
  const em = font === 'mono' ? 0.61 : font === 'bold' ? 0.7 : 0.62;
  return [...s].length * size * em;
}
/** `s` cut with an ellipsis to at most `max` px. */
function fit(s: string, max: number, size: number, font: 'sans' | 'bold' | 'mono' = 'sans'): string {
  if (textWidth(s, size, font) <= max) return s;
  const chars = [...s];
  let n = chars.length;
  while (n > 0 && textWidth(chars.slice(0, n).join('') + '…', size, font) > max) n--;
  return n ? chars.slice(0, n).join('') + '…' : '';
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  node: SceneNode;
}

/** Absolute boxes (a node's position is relative to its parent group's), in scene order. */
export function absoluteBoxes(scene: Scene): Map<string, Box> {
  const byId = new Map(scene.nodes.map((n) => [n.id, n]));
  const out = new Map<string, Box>();
  const place = (n: SceneNode): Box => {
    const done = out.get(n.id);
    if (done) return done;
    const parent = n.parentId ? byId.get(n.parentId) : undefined;
    const origin = parent ? place(parent) : { x: 0, y: 0 };
    const b = { x: origin.x + n.position.x, y: origin.y + n.position.y, w: n.width, h: n.height, node: n };
    out.set(n.id, b);
    return b;
  };
  scene.nodes.forEach(place);
  return out;
}

/** Where an edge leaves or enters a box, as the canvas's handles sit (inputs spread along the top). */
function anchor(b: Box, handle: string): { x: number; y: number } {
  if (handle === 'share-out' || handle === 'share-in') return { x: b.x + b.w, y: b.y + b.h / 2 };
  if (handle === 'out' || handle === 'exit') return { x: b.x + b.w / 2, y: b.y + b.h };
  const port = /^in-(\d+)$/.exec(handle);
  if (port) return { x: b.x + (b.w * (Number(port[1]) + 1)) / (b.node.data.inputs + 1), y: b.y };
  // Into a group's contents from below its header (the canvas starts at its top edge, across the title).
  if (handle === 'enter') return { x: b.x + b.w / 2, y: b.y + HEADER };
  return { x: b.x + b.w / 2, y: b.y }; // 'in'
}

/** The edge's path and where its label sits: the canvas's bezier, its column wrap, a loop to the right for sharing. */
export function edgeGeometry(
  e: SceneEdge,
  s: Box,
  t: Box,
): { d: string; lx: number; ly: number; end: { x: number; y: number }; from: { x: number; y: number } } {
  const a = anchor(s, e.sourceHandle),
    b = anchor(t, e.targetHandle);
  if (e.data.kind === 'share') {
    const x = Math.max(a.x, b.x) + 40;
    const d = `M${num(a.x)},${num(a.y)} C${num(x)},${num(a.y)} ${num(x)},${num(b.y)} ${num(b.x)},${num(b.y)}`;
    return { d, lx: x - 10, ly: (a.y + b.y) / 2, end: b, from: { x, y: b.y } };
  }
  const gx = e.data.wrapX;
  if (e.data.wrap && gx !== undefined && b.x > gx && a.x < gx) {
    // Down out of the column's last block, up the middle of the gap between columns, into the next column.
    const down = a.y + 22,
      up = b.y - 22,
      r = 10;
    const d =
      `M${num(a.x)},${num(a.y)} V${num(down - r)} Q${num(a.x)},${num(down)} ${num(a.x + r)},${num(down)} H${num(gx - r)}` +
      ` Q${num(gx)},${num(down)} ${num(gx)},${num(down - r)} V${num(up + r)} Q${num(gx)},${num(up)} ${num(gx + r)},${num(up)}` +
      ` H${num(b.x - r)} Q${num(b.x)},${num(up)} ${num(b.x)},${num(up + r)} V${num(b.y)}`;
    return { d, lx: gx, ly: (down + up) / 2, end: b, from: { x: b.x, y: up } };
  }
  // React Flow's bezier between a bottom and a top handle: control points half the height away (at least 25).
  const k = Math.max(25, Math.abs(b.y - a.y) / 2);
  const d = `M${num(a.x)},${num(a.y)} C${num(a.x)},${num(a.y + k)} ${num(b.x)},${num(b.y - k)} ${num(b.x)},${num(b.y)}`;
  return { d, lx: (a.x + b.x) / 2, ly: (a.y + b.y) / 2, end: b, from: { x: b.x, y: b.y - k } };
}

/** The pill an edge's label sits in. */
export function labelBox(label: string, lx: number, ly: number): { x: number; y: number; w: number; h: number } {
  const w = textWidth(label, 10.5, 'mono') + 12,
    h = 17;
  return { x: lx - w / 2, y: ly - h / 2, w, h };
}

function pill(x: number, y: number, text: string, fill: string, color: string, stroke: string): string {
  const w = textWidth(text, 10.5) + 12;
  return (
    `<rect x="${num(x - w)}" y="${num(y)}" width="${num(w)}" height="17" rx="8" fill="${fill}" stroke="${stroke}"/>` +
    `<text x="${num(x - w / 2)}" y="${num(y + 12.5)}" font-size="10.5" text-anchor="middle" fill="${color}">${esc(text)}</text>`
  );
}

/** The badges above a box's top-right corner, right to left: sharing, repetition, errors. */
function badges(b: Box, t: DiagramTheme): string {
  const d = b.node.data;
  const items: [string, string, string, string][] = [];
  if (d.shares) items.push([`⇄ ${d.shares.split('/').pop()}`, t.share, '#ffffff', t.share]);
  if (d.sharedBy) items.push([`⇄ ×${d.sharedBy + 1}`, t.share, '#ffffff', t.share]);
  if (d.repeat !== undefined) items.push([`×${d.repeat}`, t.raised, t.muted, t.nodeBorder]);
  if (d.errors.length) items.push([`${d.errors.length} ⚠`, t.danger, '#ffffff', t.danger]);
  let x = b.x + b.w - 8;
  const out: string[] = [];
  for (const [text, fill, color, stroke] of items.reverse()) {
    out.push(pill(x, b.y - 9, text, fill, color, stroke));
    x -= textWidth(text, 10.5) + 16;
  }
  return out.join('');
}

function groupSvg(b: Box, t: DiagramTheme): string {
  const d = b.node.data;
  const stroke = d.errors.length ? t.danger : t.groupBorder;
  const icon = d.kind === 'instance' ? '◆' : d.kind === 'graph' ? '⬡' : '☰';
  const inner = b.w - 24;
  const type = fit(d.type, inner / 2, 13, 'bold');
  const typeW = textWidth(type, 13, 'bold');
  const meta = `→ ${d.out} · ${fmtCount(d.params)} params${d.args ? ` · ${d.args}` : ''}`;
  return [
    `<g class="group" data-path="${esc(d.path)}">`,
    `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.w)}" height="${num(b.h)}" rx="14" fill="${t.group}" stroke="${stroke}" stroke-width="1.5"/>`,
    `<path d="M${num(b.x)},${num(b.y + 40)} H${num(b.x + b.w)}" stroke="${t.groupBorder}"/>`,
    `<text x="${num(b.x + 12)}" y="${num(b.y + 18)}" font-size="13" fill="${t.categories.block}">${icon}</text>`,
    `<text x="${num(b.x + 31)}" y="${num(b.y + 18)}" font-size="13" font-weight="bold" fill="${t.text}">${esc(type)}</text>`,
    `<text x="${num(b.x + 38 + typeW)}" y="${num(b.y + 18)}" font-size="11.5" fill="${t.muted}">${esc(fit(d.title, inner - typeW - 26, 11.5))}${d.repeat ? ` ×${d.repeat}` : ''}</text>`,
    `<text x="${num(b.x + 12)}" y="${num(b.y + 34)}" font-size="10.5" font-family="${MONO}" fill="${t.muted}">${esc(fit(meta, inner, 10.5, 'mono'))}</text>`,
    badges(b, t),
    `</g>`,
  ].join('');
}

function blockSvg(b: Box, t: DiagramTheme): string {
  const d = b.node.data;
  const { x, y, w, h } = b;
  if (d.kind === 'io') {
    const out = fit(d.out, w / 2, 11, 'mono');
    return [
      `<g class="block" data-path="${esc(d.path)}">`,
      `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="${num(h / 2)}" fill="${t.raised}" stroke="${t.nodeBorder}"/>`,
      `<text x="${num(x + 14)}" y="${num(y + h / 2 + 4.5)}" font-size="13" font-weight="bold" fill="${t.text}">${esc(d.title)}</text>`,
      `<text x="${num(x + w - 14)}" y="${num(y + h / 2 + 4)}" font-size="11" text-anchor="end" font-family="${MONO}" fill="${t.text}">${esc(out)}</text>`,
      `</g>`,
    ].join('');
  }
  // As the canvas colours the bar: the layer's category; a re-applied layer as sharing; a skipped one faint.
  const accent =
    d.kind === 'apply'
      ? t.share
      : d.kind === 'identity'
        ? t.muted
        : t.categories[(d.category ?? (d.kind === 'layer' ? 'core' : 'block')).toLowerCase()];
  const inner = w - 25;
  const id = fit(d.title, inner / 2, 11.5);
  const type = fit(d.type, inner - textWidth(id, 11.5) - 6, 13, 'bold');
  const summary = d.kind === 'identity' ? 'skipped (when = false)' : d.summary;
  const params = d.params ? `${fmtCount(d.params)} params` : '';
  const out = fit(`→ ${d.out}`, inner - textWidth(params, 11.5) - 6, 11, 'mono');
  const stroke = d.errors.length ? t.danger : t.nodeBorder;
  const dash = d.kind === 'identity' ? ' stroke-dasharray="4 3"' : '';
  return [
    `<g class="block" data-path="${esc(d.path)}"${d.kind === 'identity' ? ' opacity="0.45"' : ''}>`,
    `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="10" fill="${t.node}" stroke="${stroke}"${dash}/>`,
    // The category bar along the left edge, rounded with the box (a clip would need an id per box).
    `<path d="M${num(x + 10)},${num(y)} H${num(x + 4)} V${num(y + h)} H${num(x + 10)} A10,10 0 0 1 ${num(x)},${num(y + h - 10)} V${num(y + 10)} A10,10 0 0 1 ${num(x + 10)},${num(y)} Z" fill="${accent}"/>`,
    `<text x="${num(x + 14)}" y="${num(y + 22)}" font-size="13" font-weight="bold" fill="${t.text}">${esc(type)}</text>`,
    `<text x="${num(x + w - 11)}" y="${num(y + 22)}" font-size="11.5" text-anchor="end" fill="${t.muted}">${esc(id)}</text>`,
    summary
      ? `<text x="${num(x + 14)}" y="${num(y + 42)}" font-size="11.5" fill="${t.muted}">${esc(fit(summary, inner, 11.5))}</text>`
      : '',
    `<text x="${num(x + 14)}" y="${num(y + 63)}" font-size="11" font-family="${MONO}" fill="${t.text}">${esc(out)}</text>`,
    params
      ? `<text x="${num(x + w - 11)}" y="${num(y + 63)}" font-size="11.5" text-anchor="end" fill="${t.muted}">${esc(params)}</text>`
      : '',
    badges(b, t),
    `</g>`,
  ].join('');
}

/** An arrowhead at `end`, pointing away from `from` (drawn, not a marker: renderers disagree on markers). */
function arrowHead(end: { x: number; y: number }, from: { x: number; y: number }, color: string): string {
  const len = Math.hypot(end.x - from.x, end.y - from.y) || 1;
  const [ux, uy] = [(end.x - from.x) / len, (end.y - from.y) / len];
  const [bx, by] = [end.x - ux * 7, end.y - uy * 7];
  return `<path d="M${num(end.x)},${num(end.y)} L${num(bx - uy * 3.5)},${num(by + ux * 3.5)} L${num(bx + uy * 3.5)},${num(by - ux * 3.5)} Z" fill="${color}"/>`;
}

function edgeSvg(e: SceneEdge, s: Box, t: Box, th: DiagramTheme): { path: string; label: string } {
  const { d, lx, ly, end, from } = edgeGeometry(e, s, t);
  const share = e.data.kind === 'share';
  const color = e.data.error ? th.danger : share ? th.share : th.edge;
  const dash = share ? ' stroke-dasharray="6 5"' : e.data.kind === 'inner' ? ' stroke-dasharray="2 4"' : '';
  const path = `<g class="edge"><path d="${d}" fill="none" stroke="${color}" stroke-width="${share ? 1.8 : 1.6}"${dash}/>${arrowHead(end, from, color)}</g>`;
  if (!e.data.label) return { path, label: '' };
  const p = labelBox(e.data.label, lx, ly);
  const fill = e.data.error ? th.danger : th.labelBg;
  const text = e.data.error ? '#ffffff' : share ? th.share : th.labelText;
  const label =
    `<g class="edge-label"><rect x="${num(p.x)}" y="${num(p.y)}" width="${num(p.w)}" height="${num(p.h)}" rx="8" fill="${fill}" stroke="${share || e.data.error ? color : th.nodeBorder}"/>` +
    `<text x="${num(lx)}" y="${num(ly + 3.8)}" font-size="10.5" font-weight="500" text-anchor="middle" font-family="${MONO}" fill="${text}">${esc(e.data.label)}</text></g>`;
  return { path, label };
}

/** The picture's bounds: every box (and its badges, 9 px above), every edge label and sharing loop, with a margin. */
export function sceneBounds(scene: Scene, pad = 24): { x: number; y: number; w: number; h: number } {
  const boxes = absoluteBoxes(scene);
  const rects = [...boxes.values()].map((b) => ({ x: b.x, y: b.y - 9, w: b.w, h: b.h + 9 }));
  for (const e of scene.edges) {
    const s = boxes.get(e.source),
      t = boxes.get(e.target);
    if (!s || !t) continue;
    const g = edgeGeometry(e, s, t);
    if (e.data.label) rects.push(labelBox(e.data.label, g.lx, g.ly));
    if (e.data.kind === 'share') rects.push({ x: g.from.x, y: g.from.y, w: 0, h: 0 });
  }
  const minX = Math.min(0, ...rects.map((r) => r.x)) - pad,
    minY = Math.min(0, ...rects.map((r) => r.y)) - pad;
  const maxX = Math.max(0, ...rects.map((r) => r.x + r.w)),
    maxY = Math.max(0, ...rects.map((r) => r.y + r.h));
  return { x: minX, y: minY, w: maxX - minX + pad, h: maxY - minY + pad };
}

/** The scene as a standalone SVG document. Example: `sceneToSvg(buildScene(doc, inferNetwork(doc)), LIGHT, doc.name)`. */
export function sceneToSvg(scene: Scene, theme: DiagramTheme = LIGHT, title = 'network'): string {
  const boxes = absoluteBoxes(scene);
  const all = [...boxes.values()];
  const v = sceneBounds(scene);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(v.w)}" height="${num(v.h)}" viewBox="${num(v.x)} ${num(v.y)} ${num(v.w)} ${num(v.h)}" font-family="${SANS}">`,
    `<title>${esc(title)}</title>`,
    `<rect x="${num(v.x)}" y="${num(v.y)}" width="${num(v.w)}" height="${num(v.h)}" fill="${theme.background}"/>`,
  ];
  // Groups first (behind), outermost first: a parent is always placed before its children in the scene.
  for (const b of all) if (b.node.type === 'group') out.push(groupSvg(b, theme));
  const labels: string[] = [];
  for (const e of scene.edges) {
    const s = boxes.get(e.source),
      t = boxes.get(e.target);
    if (!s || !t) continue;
    const g = edgeSvg(e, s, t, theme);
    out.push(g.path);
    labels.push(g.label);
  }
  for (const b of all) if (b.node.type !== 'group') out.push(blockSvg(b, theme));
  // Labels last, over the arrows and boxes, as the canvas draws them.
  out.push(...labels.filter(Boolean), '</svg>');
  return out.join('\n');
}
