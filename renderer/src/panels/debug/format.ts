// Number formatting for the debug views: compact, fixed width where it helps reading columns.

/** 0.0123 → "0.0123", 12345 → "1.23e4", 0 → "0": four significant digits, scientific outside 1e-3..1e4. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
}

/** 0.123 → "12.3%". */
export const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—');

/** Shape for people: [20, 24, 24] → "20×24×24". */
export const shapeText = (s: number[]) => s.join('×');

/** A power of ten for a log axis: 1e-6, 0.01, 1, 100, 1e4. */
export function decade(v: number): string {
  const p = Math.round(Math.log10(v));
  return p >= -2 && p <= 3 ? String(10 ** p >= 1 ? 10 ** p : Number((10 ** p).toFixed(-p))) : `1e${p}`;
}
