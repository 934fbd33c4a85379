// The Health view's pure side: per-layer weight and gradient norms over steps from `debug/health` events, the
// histograms of a watched block's parameters over time (from snapshots) re-binned onto one value range for a
// heat strip, log-scale ticks, and the warnings (anomalies of kind vanishing / exploding / dead) by block.
import type { AnomalyEvent, HealthEvent, ParamSnapshot } from '../../../../engine/protocol';

/** Most points kept per series; past it every other point goes (the curve keeps its shape). */
export const MAX_HEALTH_POINTS = 600;

export interface LayerSeries {
  block: string;
  steps: number[];
  weight: number[];
  grad: number[];
}

export interface HealthState {
  runId: string | null;
  /** Layers in the order the engine lists their parameters (input to output). */
  layers: LayerSeries[];
  last: number;
}

export const emptyHealth = (): HealthState => ({ runId: null, layers: [], last: -1 });

/** One norm per owner block: the L2 norm over all its parameters (‖(w1, b1)‖ = sqrt(‖w1‖² + ‖b1‖²)). */
export function layerNorms(e: HealthEvent): { block: string; weight: number; grad: number }[] {
  const by = new Map<string, { block: string; w: number; g: number }>();
  e.blocks.forEach((block, i) => {
    const o = by.get(block) ?? { block, w: 0, g: 0 };
    o.w += e.weightNorm[i] ** 2;
    o.g += e.gradNorm[i] ** 2;
    by.set(block, o);
  });
  return [...by.values()].map((o) => ({ block: o.block, weight: Math.sqrt(o.w), grad: Math.sqrt(o.g) }));
}

const halve = (xs: number[]) => xs.filter((_, i) => i % 2 === 0);

/** Adds a health event: a new run starts the series over; a repeated or older step is ignored. */
export function applyHealth(s: HealthState, e: HealthEvent): HealthState {
  const base = e.runId === s.runId ? s : { ...emptyHealth(), runId: e.runId };
  if (e.step <= base.last) return base;
  const layers = [...base.layers];
  for (const n of layerNorms(e)) {
    let k = layers.findIndex((l) => l.block === n.block);
    if (k < 0) k = layers.push({ block: n.block, steps: [], weight: [], grad: [] }) - 1;
    let l = layers[k];
    l = { ...l, steps: [...l.steps, e.step], weight: [...l.weight, n.weight], grad: [...l.grad, n.grad] };
    if (l.steps.length > MAX_HEALTH_POINTS)
      l = { ...l, steps: halve(l.steps), weight: halve(l.weight), grad: halve(l.grad) };
    layers[k] = l;
  }
  return { runId: e.runId, layers, last: e.step };
}

/** Powers of ten covering [min, max] (both > 0) for a log axis; at least the decade around them. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0)) return [];
  const lo = Math.floor(Math.log10(min)),
    hi = Math.ceil(Math.log10(max));
  const out: number[] = [];
  const every = Math.max(1, Math.ceil((hi - lo) / 6));
  for (let p = lo; p <= hi; p += every) out.push(10 ** p);
  return out;
}

/** The positive finite range of some series (a log axis cannot show 0); null when nothing is positive. */
export function positiveRange(series: number[][]): { min: number; max: number } | null {
  let min = Infinity,
    max = 0;
  for (const s of series)
    for (const v of s)
      if (v > 0 && Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
  return max > 0 ? { min, max: max === min ? max * 10 : max } : null;
}

/** A histogram of one parameter (or its gradient) at one step. */
export interface HistAt {
  step: number;
  min: number;
  max: number;
  counts: ArrayLike<number>;
}

/** Keeps the histograms of watched parameters over time, per `name/which`; at most `keep` per key. */
export function addHistograms(
  h: Record<string, HistAt[]>,
  step: number,
  params: ParamSnapshot[],
  keep = 120,
): Record<string, HistAt[]> {
  const out = { ...h };
  for (const p of params) {
    const add = (key: string, x: { histogram: { min: number; max: number; counts: Uint32Array } }) => {
      const list = out[key] ?? [];
      if (list.length && list[list.length - 1].step >= step) return;
      const next = [...list, { step, ...x.histogram }];
      out[key] = next.length > keep ? next.slice(next.length - keep) : next;
    };
    add(`${p.name}/weight`, p.weight);
    if (p.grad) add(`${p.name}/grad`, p.grad);
  }
  return out;
}

/**
 * Re-bins histograms onto one shared range so a heat strip's rows mean the same value in every column:
 * each source bin's count goes to the target bin holding its centre. Returns columns × `bins` intensities in
 * 0..1 (log1p of the count over the column's largest), row 0 = the range's minimum.
 */
export function heatColumns(hs: HistAt[], bins = 32): { min: number; max: number; cells: Float32Array } {
  let min = Infinity,
    max = -Infinity;
  for (const h of hs) {
    if (h.min < min) min = h.min;
    if (h.max > max) max = h.max;
  }
  const cells = new Float32Array(hs.length * bins);
  if (!hs.length || !Number.isFinite(min)) return { min: 0, max: 0, cells };
  const span = max - min || 1;
  hs.forEach((h, c) => {
    const n = h.counts.length;
    const w = (h.max - h.min) / n;
    let top = 0;
    for (let i = 0; i < n; i++) {
      const centre = h.min + (i + 0.5) * w;
      const t = Math.min(bins - 1, Math.max(0, Math.floor(((centre - min) / span) * bins)));
      cells[c * bins + t] += h.counts[i];
    }
    for (let t = 0; t < bins; t++) top = Math.max(top, cells[c * bins + t]);
    const lt = Math.log1p(top) || 1;
    for (let t = 0; t < bins; t++) cells[c * bins + t] = Math.log1p(cells[c * bins + t]) / lt;
  });
  return { min, max, cells };
}

/** A warning pinned on the canvas: the latest of its kind for its block. */
export interface Warning {
  path: string;
  kind: 'vanishing' | 'exploding' | 'dead';
  step: number;
  message: string;
}

export const WARNING_KINDS = ['vanishing', 'exploding', 'dead'] as const;

/** Adds a health anomaly to the warnings (one per block and kind, the newest kept); other kinds pass by. */
export function addWarning(list: Warning[], a: AnomalyEvent): Warning[] {
  if (!a.block || !(WARNING_KINDS as readonly string[]).includes(a.kind)) return list;
  const w: Warning = { path: a.block, kind: a.kind as Warning['kind'], step: a.step, message: a.message };
  const i = list.findIndex((x) => x.path === w.path && x.kind === w.kind);
  return i < 0 ? [...list, w] : list.map((x, k) => (k === i ? w : x));
}

/** The warnings a canvas node shows: its own, or (for a group) those of blocks inside it. */
export const warningsAt = (list: Warning[], path: string) =>
  list.filter((w) => w.path === path || w.path.startsWith(`${path}/`));
