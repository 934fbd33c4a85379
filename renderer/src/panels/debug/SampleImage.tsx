// An input image (a probe sample, a misclassified test image): grey for one channel, colour for three,
// scaled up without smoothing.
import { memo, useEffect, useRef } from 'react';

export const SampleImage = memo(function SampleImage(props: {
  data: Float32Array;
  offset?: number;
  /** (C, H, W) */
  shape: number[];
  size: number;
  testid?: string;
}) {
  const { data, offset = 0, shape, size, testid } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const [c, h, w] = shape.length === 3 ? shape : [1, shape[0] ?? 1, shape[1] ?? 1];
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let min = Infinity,
      max = -Infinity;
    const n = c * h * w;
    for (let i = 0; i < n; i++) {
      const v = data[offset + i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // Inputs in 0..1 keep their brightness; anything else (normalized data) is stretched to its range.
    if (min >= 0 && max <= 1) [min, max] = [0, 1];
    const span = max - min || 1;
    canvas.width = w;
    canvas.height = h;
    const img = new ImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      for (let k = 0; k < 3; k++) {
        const ch = c === 3 ? k : 0;
        img.data[i * 4 + k] = Math.round(((data[offset + ch * h * w + i] - min) / span) * 255);
      }
      img.data[i * 4 + 3] = 255;
    }
    canvas.getContext('2d')?.putImageData(img, 0, 0);
  }, [data, offset, c, h, w]);
  return (
    <canvas
      ref={ref}
      className="sample-image"
      style={{ width: size, height: (size * h) / w }}
      data-testid={testid}
      role="img"
      aria-label="input image"
    />
  );
});
