// Which saved weights still fit the network after an edit. Parameters are matched by the layer that owns them
// and the layer's own name for them (`c1` + `weight`), not by Gluon name: inserting a Dense renumbers every
// later `denseN_`, but the layers behind them are the same and keep what they learned. A layer whose
// parameter changed shape (more channels, a new kernel size) loses only its own weights.
import type { ParamInfo } from './index';

/** What a saved parameter needs for the check: the fields ParamInfo already has. */
export type SavedParam = Pick<ParamInfo, 'name' | 'owner' | 'param' | 'shape'>;

export interface DroppedWeights {
  /** The layer's block path (where the user looks). */
  owner: string;
  /** The current Gluon name of its parameter. */
  name: string;
  /** One line, e.g. `conv1 weight was (6, 1, 5, 5), is now (8, 1, 5, 5)`. */
  message: string;
}

export interface WeightsFit {
  /** Current Gluon name → saved Gluon name, for every parameter whose saved weights still fit. */
  keep: Record<string, string>;
  /** Parameters whose layer is still there but whose shape changed: their weights are dropped. */
  dropped: DroppedWeights[];
  /** Parameters of layers added since the save (they start from their initializers). */
  fresh: string[];
  /** Saved parameters whose layer is gone. */
  removed: string[];
}

const key = (p: { owner: string; param: string }) => `${p.owner}\u0000${p.param}`;
const fmt = (s: readonly number[]) => `(${s.join(', ')})`;

/**
 * Compares the network's parameters with those of the saved weights. Example:
 * `fitWeights(inferNetwork(saved).parameters, inferNetwork(doc).parameters).dropped` → the layers to re-initialise.
 */
export function fitWeights(saved: readonly SavedParam[], current: readonly ParamInfo[]): WeightsFit {
  const byKey = new Map(saved.map((p) => [key(p), p]));
  const fit: WeightsFit = { keep: {}, dropped: [], fresh: [], removed: [] };
  const used = new Set<string>();
  for (const p of current) {
    const s = byKey.get(key(p));
    if (!s) {
      fit.fresh.push(p.name);
      continue;
    }
    used.add(key(p));
    if (fmt(s.shape) === fmt(p.shape)) fit.keep[p.name] = s.name;
    else
      fit.dropped.push({
        owner: p.owner,
        name: p.name,
        message: `${p.owner || '(root)'} ${p.param} was ${fmt(s.shape)}, is now ${fmt(p.shape)}`,
      });
  }
  for (const s of saved) if (!used.has(key(s))) fit.removed.push(s.name);
  return fit;
}

/** True when every parameter keeps its saved weights under its own name (nothing to re-key or drop). */
export const fitsExactly = (f: WeightsFit): boolean =>
  f.dropped.length === 0 && f.fresh.length === 0 && Object.entries(f.keep).every(([a, b]) => a === b);
