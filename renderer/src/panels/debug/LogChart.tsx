// Many series over steps on a log y axis, drawn on a <canvas> (dozens of layers × hundreds of steps would be
// thousands of SVG nodes). Powers of ten as grid lines; a legend lists the series in their colours.
import { memo, useEffect, useRef } from 'react';
import { useUi } from '../../app/store';
import { cssVar, prepare } from './canvas';
import { decade } from './format';
import { logTicks, positiveRange } from './health';

export interface LogSeries {
  label: string;
  color: string;
  xs: number[];
  ys: number[];
}

const PAD = { l: 46, r: 8, t: 8, b: 18 };

export const LogChart = memo(function LogChart(props: {
  title: string;
  series: LogSeries[];
  width: number;
  height: number;
  testid?: string;
}) {
  const { title, series, width, height, testid } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    const ctx = ref.current && prepare(ref.current, width, height);
    if (!ctx) return;
    const range = positiveRange(series.map((s) => s.ys));
    let x0 = Infinity,
      x1 = -Infinity;
    for (const s of series) if (s.xs.length) [x0, x1] = [Math.min(x0, s.xs[0]), Math.max(x1, s.xs[s.xs.length - 1])];
    const muted = cssVar('--muted', ref.current!),
      grid = cssVar('--border', ref.current!);
    ctx.font = '10.5px system-ui, sans-serif';
    ctx.fillStyle = muted;
    if (!range || !Number.isFinite(x0)) {
      ctx.fillText('no steps yet', PAD.l, height / 2);
      return;
    }
    const ticks = logTicks(range.min, range.max);
    const lo = Math.log10(ticks[0]);
    const hi = Math.max(Math.log10(ticks[ticks.length - 1]), lo + 1);
    const pw = width - PAD.l - PAD.r,
      ph = height - PAD.t - PAD.b;
    const X = (x: number) => PAD.l + (x1 > x0 ? ((x - x0) / (x1 - x0)) * pw : pw);
    const Y = (v: number) => PAD.t + (1 - (Math.log10(v) - lo) / (hi - lo || 1)) * ph;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of ticks) {
      const y = Math.round(Y(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(PAD.l, y);
      ctx.lineTo(width - PAD.r, y);
      ctx.stroke();
      ctx.fillText(decade(t), PAD.l - 5, y);
    }
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(`step ${x0}`, PAD.l, height - 4);
    ctx.textAlign = 'right';
    ctx.fillText(`${x1}`, width - PAD.r, height - 4);
    ctx.lineWidth = 1.5;
    for (const s of series) {
      ctx.strokeStyle = s.color;
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < s.xs.length; i++) {
        const v = s.ys[i];
        // Zeros and non-finite values have no place on a log axis: the line breaks there.
        if (!(v > 0) || !Number.isFinite(v)) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(X(s.xs[i]), Y(v));
        else ctx.moveTo(X(s.xs[i]), Y(v));
        pen = true;
      }
      if (s.xs.length === 1) ctx.arc(X(s.xs[0]), Y(s.ys[0]), 1.5, 0, Math.PI * 2);
      ctx.stroke();
    }
  }, [series, width, height, theme]);
  return (
    <figure className="log-chart" data-testid={testid} data-series={series.length}>
      <figcaption>
        {title} <span className="muted">(log scale)</span>
      </figcaption>
      <canvas ref={ref} />
    </figure>
  );
});
