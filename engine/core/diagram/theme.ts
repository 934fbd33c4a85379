// The diagram's colours: the editor's two themes. The editor's stylesheet (renderer/src/styles.css) defines them
// as CSS variables; `THEME_VARS` says which variable each colour is, so the Export dialog reads the live theme and
// the CLI uses LIGHT/DARK — a test (engine/export/diagram.test.ts) holds these values to the stylesheet's.
import { CATEGORIES } from '../layers/types';

export interface DiagramTheme {
  background: string;
  node: string;
  nodeBorder: string;
  group: string;
  groupBorder: string;
  /** Input/Output pills. */
  raised: string;
  text: string;
  muted: string;
  edge: string;
  labelBg: string;
  labelText: string;
  /** Sharing edges and their labels. */
  share: string;
  danger: string;
  /** A layer category's colour (`convolution`, `pooling`…, and `block` for groups), as the palette shows it. */
  categories: Record<string, string>;
}

type Plain = Exclude<keyof DiagramTheme, 'categories'>;

/** The CSS variable of each colour. */
export const THEME_VARS: Record<Plain, string> = {
  background: '--bg',
  node: '--node-bg',
  nodeBorder: '--node-border',
  group: '--group-bg',
  groupBorder: '--group-border',
  raised: '--raised',
  text: '--text',
  muted: '--muted',
  edge: '--edge',
  labelBg: '--label-bg',
  labelText: '--label-text',
  share: '--share',
  danger: '--danger',
};
/** The category names with a colour (`--cat-<name>`). */
export const THEME_CATEGORIES = [...CATEGORIES.map((c) => c.toLowerCase()), 'block'];

export const LIGHT: DiagramTheme = {
  background: '#f5f6f9',
  node: '#ffffff',
  nodeBorder: '#d5dae4',
  group: 'rgba(59, 91, 219, 0.035)',
  groupBorder: '#c3cbe0',
  raised: '#eef0f5',
  text: '#1b2130',
  muted: '#687287',
  edge: '#9aa3b5',
  labelBg: '#ffffff',
  labelText: '#3b4357',
  share: '#9c36b5',
  danger: '#d6336c',
  categories: {
    core: '#3b5bdb',
    convolution: '#0c9c84',
    pooling: '#d48806',
    activation: '#d6336c',
    normalization: '#7950f2',
    regularization: '#74809a',
    merge: '#e8590c',
    custom: '#1c7ed6',
    block: '#9c36b5',
  },
};

export const DARK: DiagramTheme = {
  background: '#0f1117',
  node: '#1b1f2a',
  nodeBorder: '#323a4d',
  group: 'rgba(110, 139, 255, 0.045)',
  groupBorder: '#34405c',
  raised: '#222735',
  text: '#e6e9f0',
  muted: '#8b93a7',
  edge: '#59627a',
  labelBg: '#232838',
  labelText: '#c9cfdd',
  share: '#d17bff',
  danger: '#ff5d6c',
  categories: {
    core: '#6e8bff',
    convolution: '#35c2a8',
    pooling: '#e0a43a',
    activation: '#ef6f91',
    normalization: '#a97cf8',
    regularization: '#8d98ad',
    merge: '#f28b4b',
    custom: '#58b6e8',
    block: '#d17bff',
  },
};

export const THEMES = { light: LIGHT, dark: DARK } as const;
export type ThemeName = keyof typeof THEMES;

/** A theme from CSS variables (`read('--bg')`), falling back to `base` for any it lacks: the Export dialog's. */
export function themeFromVars(read: (name: string) => string, base: DiagramTheme = LIGHT): DiagramTheme {
  const t = { ...base, categories: { ...base.categories } };
  for (const k of Object.keys(THEME_VARS) as Plain[]) t[k] = read(THEME_VARS[k]).trim() || base[k];
  for (const c of THEME_CATEGORIES) t.categories[c] = read(`--cat-${c}`).trim() || base.categories[c];
  return t;
}
