// The one React wrapper around uPlot, the time-series chart library (loss and accuracy curves, every layer's
// norms on a log axis, two runs overlaid). The plot is made once per set of options and fed new data with
// setData, at most once per animation frame however often its store changes; it follows its container's size
// (ResizeObserver) and the theme (colours are CSS variables read when drawn: `themed`); it is destroyed with
// the component. Callers pass memoized options (a new object makes a new plot: series added or removed).
import { memo, useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useUi } from '../../app/store';
import './charts.css';

/** uPlot's options less the size, which the container decides. */
export type PlotOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** Theme colours by CSS variable, read once per theme (canvas cannot use var(); getComputedStyle is not free). */
const colours = new Map<string, string>();

/** A stroke that follows the theme: the CSS variable `name` (e.g. '--muted') as the plot's root resolves it. */
export function themed(name: string): (u: uPlot) => string {
  return (u) => {
    let c = colours.get(name);
    if (c === undefined) {
      c = getComputedStyle(u.root).getPropertyValue(name).trim() || '#888';
      colours.set(name, c);
    }
    return c;
  };
}

const FONT = '10.5px system-ui, sans-serif';

/** An axis in the editor's look: muted labels, faint grid, `values` formats the ticks. */
export function axis(o: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: themed('--muted'),
    font: FONT,
    labelFont: FONT,
    grid: { stroke: themed('--border'), width: 1 },
    ticks: { stroke: themed('--border'), width: 1, size: 4 },
    gap: 3,
    ...o,
  };
}

/** What every plot here shares: no built-in legend (ours sits in the header), no drag-zoom (data keeps coming). */
export const BASE: Pick<PlotOptions, 'legend' | 'cursor'> = {
  legend: { show: false },
  cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
};

export const UPlot = memo(function UPlot(props: {
  options: PlotOptions;
  data: uPlot.AlignedData;
  label: string;
  testid?: string;
  className?: string;
  /** Drawn over the plot (e.g. "waiting for the first batch…"). */
  children?: ReactNode;
}) {
  const { options, data, label, testid, className, children } = props;
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  const frame = useRef(0);
  const theme = useUi((s) => s.theme);

  useEffect(() => {
    const el = box.current!;
    let u: uPlot | null = null;
    // Made at the observer's first report, after the browser's own layout: sized right from the start, and not
    // inside React's commit (reading the box's size there forces a layout of the page: one long task, not two).
    const ro = new ResizeObserver(([e]) => {
      const size = {
        width: Math.max(40, Math.round(e.contentRect.width)),
        height: Math.max(40, Math.round(e.contentRect.height)),
      };
      if (!u) u = plot.current = new uPlot({ ...options, ...size }, latest.current, el);
      else if (size.width !== u.width || size.height !== u.height) u.setSize(size);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      u?.destroy();
      plot.current = null;
    };
  }, [options]);

  useEffect(() => {
    // A burst of store updates costs one setData: the newest data, at the next frame.
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      plot.current?.setData(latest.current);
    });
  }, [data]);

  useEffect(() => {
    // The theme's attribute is in the DOM by now (React commits before effects): re-read the colours.
    colours.clear();
    plot.current?.redraw(true, true);
  }, [theme]);

  return (
    <div
      className={`uplot-box${className ? ` ${className}` : ''}`}
      ref={box}
      data-testid={testid}
      role="img"
      aria-label={label}
    >
      {children}
    </div>
  );
});
