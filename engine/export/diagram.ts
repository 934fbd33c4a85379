// The network as a picture outside the editor (`netloom export --format svg|png`, `export/run`): engine/core's
// scene and SVG — the same drawing as the canvas and the Export dialog — and, for PNG, that SVG rendered by resvg
// (prebuilt native binaries, no browser) at 2× for slides. Fonts come from the system: the SVG asks for Inter and
// friends first and falls back to DejaVu Sans, which Debian has; resvg's generic families point there too.
import { Resvg } from '@resvg/resvg-js';
import { THEMES, buildScene, sceneToSvg, type InferResult, type NetworkDoc, type ThemeName } from '../core';

export const DIAGRAM_THEMES = Object.keys(THEMES) as ThemeName[];

/** The document's picture as SVG text, with its own view state (collapsed groups, moved blocks). */
export function diagramSvg(doc: NetworkDoc, net: InferResult, theme: ThemeName = 'light'): string {
  return sceneToSvg(buildScene(doc, net), THEMES[theme], doc.name);
}

/** PNG bytes of an SVG at `scale`× its size, on the theme's background. */
export function svgToPng(svg: string, theme: ThemeName = 'light', scale = 2): Uint8Array {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: THEMES[theme].background,
    font: {
      loadSystemFonts: true,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      monospaceFamily: 'DejaVu Sans Mono',
    },
  });
  return new Uint8Array(r.render().asPng());
}
