// `netloom export --format svg|png` as a user runs it: a template and a trained project drawn as the canvas draws
// them (every layer, the shapes on the arrows), the PNG decodable at 2× with many colours, light or dark; a
// missing output folder or a bad --theme is one line with its code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { THEMES, inferNetwork, parseDocument, type NetworkDoc } from '../core';
import { writeProject } from '../export';
import { haveFashion, trainedModel } from '../export/testing/fixtures';
import { selectBackend } from '../runtime';
import { cli, expectOneLineError } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-cli-diagram-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => cli(['export', ...args]);

const svgSize = (svg: string) => [/width="([\d.]+)"/, /height="([\d.]+)"/].map((r) => Number(r.exec(svg)![1]));
/** Distinct colours (4 bits a channel, so antialiasing does not count). */
const colours = (png: PNG) => {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4)
    seen.add(((png.data[i] >> 4) << 8) | ((png.data[i + 1] >> 4) << 4) | (png.data[i + 2] >> 4));
  return seen.size;
};

describe('netloom export --format svg|png', () => {
  it('draws a template as SVG with every layer and every shape the canvas shows, light by default', () => {
    const out = path.join(dir, 'lenet.svg');
    const r = run('lenet', '--format', 'svg', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: diagram (SVG, as on the canvas), light theme\n`);
    expect(r.stderr).toBe('');
    const svg = fs.readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(`fill="${THEMES.light.background}"`);
    const doc = parseDocument(loadTemplate('lenet')).doc!;
    const net = inferNetwork(doc);
    for (const b of net.blocks.filter((b) => b.kind === 'layer')) expect(svg).toContain(`>${b.path}</text>`);
    for (const s of ['1×28×28', '20×24×24', '20×12×12', '50×10×10', '50×5×5', '1250', '128', '10'])
      expect(svg).toContain(`>${s}</text>`);
  });

  it('draws a big template as PNG at 2× in the dark theme, each block definition expanded once', () => {
    const out = path.join(dir, 'googlenet.png');
    const r = run('googlenet', '--format', 'png', '--theme', 'dark', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dark theme\n$/);
    const png = PNG.sync.read(fs.readFileSync(out));
    // The editor's first look at GoogLeNet: 9 Inception instances, all but the first collapsed — so the picture
    // is a few thousand pixels, not the fully expanded network's ~6,400.
    expect(png.width).toBeGreaterThan(1500);
    expect(png.width).toBeLessThan(5000);
    expect([...png.data.subarray(0, 3)]).toEqual([0x0f, 0x11, 0x17]);
    expect(colours(png)).toBeGreaterThan(50);
  });

  describe.skipIf(!haveFashion())('from a trained project (Fashion-MNIST is installed)', () => {
    beforeAll(async () => {
      await selectBackend('wasm');
    });

    it('draws the project as it was saved, collapsed groups included', async () => {
      const doc = loadTemplate('resnet18-small') as NetworkDoc;
      const { net, model } = await trainedModel(doc, { steps: 2 });
      const weights = await model.params.toGluon();
      model.dispose();
      const project = path.join(dir, 'resnet.netloom');
      await writeProject(project, { doc: { ...net.doc!, view: { collapsed: { b2: true } } }, weights });
      const svgFile = path.join(dir, 'resnet.svg');
      const s = run(project, '--format', 'svg', '--out', svgFile);
      expect(s.status, s.stderr).toBe(0);
      const svg = fs.readFileSync(svgFile, 'utf8');
      expect(svg).toContain('data-path="b2"');
      expect(svg).not.toContain('data-path="b2/'); // collapsed: one box
      expect(svg).toContain('data-path="b3/r1/conv1"');
      const pngFile = path.join(dir, 'resnet.png');
      const p = run(project, '--format', 'png', '--out', pngFile);
      expect(p.status, p.stderr).toBe(0);
      expect(p.stdout).toMatch(/light theme\n$/);
      const png = PNG.sync.read(fs.readFileSync(pngFile));
      const [w, h] = svgSize(svg);
      expect([png.width, png.height]).toEqual([Math.round(w * 2), Math.round(h * 2)]);
      expect(colours(png)).toBeGreaterThan(50);
    }, 300_000);
  });
  if (!haveFashion()) console.warn('skipped the trained-project diagram: Fashion-MNIST is not installed');

  it('ends with one line and exit 1 when the output folder is missing, and writes nothing', () => {
    const out = path.join(dir, 'no-such-folder', 'x.png');
    expectOneLineError(run('lenet', '--format', 'png', '--out', out), {
      code: 'E_WRITE_NO_DIR',
      status: 1,
      mentions: 'no-such-folder',
    });
    expect(fs.existsSync(path.dirname(out))).toBe(false);
  });

  it('refuses a bad --theme, and --theme with a format that does not draw (usage, exit 2)', () => {
    expectOneLineError(run('lenet', '--format', 'svg', '--theme', 'blue', '--out', path.join(dir, 'b.svg')), {
      code: 'E_USAGE',
      status: 2,
      mentions: /--theme must be one of light, dark/,
    });
    expectOneLineError(run('lenet', '--format', 'onnx', '--theme', 'dark', '--out', path.join(dir, 'b.onnx')), {
      code: 'E_USAGE',
      status: 2,
      mentions: /--theme is for the diagram formats/,
    });
  });
});
