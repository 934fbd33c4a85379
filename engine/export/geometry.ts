// Window geometry of convolution and pooling as the runtime computes it (engine/runtime/ops.ts), for exporters
// that must pad explicitly to match it: Gluon's symmetric padding, and pooling's ceil mode as extra rows and
// columns at the end (so the last, partial window exists). Average pooling counts padded zeros (Gluon's default).
import type { ParamValues } from '../core';

export const pair = (v: unknown, fallback?: [number, number]): [number, number] =>
  Array.isArray(v) ? [v[0], v[1] ?? v[0]] : typeof v === 'number' ? [v, v] : fallback!;

export interface PoolGeometry {
  kernel: [number, number];
  strides: [number, number];
  /** Padding before and after on each spatial axis: [top, left, bottom, right]. */
  pads: [number, number, number, number];
}

/** Pooling window, strides and the explicit padding the runtime applies, for a (C, H, W) input. */
export function poolGeometry(p: ParamValues, input: readonly number[]): PoolGeometry {
  const k = pair(p.poolSize);
  const s = pair(p.strides, k);
  const [ph, pw] = pair(p.padding, [0, 0]);
  const [, h, w] = input;
  const extra = (n: number, kk: number, ss: number, pp: number) =>
    p.ceilMode ? Math.max(0, Math.ceil((n + 2 * pp - kk) / ss) * ss + kk - (n + 2 * pp)) : 0;
  return { kernel: k, strides: s, pads: [ph, pw, ph + extra(h, k[0], s[0], ph), pw + extra(w, k[1], s[1], pw)] };
}

export const hasPadding = (g: PoolGeometry) => g.pads.some((x) => x > 0);
