// A few series over a run's steps (loss or accuracy: faint raw train values under their smoothed line,
// validation dots at epoch ends, epoch marks), drawn by uPlot through the one wrapper. The header is ours:
// title and a legend with each series' latest value; hidden <data> elements say how many points each series
// has (what the specs and assistive tech read, since the curve itself is pixels).
import { memo, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { align } from '../charts/align';
import { axis, BASE, themed, UPlot, type PlotOptions } from '../charts/UPlot';
import type { Point } from './run-state';

/** `color` is a CSS variable name ('--accent'). `faint`: drawn thin and pale, without a legend entry. */
export interface Series {
  id: string;
  label: string;
  points: Point[];
  color: string;
  dots?: boolean;
  faint?: boolean;
}

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

/** The y range: from `yMin` (else the lowest point or 0) to a nice top that a first-batch spike does not set. */
export function yBounds(series: Series[], yMin?: number, yMax?: number): [number, number] {
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).sort((a, b) => a - b);
  const lo = yMin ?? Math.min(ys[0] ?? 0, 0);
  const robust = ys.length ? ys[Math.floor((ys.length - 1) * 0.98)] * 1.08 : 1;
  const ticks = niceTicks(lo, yMax ?? Math.max(robust, lo + 1e-3));
  return [ticks[0], ticks[ticks.length - 1]];
}

const seriesOpts = (s: Series): uPlot.Series => ({
  label: s.label,
  stroke: themed(s.color),
  width: s.faint ? 1 : 1.8,
  alpha: s.faint ? 0.3 : 1,
  spanGaps: !s.dots,
  ...(s.dots
    ? { paths: () => null, points: { show: true, size: 6, fill: themed(s.color) } }
    : { points: { show: false } }),
});

/** Dashed lines at the ends of epochs (at most 40; more would be a grey wash). */
function epochMarks(every: () => number): uPlot.Hooks.Arrays {
  return {
    drawAxes: [
      (u) => {
        const step = every(),
          max = u.scales.x.max ?? 0;
        if (!(step > 0) || max / step > 40) return;
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.strokeStyle = themed('--border-strong')(u);
        ctx.lineWidth = devicePixelRatio;
        ctx.setLineDash([3 * devicePixelRatio, 4 * devicePixelRatio]);
        for (let x = step; x <= max; x += step) {
          const px = Math.round(u.valToPos(x, 'x', true)) + 0.5;
          ctx.beginPath();
          ctx.moveTo(px, top);
          ctx.lineTo(px, top + height);
          ctx.stroke();
        }
        ctx.restore();
      },
    ],
  };
}

/** The series' point at step `x`, else the last one before it (validation dots are an epoch apart). */
function pointAt(points: Point[], x: number): Point | undefined {
  let found: Point | undefined;
  for (const p of points) {
    if (p.x > x) break;
    found = p;
  }
  return found;
}

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
  /** The x axis runs from 0 to at least this (the run's last step, so the curve shows how far along it is). */
  xMax: number;
  xStep?: number;
  yMin?: number;
  yMax?: number;
  fmt(v: number): string;
  testid: string;
}) {
  // The scales read these when the plot redraws; a change of them alone does not rebuild the plot.
  const view = useRef({ x: 1, y: [0, 1] as [number, number], step: 0 });
  const data = useMemo(
    () => align(series.map((s) => ({ xs: s.points.map((p) => p.x), ys: s.points.map((p) => p.y) }))),
    [series],
  );
  const last = data[0][data[0].length - 1] ?? 0;
  view.current = { x: Math.max(1, xMax, last), y: yBounds(series, yMin, yMax), step: xStep ?? 0 };
  const shape = series.map((s) => `${s.id}:${s.color}:${s.dots ? 1 : 0}${s.faint ? 1 : 0}`).join();
  // The step under the pointer (null: none): the legend reads the values there instead of the latest.
  const [at, setAt] = useState<number | null>(null);
  const options = useMemo<PlotOptions>(
    () => ({
      ...BASE,
      scales: {
        x: { time: false, range: () => [0, view.current.x] },
        y: { range: () => view.current.y },
      },
      axes: [
        axis({ values: (_u, ticks) => ticks.map((t) => t.toLocaleString()), label: 'step', labelSize: 14, size: 30 }),
        axis({ values: (_u, ticks) => ticks.map(fmt), size: 44, space: 22 }),
      ],
      series: [{}, ...series.map(seriesOpts)],
      hooks: {
        ...epochMarks(() => view.current.step),
        setCursor: [(u) => setAt(u.cursor.idx == null ? null : (u.data[0][u.cursor.idx] ?? null))],
      },
    }),
    // The series' shape decides the plot; their points are data.
    [shape, fmt],
  );
  const empty = !series.some((s) => s.points.length);
  return (
    <div className="chart" data-testid={testid}>
      <div className="chart-head">
        <span className="chart-title">{title}</span>
        {at !== null && <span className="chart-at">step {at.toLocaleString()}</span>}
        {series
          .filter((s) => !s.faint)
          .map((s) => {
            const end = at === null ? s.points[s.points.length - 1] : pointAt(s.points, at);
            return (
              <span key={s.id} className="chart-legend">
                <i style={{ background: `var(${s.color})` }} />
                {s.label}
                {end ? <b>{fmt(end.y)}</b> : null}
              </span>
            );
          })}
        {series.map((s) => (
          <data
            key={s.id}
            hidden
            value={s.points.length}
            data-testid={`${testid}-${s.id}`}
            data-points={s.points.length}
            data-first={s.points[0]?.x}
            data-last={s.points[s.points.length - 1]?.x}
          />
        ))}
      </div>
      <UPlot options={options} data={data} label={title}>
        {empty && <div className="plot-empty">waiting for the first batch…</div>}
      </UPlot>
    </div>
  );
});
