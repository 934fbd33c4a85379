// Many series over steps on a log y axis (every layer's weight or gradient norm: vanishing gradients are
// orders of magnitude, not percent), drawn by uPlot through the one wrapper. Powers of ten as grid lines and
// labels; zeros and non-finite values have no place on a log axis, so the line breaks there.
import { memo, useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { align, positive } from '../charts/align';
import { axis, BASE, UPlot, type PlotOptions } from '../charts/UPlot';
import { decade } from './format';
import { logTicks, positiveRange } from './health';

/** `color`: a CSS colour (the layer's place along viridis). */
export interface LogSeries {
  label: string;
  color: string;
  xs: number[];
  ys: number[];
}

/** Dots only while a series has a single step (a line needs two); dozens of dotted lines would be noise. */
const lone = (u: uPlot) => u.data[0].length < 2;

export const LogChart = memo(function LogChart(props: { title: string; series: LogSeries[]; testid?: string }) {
  const { title, series, testid } = props;
  const data = useMemo(() => align(series, positive), [series]);
  // The whole decades the data spans (at least one) and the labelled ones among them (every other one past six
  // decades), read by the scale and the axis when the plot redraws.
  const view = useRef({ lo: 1, hi: 10, ticks: [1, 10] });
  const range = positiveRange(series.map((s) => s.ys));
  if (range) {
    const lo = 10 ** Math.floor(Math.log10(range.min)),
      hi = Math.max(10 ** Math.ceil(Math.log10(range.max)), lo * 10);
    view.current = { lo, hi, ticks: logTicks(lo, hi) };
  }
  const shape = series.map((s) => `${s.label}:${s.color}`).join();
  const options = useMemo<PlotOptions>(
    () => ({
      ...BASE,
      scales: {
        x: { time: false },
        y: { distr: 3, log: 10, range: () => [view.current.lo, view.current.hi] },
      },
      axes: [
        axis({ values: (_u, xs) => xs.map((x) => x.toLocaleString()), label: 'step', labelSize: 14, size: 30 }),
        // Our decades, every one labelled (uPlot's own log filter would blank the labels it finds crowded).
        axis({
          splits: () => view.current.ticks,
          filter: (_u, ys) => ys,
          values: (_u, ys) => ys.map(decade),
          size: 42,
        }),
      ],
      series: [
        {},
        ...series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: false,
          points: { show: lone },
        })),
      ],
    }),
    // The series' labels and colours decide the plot; their values are data.
    [shape],
  );
  return (
    <figure className="log-chart" data-testid={testid} data-series={series.length}>
      <figcaption>
        {title} <span className="muted">log scale · per layer</span>
      </figcaption>
      <UPlot options={options} data={data} label={`${title} (log scale)`}>
        {!range && <div className="plot-empty">no steps yet</div>}
      </UPlot>
    </figure>
  );
});
