// One probe sample's feature maps: a tile per channel on one <canvas>, all on the same colour scale (the
// legend beside it), pixels drawn at their own resolution and scaled up without smoothing.
import { memo, useEffect, useRef } from 'react';
import { paint, scale } from './colormap';
import { digest, gridLayout, type SampleView } from './snapshot';

export const FeatureGrid = memo(function FeatureGrid(props: {
  view: Extract<SampleView, { kind: 'maps' }>;
  range: { min: number; max: number };
  width: number;
}) {
  const { view, range, width } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const g = gridLayout(view.c, view.h, view.w, width);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    // Tiles at 1:1 with a 1-pixel gap into an ImageData, then drawn scaled by the zoom.
    const iw = g.cols * (view.w + 1) - 1,
      ih = g.rows * (view.h + 1) - 1;
    const img = new ImageData(iw, ih);
    const s = scale(range.min, range.max);
    for (let ch = 0; ch < view.c; ch++) {
      const x0 = (ch % g.cols) * (view.w + 1),
        y0 = Math.floor(ch / g.cols) * (view.h + 1);
      paint(img.data, iw, view.data, view.offset + ch * view.h * view.w, view.h, view.w, x0, y0, s);
    }
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(iw * g.zoom * dpr);
    canvas.height = Math.round(ih * g.zoom * dpr);
    canvas.style.width = `${iw * g.zoom}px`;
    canvas.style.height = `${ih * g.zoom}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const tmp = new OffscreenCanvas(iw, ih);
    tmp.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
  }, [view, range.min, range.max, g.cols, g.rows, g.zoom]);
  return (
    <canvas
      ref={ref}
      className="feature-grid"
      data-testid="inside-grid"
      data-tiles={view.c}
      data-cols={g.cols}
      data-digest={digest(view)}
      role="img"
      aria-label={`${view.c} feature maps of ${view.h}×${view.w}`}
    />
  );
});
