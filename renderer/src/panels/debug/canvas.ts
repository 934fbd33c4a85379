// Canvas helpers shared by the debug views: a backing store sized for the screen's pixel ratio, and theme
// colours read from CSS variables (canvas cannot use var() itself).
import { useEffect, useRef, useState } from 'react';

/** A 2D context `w`×`h` CSS pixels, scaled for devicePixelRatio; cleared. */
export function prepare(canvas: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const W = Math.round(w * dpr),
    H = Math.round(h * dpr);
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** A CSS variable of the document (theme colours), e.g. cssVar('--muted'). */
export const cssVar = (name: string, el: Element = document.documentElement) =>
  getComputedStyle(el).getPropertyValue(name).trim() || '#888';

/** The width of an element, following resizes (canvas charts fill their box). */
export function useWidth(initial = 360): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setW(Math.max(120, Math.round(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}
