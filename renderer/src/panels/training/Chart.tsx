// A small line chart in plain SVG: a few series over the run's steps, nice y ticks, epoch marks.
// Cheap by construction: one <path> per series, recomputed only when its points change.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { Point } from './run-state';

/** `faint`: drawn thin and pale, without a legend entry (raw values under their smoothed line). */
export interface Series {
  id: string;
  label: string;
  points: Point[];
  color: string;
  dots?: boolean;
  faint?: boolean;
}

const PAD = { l: 40, r: 10, t: 8, b: 20 };

/** 0, 0.5, 1… ticks covering [lo, hi] with about `n` steps. */
export function niceTicks(lo: number, hi: number, n = 4): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / n,
    mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-6; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

/** The container's size (the chart fills its grid cell). */
function useSize(): [React.RefObject<HTMLDivElement | null>, { w: number; h: number }] {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 360, h: 200 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) =>
      setSize({ w: Math.max(160, Math.round(e.contentRect.width)), h: Math.round(e.contentRect.height) }),
    );
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}

const HEAD = 22;

export const Chart = memo(function Chart({
  title,
  series,
  xMax,
  xStep,
  yMin,
  yMax,
  fmt,
  testid,
}: {
  title: string;
  series: Series[];
  xMax: number;
  xStep?: number;
  yMin?: number;
  yMax?: number;
  fmt(v: number): string;
  testid: string;
}) {
  const [ref, size] = useSize();
  const width = size.w,
    height = Math.max(110, size.h - HEAD);
  const all = series.flatMap((s) => s.points);
  const lo = yMin ?? Math.min(...all.map((p) => p.y), 0);
  // A first-batch spike must not flatten the rest: the top follows the 2nd-highest tenth of the points.
  const sorted = all.map((p) => p.y).sort((a, b) => a - b);
  const robust = sorted.length ? sorted[Math.floor((sorted.length - 1) * 0.98)] * 1.08 : 1;
  const ticks = niceTicks(lo, yMax ?? Math.max(robust, lo + 1e-3));
  const top = ticks[ticks.length - 1],
    bottom = ticks[0];
  const xm = Math.max(1, xMax, ...all.map((p) => p.x));
  const iw = width - PAD.l - PAD.r,
    ih = height - PAD.t - PAD.b;
  const X = (x: number) => PAD.l + (x / xm) * iw;
  const Y = (y: number) => PAD.t + ih - ((Math.min(Math.max(y, bottom), top) - bottom) / (top - bottom)) * ih;
  // X and Y derive from exactly these values.
  const paths = useMemo(
    () =>
      series.map((s) => s.points.map((p, i) => `${i ? 'L' : 'M'}${X(p.x).toFixed(1)} ${Y(p.y).toFixed(1)}`).join('')),
    [series, xm, top, bottom, width, height],
  );
  const marks =
    xStep && xStep > 0 && xm / xStep <= 40
      ? Array.from({ length: Math.floor(xm / xStep) }, (_, i) => (i + 1) * xStep)
      : [];
  return (
    <div className="chart" ref={ref} data-testid={testid}>
      <div className="chart-head">
        <span className="chart-title">{title}</span>
        {series
          .filter((s) => !s.faint)
          .map((s) => {
            const last = s.points[s.points.length - 1];
            return (
              <span key={s.id} className="chart-legend">
                <i style={{ background: s.color }} />
                {s.label}
                {last ? <b>{fmt(last.y)}</b> : null}
              </span>
            );
          })}
      </div>
      <svg width={width} height={height} role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t}>
            <line className="chart-grid" x1={PAD.l} x2={width - PAD.r} y1={Y(t)} y2={Y(t)} />
            <text className="chart-tick" x={PAD.l - 6} y={Y(t) + 3.5} textAnchor="end">
              {fmt(t)}
            </text>
          </g>
        ))}
        {marks.map((m) => (
          <line key={m} className="chart-epoch" x1={X(m)} x2={X(m)} y1={PAD.t} y2={PAD.t + ih} />
        ))}
        <text className="chart-tick" x={PAD.l} y={height - 5}>
          0
        </text>
        <text className="chart-tick" x={width - PAD.r} y={height - 5} textAnchor="end">
          {xm.toLocaleString()} steps
        </text>
        {series.map((s, i) => (
          <g key={s.id}>
            <path
              d={paths[i]}
              fill="none"
              style={{ stroke: s.color }}
              strokeWidth={s.faint ? 1 : 1.8}
              strokeOpacity={s.faint ? 0.3 : 1}
              strokeLinejoin="round"
              data-testid={`${testid}-${s.id}`}
              data-points={s.points.length}
            />
            {s.dots &&
              s.points.map((p) => <circle key={p.x} cx={X(p.x)} cy={Y(p.y)} r={3} style={{ fill: s.color }} />)}
            {!s.dots &&
              !s.faint &&
              s.points.length > 0 &&
              (() => {
                const p = s.points[s.points.length - 1];
                return <circle cx={X(p.x)} cy={Y(p.y)} r={2.5} style={{ fill: s.color }} />;
              })()}
          </g>
        ))}
        {!all.length && (
          <text className="chart-empty" x={PAD.l + iw / 2} y={PAD.t + ih / 2} textAnchor="middle">
            waiting for the first batch…
          </text>
        )}
      </svg>
    </div>
  );
});
