// Per-channel statistics of the whole probe output (the engine computes them over every sample and value).
// NaN/±Inf values (a diverging run) are left out of the figures by the engine and counted: shown here, flagged.
import type { ActivationSnapshot } from '../../../../engine/protocol';
import { fmt, pct } from './format';

/** Rows shown at most (a 512-channel layer scrolls). */
const ROWS = 512;

export function ChannelStats({ a }: { a: ActivationSnapshot }) {
  const c = a.channels;
  const n = Math.min(ROWS, c.mean.length);
  const bad = a.stats.nonFinite ?? 0;
  const badIn = (i: number) => c.nonFinite?.[i] ?? 0;
  return (
    <div className="channel-stats">
      <div className="stats-line" data-testid="inside-stats">
        mean <b>{fmt(a.stats.mean)}</b> · std <b>{fmt(a.stats.std)}</b> · min <b>{fmt(a.stats.min)}</b> · max{' '}
        <b>{fmt(a.stats.max)}</b> · zeros <b>{pct(a.stats.zeros)}</b>
        {bad > 0 && (
          <span className="non-finite" data-testid="inside-nonfinite" role="alert">
            {' '}
            · <b>{bad.toLocaleString()}</b> NaN/∞ values (left out of these figures)
          </span>
        )}
      </div>
      <div className="stats-scroll">
        <table>
          <thead>
            <tr>
              <th>ch</th>
              <th>mean</th>
              <th>std</th>
              <th>min</th>
              <th>max</th>
              <th>zeros</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: n }, (_, i) => (
              <tr
                key={i}
                className={badIn(i) > 0 ? 'non-finite' : c.zeros[i] > 0.95 ? 'dead' : ''}
                title={badIn(i) > 0 ? `${badIn(i)} NaN/∞ values in this channel` : undefined}
              >
                <td>{i}</td>
                <td>{fmt(c.mean[i])}</td>
                <td>{fmt(c.std[i])}</td>
                <td>{fmt(c.min[i])}</td>
                <td>{fmt(c.max[i])}</td>
                <td>{pct(c.zeros[i])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
