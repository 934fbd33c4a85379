import { describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDoc } from '../../../engine/core';
import { loadTemplate } from '../../../templates';
import { toDoc } from '../doc/history';
import { buildScene } from './scene';
import { sceneToSvg } from './svg';

const svgOf = (id: string) => {
  const doc = toDoc(loadTemplate(id)) as NetworkDoc;
  const scene = buildScene(doc, inferNetwork(doc));
  return { scene, svg: sceneToSvg(scene, undefined, doc.name) };
};

describe('the diagram: the canvas scene as SVG', () => {
  it('draws every block of LeNet in the canvas order, with its kind, id and output shape', () => {
    const { scene, svg } = svgOf('lenet');
    const paths = [...svg.matchAll(/class="block" data-path="([^"]*)"/g)].map((m) => m[1]);
    expect(paths).toEqual(scene.nodes.filter((n) => n.type !== 'group').map((n) => n.data.path));
    expect(svg).toContain('>Conv2D</text>');
    expect(svg).toContain('>conv1</text>');
    expect(svg).toContain('>20×24×24</text>');
    expect(svg.match(/marker-end/g)).toHaveLength(scene.edges.length);
  });

  it('draws groups behind their blocks, placed where the canvas places them (ResNet-18 small)', () => {
    const { scene, svg } = svgOf('resnet18-small');
    const groups = scene.nodes.filter((n) => n.type === 'group');
    expect(groups.length).toBeGreaterThan(0);
    expect(svg.match(/class="group"/g)).toHaveLength(groups.length);
    expect(svg.indexOf('class="group"')).toBeLessThan(svg.indexOf('class="block"'));
    // The picture covers every box: the viewBox holds the furthest block's corner.
    const [, , w, h] = svg
      .match(/viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/)!
      .slice(1)
      .map(Number);
    expect(w).toBeGreaterThan(200);
    expect(h).toBeGreaterThan(400);
  });

  it('escapes names so any document gives well-formed XML', () => {
    const doc = toDoc({ ...(loadTemplate('mlp') as object), name: 'a <b> & "c"' }) as NetworkDoc;
    const svg = sceneToSvg(buildScene(doc, inferNetwork(doc)), undefined, doc.name);
    expect(svg).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
  });
});
