// A (F) output for one sample: one bar per value from a zero line, coloured on the shared scale.
import { useUi } from '../../app/store';
import { memo, useEffect, useRef } from 'react';
import { cssVar, prepare } from './canvas';
import { colorOf, scale } from './colormap';
import type { SampleView } from './snapshot';

export const Bars = memo(function Bars(props: {
  view: Extract<SampleView, { kind: 'vector' }>;
  range: { min: number; max: number };
  width: number;
  height?: number;
}) {
  const { view, range, width, height = 150 } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    const ctx = ref.current && prepare(ref.current, width, height);
    if (!ctx) return;
    const lo = Math.min(0, range.min),
      hi = Math.max(0, range.max);
    const span = hi - lo || 1;
    const y = (v: number) => 4 + ((hi - v) / span) * (height - 8);
    const bw = width / view.f;
    const s = scale(range.min, range.max);
    for (let i = 0; i < view.f; i++) {
      const v = view.data[view.offset + i];
      ctx.fillStyle = colorOf(s, v);
      const top = Math.min(y(v), y(0));
      ctx.fillRect(i * bw + (bw > 3 ? 0.5 : 0), top, Math.max(1, bw - (bw > 3 ? 1 : 0)), Math.abs(y(v) - y(0)) || 1);
    }
    ctx.strokeStyle = cssVar('--border-strong', ref.current!);
    ctx.beginPath();
    ctx.moveTo(0, y(0) + 0.5);
    ctx.lineTo(width, y(0) + 0.5);
    ctx.stroke();
  }, [view, range.min, range.max, width, height, theme]);
  return <canvas ref={ref} className="bars" data-testid="inside-bars" data-values={view.f} />;
});
