// The Inside view's pure side: what a streamed activation snapshot holds for one probe sample (feature maps
// or a vector), how the grid of tiles is laid out, and the reducer that keeps the newest snapshot per block.
import type { ActivationSnapshot, SnapshotPayload } from '../../../../engine/protocol';

/** One sample's output: C maps of h×w (conv outputs) or F values (dense outputs). */
export type SampleView =
  | { kind: 'maps'; c: number; h: number; w: number; data: Float32Array; offset: number }
  | { kind: 'vector'; f: number; data: Float32Array; offset: number };

/** How many probe samples the snapshot carries values for (the statistics still cover all of them). */
export const samplesIn = (a: ActivationSnapshot) => a.dataShape[0] ?? 0;

/** Sample `i` of an activation snapshot, or null when the snapshot carries no values for it. */
export function sampleOf(a: ActivationSnapshot, i: number): SampleView | null {
  const [n, ...rest] = a.dataShape;
  if (!(i >= 0 && i < n)) return null;
  const per = rest.reduce((x, y) => x * y, 1);
  const offset = i * per;
  if (offset + per > a.data.length) return null;
  if (rest.length === 3) return { kind: 'maps', c: rest[0], h: rest[1], w: rest[2], data: a.data, offset };
  // (C, L) outputs are maps one row high; anything else is shown as its flat values.
  if (rest.length === 2) return { kind: 'maps', c: rest[0], h: 1, w: rest[1], data: a.data, offset };
  return { kind: 'vector', f: per, data: a.data, offset };
}

/** Tiles in a grid `width` pixels wide: columns, rows and the integer zoom of each tile (at least 1). */
export function gridLayout(c: number, h: number, w: number, width: number, gap = 2) {
  // The largest zoom whose grid fits the width with at most ceil(sqrt(c))*2 columns (wide grids read badly).
  let best = { cols: Math.max(1, c), rows: 1, zoom: 1 };
  for (let zoom = 8; zoom >= 1; zoom--) {
    const cols = Math.max(1, Math.min(c, Math.floor((width + gap) / (w * zoom + gap))));
    if (cols >= Math.min(c, Math.ceil(Math.sqrt(c)))) {
      // As few rows as these columns allow, then as few columns as those rows need (20 → 5×4, not 6+6+6+2).
      const rows = Math.ceil(c / cols);
      best = { cols: Math.ceil(c / rows), rows, zoom };
      break;
    }
  }
  return { ...best, tileW: w * best.zoom, tileH: h * best.zoom, gap };
}

/** The value range of one sample's finite data (the colour scale shared by its tiles). */
export function rangeOf(v: SampleView): { min: number; max: number } {
  const n = v.kind === 'maps' ? v.c * v.h * v.w : v.f;
  let min = Infinity,
    max = -Infinity;
  for (let i = v.offset; i < v.offset + n; i++) {
    const x = v.data[i];
    if (x - x !== 0) continue; // NaN/±Inf: the colour scale spans the finite values
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return n && Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

/** A short fingerprint of what a sample shows (FNV-1a over the float bits): e2e specs see the grid change. */
export function digest(v: SampleView): string {
  const n = v.kind === 'maps' ? v.c * v.h * v.w : v.f;
  const bits = new Uint32Array(v.data.buffer, v.data.byteOffset + v.offset * 4, n);
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ bits[i], 0x01000193) >>> 0;
  return h.toString(16);
}

/** The newest snapshot of each watched block, with the step and probe it came with. */
export interface InsideState {
  subscriptionId: string | null;
  /** The run the snapshots come from (a subscription follows the next runs; their steps start again). */
  runId: string | null;
  step: number;
  probe: SnapshotPayload['probe'] | null;
  blocks: Record<string, ActivationSnapshot>;
  params: SnapshotPayload['params'];
}

export const emptyInside = (): InsideState => ({
  subscriptionId: null,
  runId: null,
  step: -1,
  probe: null,
  blocks: {},
  params: [],
});

/** Takes a snapshot in: only the current subscription's, and never an older step over a newer one. */
export function applySnapshot(s: InsideState, p: SnapshotPayload): InsideState {
  if (p.subscriptionId !== s.subscriptionId) return s;
  const fresh = p.runId !== s.runId;
  if (!fresh && p.step < s.step) return s;
  const blocks = fresh ? {} : { ...s.blocks };
  for (const b of p.blocks) blocks[b.path] = b;
  const params = p.params.length || fresh ? p.params : s.params;
  return { ...s, runId: p.runId, step: p.step, probe: p.probe, blocks, params };
}

/** Values per probe sample of a block output shape ([C, H, W] or [F], one sample): maxValues to ask for. */
export function maxValuesFor(shape: number[], samples: number, cap = 1 << 18): number {
  const per = shape.reduce((x, y) => x * y, 1);
  return Math.max(4096, Math.min(cap, per * samples));
}
