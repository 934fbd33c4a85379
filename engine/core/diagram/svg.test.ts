import { describe, expect, it } from 'vitest';
import { inferNetwork, parseDocument, type NetworkDoc } from '..';
import { loadTemplate } from '../../../templates';
import { buildScene, type Scene, type SceneView } from '.';
import { absoluteBoxes, edgeGeometry, labelBox, sceneToSvg, type Box } from './svg';
import { DARK } from './theme';

const docOf = (raw: unknown) => {
  const { doc, errors } = parseDocument(raw);
  if (!doc) throw new Error(errors.map((e) => e.message).join('\n'));
  return doc;
};
const pictureOf = (id: string, view?: SceneView) => {
  const doc = docOf(loadTemplate(id));
  const inf = inferNetwork(doc);
  const scene = buildScene(doc, inf, { view });
  return { doc, inf, scene, svg: sceneToSvg(scene, undefined, doc.name) };
};
/** What the SVG shows as text (entities decoded). */
const texts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
const overlap = (a: { x: number; y: number; w: number; h: number }, b: typeof a) =>
  a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
const within = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.w <= outer.x + outer.w &&
  inner.y + inner.h <= outer.y + outer.h;

/** Pairs of boxes that overlap although neither holds the other (a group holds its contents, entirely). */
function overlaps(scene: Scene): string[] {
  const boxes = [...absoluteBoxes(scene).values()];
  const holds = (a: Box, b: Box) => b.node.id.startsWith(`${a.node.id}/`);
  const bad: string[] = [];
  for (const b of boxes) {
    const parent = b.node.parentId ? absoluteBoxes(scene).get(b.node.parentId)! : undefined;
    if (parent && !within(b, parent)) bad.push(`${b.node.id} sticks out of ${parent.node.id}`);
  }
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (!holds(a, b) && !holds(b, a) && overlap(a, b)) bad.push(`${a.node.id} × ${b.node.id}`);
    }
  return bad;
}

/** Edge labels that sit on a box they do not belong to (on an arrow's own ends they would hide a handle). */
function coveredLabels(scene: Scene): string[] {
  const boxes = absoluteBoxes(scene);
  const leaves = [...boxes.values()].filter((b) => b.node.type !== 'group');
  const bad: string[] = [];
  for (const e of scene.edges) {
    if (!e.data.label) continue;
    const { lx, ly } = edgeGeometry(e, boxes.get(e.source)!, boxes.get(e.target)!);
    const p = labelBox(e.data.label, lx, ly);
    for (const b of leaves) if (overlap(p, b)) bad.push(`${e.id} on ${b.node.id}`);
  }
  return bad;
}

