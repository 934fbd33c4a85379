// Histograms over time as a heat strip: one column per snapshot, one row per value bin on a range shared by
// all columns (health.ts re-bins them), brighter where more values fall.
import { useUi } from '../../app/store';
import { memo, useEffect, useMemo, useRef } from 'react';
import { prepare, cssVar } from './canvas';
import { VIRIDIS } from './colormap';
import { fmt } from './format';
import { heatColumns, type HistAt } from './health';

export const HeatStrip = memo(function HeatStrip(props: {
  title: string;
  hists: HistAt[];
  width: number;
  height?: number;
}) {
  const { title, hists, width, height = 64 } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const theme = useUi((s) => s.theme);
  const heat = useMemo(() => heatColumns(hists), [hists]);
  useEffect(() => {
    const ctx = ref.current && prepare(ref.current, width, height);
    if (!ctx) return;
    const cols = hists.length,
      bins = 32;
    if (!cols) return;
    const img = new ImageData(cols, bins);
    for (let c = 0; c < cols; c++)
      for (let b = 0; b < bins; b++) {
        const rgb = VIRIDIS[Math.round(heat.cells[c * bins + b] * 255)];
        const p = ((bins - 1 - b) * cols + c) * 4; // row 0 at the bottom: larger values up
        img.data[p] = rgb >> 16;
        img.data[p + 1] = (rgb >> 8) & 255;
        img.data[p + 2] = rgb & 255;
        img.data[p + 3] = 255;
      }
    const tmp = new OffscreenCanvas(cols, bins);
    tmp.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, 0, 0, width, height);
    ctx.strokeStyle = cssVar('--border', ref.current!);
    ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  }, [hists, heat, width, height, theme]);
  return (
    <figure className="heat-strip" data-testid="heat-strip" data-columns={hists.length}>
      <figcaption>
        <span>{title}</span>
        <span className="muted">
          {fmt(heat.min)} … {fmt(heat.max)} · {hists.length} snapshot{hists.length === 1 ? '' : 's'}
        </span>
      </figcaption>
      <canvas ref={ref} />
    </figure>
  );
});
