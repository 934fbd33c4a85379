// The diagram outside the editor: its colours are the editor's (held to the stylesheet), and the PNG is the SVG
// rendered by resvg at 2× on the theme's background, with text (several colours, not a blank page).
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { THEMES, THEME_CATEGORIES, THEME_VARS, inferNetwork, parseDocument } from '../core';
import { loadTemplate } from '../../templates';
import { diagramSvg, svgToPng } from './diagram';

const STYLES = fs.readFileSync(path.resolve(__dirname, '../../renderer/src/styles.css'), 'utf8');

/** The CSS variables of one `[data-theme='…']` block of the stylesheet. */
function cssVars(theme: string): Record<string, string> {
  const block = new RegExp(`\\[data-theme='${theme}'\\]\\s*\\{([^}]*)\\}`).exec(STYLES);
  if (!block) throw new Error(`no [data-theme='${theme}'] block in styles.css`);
  return Object.fromEntries([...block[1].matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

const docOf = (id: string) => parseDocument(loadTemplate(id)).doc!;

/** Distinct colours in a decoded PNG (quantised to 4 bits a channel, so antialiasing does not count). */
function colours(png: PNG): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 0; i < png.data.length; i += 4) {
    const k = `${png.data[i] >> 4},${png.data[i + 1] >> 4},${png.data[i + 2] >> 4}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return seen;
}
const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

describe('diagram export', () => {
  for (const name of ['light', 'dark'] as const) {
    it(`uses the editor's ${name} theme, as the stylesheet defines it`, () => {
      const vars = cssVars(name);
      const t = THEMES[name];
      for (const [key, v] of Object.entries(THEME_VARS)) expect(t[key as keyof typeof THEME_VARS], v).toBe(vars[v]);
      for (const c of THEME_CATEGORIES) expect(t.categories[c], `--cat-${c}`).toBe(vars[`--cat-${c}`]);
    });
  }

  it('renders the SVG to a PNG at 2×, on the theme background, with text and coloured bars', () => {
    const doc = docOf('lenet');
    for (const theme of ['light', 'dark'] as const) {
      const svg = diagramSvg(doc, inferNetwork(doc), theme);
      const [w, h] = [/width="([\d.]+)"/, /height="([\d.]+)"/].map((r) => Number(r.exec(svg)![1]));
      const png = PNG.sync.read(Buffer.from(svgToPng(svg, theme)));
      expect([png.width, png.height]).toEqual([Math.round(w * 2), Math.round(h * 2)]);
      // The corner is the background; the picture has many colours (text, category bars, pills), not a blank.
      expect([...png.data.subarray(0, 3)]).toEqual(hex(THEMES[theme].background));
      const seen = colours(png);
      expect(seen.size).toBeGreaterThan(20);
      const convolution = hex(THEMES[theme].categories.convolution)
        .map((c) => c >> 4)
        .join(',');
      expect(seen.get(convolution) ?? 0, 'the Conv2D bars').toBeGreaterThan(100);
      // Text was drawn (a font was found): the text colour covers a good number of pixels.
      const text = hex(THEMES[theme].text)
        .map((c) => c >> 4)
        .join(',');
      expect(seen.get(text) ?? 0, 'text pixels').toBeGreaterThan(2000);
    }
  });
});