describe('the diagram: the canvas scene as SVG', () => {
  it('draws every block of LeNet in the canvas order, with its kind, id, output shape and edge shapes', () => {
    const { scene, svg, inf } = pictureOf('lenet');
    const paths = [...svg.matchAll(/class="block" data-path="([^"]*)"/g)].map((m) => m[1]);
    expect(paths).toEqual(scene.nodes.filter((n) => n.type !== 'group').map((n) => n.data.path));
    const shown = texts(svg);
    for (const b of inf.blocks.filter((b) => b.kind === 'layer')) {
      expect(shown, b.path).toContain(b.path);
      expect(shown, b.path).toContain(b.type);
    }
    expect(shown).toContain('→ 20×24×24');
    expect(shown).toContain('20 ch · 5×5 · relu');
    for (const e of scene.edges) expect(shown, e.id).toContain(e.data.label);
    expect(svg.match(/class="edge"/g)).toHaveLength(scene.edges.length);
    expect(overlaps(scene)).toEqual([]);
    expect(coveredLabels(scene)).toEqual([]);
  });

  for (const id of ['googlenet', 'resnet18', 'densenet-small']) {
    it(`draws ${id} fully expanded: every layer and every shape on an arrow, no box on another`, () => {
      const { scene, svg, inf } = pictureOf(id, {});
      const shown = texts(svg);
      const ids = new Set(scene.nodes.map((n) => n.id));
      // Every layer the network runs (a definition's body once per instance) is a box with its kind and id.
      const layers = inf.blocks.filter((b) => b.kind === 'layer' && !/\.\d+(\/|$)/.test(b.path));
      expect(layers.length).toBeGreaterThan(15);
      for (const b of layers) {
        expect(ids, b.path).toContain(b.path);
        expect(shown, b.path).toContain(b.type);
      }
      for (const n of scene.nodes.filter((n) => n.type !== 'io'))
        expect(
          shown.some((t) => t.startsWith(n.data.title.slice(0, 6))),
          n.id,
        ).toBe(true);
      const labelled = scene.edges.filter((e) => e.data.label);
      expect(labelled.length).toBeGreaterThan(layers.length / 2);
      for (const e of labelled) expect(shown, e.id).toContain(e.data.label);
      expect(overlaps(scene)).toEqual([]);
      expect(coveredLabels(scene)).toEqual([]);
    });
  }

  it('draws groups behind their blocks and the picture covers every box (ResNet-18 small, dark)', () => {
    const { scene } = pictureOf('resnet18-small');
    const svg = sceneToSvg(scene, DARK, 'r');
    const groups = scene.nodes.filter((n) => n.type === 'group');
    expect(groups.length).toBeGreaterThan(0);
    expect(svg.match(/class="group"/g)).toHaveLength(groups.length);
    expect(svg.indexOf('class="group"')).toBeLessThan(svg.indexOf('class="block"'));
    expect(svg).toContain(`fill="${DARK.background}"`);
    const [x, y, w, h] = svg
      .match(/viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/)!
      .slice(1)
      .map(Number);
    for (const b of absoluteBoxes(scene).values()) {
      expect(b.x).toBeGreaterThanOrEqual(x);
      expect(b.y).toBeGreaterThanOrEqual(y);
      expect(b.x + b.w).toBeLessThanOrEqual(x + w);
      expect(b.y + b.h).toBeLessThanOrEqual(y + h);
    }
  });

  it('frames the sharing loops and their labels (FancyMLP, SharedMLP)', () => {
    for (const id of ['fancy-mlp', 'shared-mlp']) {
      const { scene, svg } = pictureOf(id);
      const [x, y, w, h] = svg
        .match(/viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/)!
        .slice(1)
        .map(Number);
      const boxes = absoluteBoxes(scene);
      const shares = scene.edges.filter((e) => e.data.kind === 'share');
      expect(shares.length, id).toBeGreaterThan(0);
      for (const e of shares) {
        const g = edgeGeometry(e, boxes.get(e.source)!, boxes.get(e.target)!);
        const p = labelBox(e.data.label, g.lx, g.ly);
        expect(p.x).toBeGreaterThanOrEqual(x);
        expect(p.x + p.w, `${id}: ${e.data.label}`).toBeLessThanOrEqual(x + w);
        expect(p.y + p.h).toBeLessThanOrEqual(y + h);
      }
    }
  });

  it('keeps the view: a collapsed group is one box, a moved block is where the user put it', () => {
    const doc = docOf(loadTemplate('resnet18-small'));
    const inf = inferNetwork(doc);
    const group = buildScene(doc, inf, { view: {} }).nodes.find((n) => n.type === 'group' && !n.parentId)!;
    const scene = buildScene(doc, inf, {
      view: { collapsed: { [group.id]: true }, positions: { __input: { x: -500, y: -40 } } },
    });
    expect(scene.nodes.find((n) => n.id === group.id)!.type).toBe('layer');
    expect(scene.nodes.some((n) => n.parentId === group.id)).toBe(false);
    expect(scene.nodes.find((n) => n.id === '__input')!.position).toEqual({ x: -500, y: -40 });
    expect(sceneToSvg(scene)).toMatch(/viewBox="-524 /);
  });

  it('reads the view state from the document, ignoring malformed entries', () => {
    const doc = docOf(loadTemplate('lenet')) as NetworkDoc;
    const withView = { ...doc, view: { positions: { conv1: { x: 1, y: 2 }, pool1: 'x', dense1: { x: 'a' } } } };
    const scene = buildScene(withView, inferNetwork(doc));
    expect(scene.nodes.find((n) => n.id === 'conv1')!.position).toEqual({ x: 1, y: 2 });
    expect(scene.nodes.find((n) => n.id === 'pool1')!.position.x).toBeTypeOf('number');
  });

  it('escapes names so any document gives well-formed XML, and cuts long text to its box', () => {
    const doc = docOf({ ...(loadTemplate('mlp') as object), name: 'a <b> & "c"' });
    const svg = sceneToSvg(buildScene(doc, inferNetwork(doc)), undefined, doc.name);
    expect(svg).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
    const raw = structuredClone(loadTemplate('mlp')) as { root: { children: { id: string }[] } };
    raw.root.children[0].id = 'x'.repeat(80);
    const long = docOf(raw);
    const shown = texts(sceneToSvg(buildScene(long, inferNetwork(long))));
    expect(shown.find((t) => t.startsWith('xxx'))).toMatch(/^x{10,40}…$/);
  });
});
