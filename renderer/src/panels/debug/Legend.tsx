// The colour scale's legend: the viridis ramp with the values at its ends and middle.
import { hex, VIRIDIS } from './colormap';
import { fmt } from './format';

const RAMP = `linear-gradient(to top, ${[0, 32, 64, 96, 128, 160, 192, 224, 255].map((i) => hex(VIRIDIS[i])).join(', ')})`;

export function Legend({ min, max }: { min: number; max: number }) {
  return (
    <div className="legend" data-testid="inside-legend" title="colour scale shared by every tile">
      <span className="legend-ramp" style={{ background: RAMP }} />
      <span className="legend-ticks">
        <span>{fmt(max)}</span>
        <span>{fmt((min + max) / 2)}</span>
        <span>{fmt(min)}</span>
      </span>
    </div>
  );
}
