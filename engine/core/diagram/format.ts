// How numbers and shapes read on the canvas: shapes as the seed prints them (C×H×W), counts compact.
import type { XNode } from '../infer';

export const fmtShape = (s: readonly number[] | null | undefined) => (s ? s.join('×') : '?');

export function fmtCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e10 ? 0 : 1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(n);
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(0)} KiB`;
  return `${n} B`;
}

const k = (v: unknown) =>
  Array.isArray(v) ? (v[0] === v[1] || v.length === 1 ? String(v[0]) : v.join('×')) : String(v);

/** One line summarising a layer's settings: `20 · 5×5 · relu`, `128 · relu`, `p 0.5`. */
export function layerSummary(x: Extract<XNode, { kind: 'layer' }>): string {
  const p = x.params;
  const parts: string[] = [];
  if (p.channels !== undefined) parts.push(`${p.channels} ch`);
  if (p.units !== undefined) parts.push(`${p.units}`);
  if (p.kernelSize !== undefined) parts.push(`${k(p.kernelSize)}×${k(p.kernelSize)}`.replace(/^(\d+×\d+)×.*$/, '$1'));
  if (p.poolSize !== undefined) parts.push(`${k(p.poolSize)}×${k(p.poolSize)}`.replace(/^(\d+×\d+)×.*$/, '$1'));
  if (
    p.strides !== undefined &&
    p.strides !== null &&
    k(p.strides) !== '1' &&
    (p.poolSize === undefined || k(p.strides) !== k(p.poolSize))
  )
    parts.push(`s${k(p.strides)}`);
  if (p.padding !== undefined && k(p.padding) !== '0') parts.push(`p${k(p.padding)}`);
  if (p.rate !== undefined) parts.push(`p=${p.rate}`);
  if (typeof p.activation === 'string' && p.activation !== 'none') parts.push(p.activation);
  return parts.join(' · ');
}
