// The Health view: every layer's gradient and weight norms over steps (log scale: vanishing gradients are
// orders of magnitude, not percent), the run's warnings, and the selected block's weight and gradient
// histograms over time as heat strips.
import { useMemo } from 'react';
import { useUi } from '../../app/store';
import { useWidth } from './canvas';
import { hex, VIRIDIS } from './colormap';
import { HeatStrip } from './HeatStrip';
import { LogChart, type LogSeries } from './LogChart';
import { useDebug } from './store';

/**
 * Layer i of n in a colour along viridis (input purple → output yellow-green), on the part of it that stands
 * out from the theme's background: no near-black purple on dark, no pale yellow on light.
 */
const layerColor = (i: number, n: number, theme: 'dark' | 'light') => {
  const [from, span] = theme === 'dark' ? [70, 185] : [0, 200];
  return hex(VIRIDIS[Math.round(from + (n > 1 ? i / (n - 1) : 0) * span)]);
};

/** `sequential0_conv0_weight/grad` → `sequential0_conv0_weight · gradients`. */
const histTitle = (key: string) => key.replace(/\/weight$/, ' · values').replace(/\/grad$/, ' · gradients');

export function HealthView() {
  const health = useDebug((s) => s.health);
  const histograms = useDebug((s) => s.histograms);
  const watched = useDebug((s) => s.watched);
  const error = useDebug((s) => s.healthError);
  const warnings = useUi((s) => s.warnings);
  const theme = useUi((s) => s.theme);
  const [histBox, histWidth] = useWidth(300);
  const colors = useMemo(
    () => health.layers.map((_, i) => layerColor(i, health.layers.length, theme)),
    [health.layers.length, theme],
  );
  const grad = useMemo<LogSeries[]>(
    () =>
      health.layers.map((l, i) => ({
        label: l.block,
        color: colors[i],
        xs: l.steps,
        ys: l.grad,
      })),
    [health.layers, colors],
  );
  const weight = useMemo<LogSeries[]>(
    () =>
      health.layers.map((l, i) => ({
        label: l.block,
        color: colors[i],
        xs: l.steps,
        ys: l.weight,
      })),
    [health.layers, colors],
  );
  return (
    <div className="health" data-testid="health-view" data-layers={health.layers.length}>
      {error && (
        <div className="debug-error" data-testid="health-error" data-code={error.code} role="alert">
          <code>{error.code}</code> {error.message}
        </div>
      )}
      <div className="health-charts">
        <LogChart title="Gradient norm" series={grad} testid="health-grad" />
        <LogChart title="Weight norm" series={weight} testid="health-weight" />
        <ul className="health-legend">
          {health.layers.map((l, i) => (
            <li key={l.block}>
              <i style={{ background: colors[i] }} />
              {l.block}
            </li>
          ))}
          {!health.layers.length && <li className="muted">norms appear with the first steps</li>}
        </ul>
      </div>
      <div className="health-bottom">
        <div className="health-warnings" data-testid="health-warnings">
          {warnings.length ? (
            warnings.map((w) => (
              <div
                key={`${w.path}/${w.kind}`}
                className={`warning warning-${w.kind}`}
                data-testid="health-warning"
                data-kind={w.kind}
                data-path={w.path}
              >
                <b>⚠ {w.kind}</b> <code>{w.path}</code> <span className="muted">step {w.step}</span>
                <div className="muted">{w.message}</div>
              </div>
            ))
          ) : (
            <span className="muted">no warnings: gradients neither vanish nor explode, no dead layers</span>
          )}
        </div>
        <div className="health-hists" ref={histBox}>
          {Object.entries(histograms).map(([key, hs]) => (
            <HeatStrip key={key} title={histTitle(key)} hists={hs} width={histWidth} height={44} />
          ))}
          {!Object.keys(histograms).length && (
            <span className="muted">
              {watched
                ? `histograms of ${watched}'s parameters appear with its snapshots`
                : 'select a block for its weight and gradient histograms over time'}
            </span>
          )}
        </div>
      </div>
    </div>
  );
}
