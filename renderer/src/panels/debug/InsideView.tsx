// The Inside view: what the selected block computes on the probe batch, live. Feature maps for (C, H, W)
// outputs, bars for (F) outputs, the probe image beside them, per-channel statistics, and a stepper through
// the probe samples. The subscription follows the selection (DebugArea + link.ts: subscribe on select,
// unsubscribe on deselect or when the view closes).
import { useMemo } from 'react';
import { useTraining } from '../training/controller';
import { Bars } from './Bars';
import { useWidth } from './canvas';
import { ChannelStats } from './ChannelStats';
import { FeatureGrid } from './FeatureGrid';
import { shapeText } from './format';
import { Legend } from './Legend';
import { SampleImage } from './SampleImage';
import { rangeOf, sampleOf, samplesIn } from './snapshot';
import { useDebug } from './store';

/** Room kept beside the maps for the colour legend. */
const LEGEND_W = 70;

export function InsideView() {
  const { watched, watchedShape, inside, sample, insideError, set } = useDebug();
  const runState = useTraining((s) => s.run.state);
  // Class names of the run's data set when the engine lists them (built-ins), else the label number.
  const names = useTraining(
    (s) => s.datasets?.find((d) => d.id === s.run.config?.dataset || d.name === s.run.config?.dataset)?.classNames,
  );
  const [boxRef, width] = useWidth(480);
  const a = watched ? inside.blocks[watched] : undefined;
  const n = a ? samplesIn(a) : 0;
  const k = Math.min(sample, Math.max(0, n - 1));
  const view = useMemo(() => (a ? sampleOf(a, k) : null), [a, k]);
  const range = useMemo(() => (view ? rangeOf(view) : { min: 0, max: 0 }), [view]);
  const probe = inside.probe;
  const per = probe ? probe.shape.slice(1).reduce((x, y) => x * y, 1) : 0;

  if (!watched)
    return <div className="debug-empty">Select a block on the canvas to see what it computes on the probe images.</div>;
  return (
    <div className="inside" data-testid="inside-view" data-path={watched} data-step={inside.step}>
      <div className="inside-head">
        <b className="inside-path">{watched}</b>
        {watchedShape && <span className="muted">output {shapeText(watchedShape)}</span>}
        {inside.step >= 0 && (
          <span className="muted" data-testid="inside-step">
            after step {inside.step.toLocaleString()}
          </span>
        )}
        <span className="spacer" />
        {n > 1 && (
          <span className="stepper">
            <button
              className="mini"
              title="Previous probe image"
              disabled={k === 0}
              onClick={() => set({ sample: k - 1 })}
            >
              ‹
            </button>
            <span data-testid="inside-sample">
              image {k + 1} / {n}
              {probe ? ` · #${probe.indices[k]}` : ''}
            </span>
            <button
              className="mini"
              title="Next probe image"
              data-testid="inside-next"
              disabled={k >= n - 1}
              onClick={() => set({ sample: k + 1 })}
            >
              ›
            </button>
          </span>
        )}
      </div>
      {insideError && (
        <div className="debug-error" data-testid="inside-error" data-code={insideError.code} role="alert">
          <code>{insideError.code}</code> {insideError.message}
        </div>
      )}
      {!a && !insideError && (
        <div className="debug-empty">
          {runState
            ? 'waiting for the first snapshot…'
            : 'Train (or Step) to see this block’s output on the probe images.'}
        </div>
      )}
      {a && view && (
        <div className="inside-body">
          {probe && per > 0 && (
            <figure className="probe">
              <SampleImage
                data={probe.input}
                offset={k * per}
                shape={probe.shape.slice(1)}
                size={84}
                testid="probe-image"
              />
              <figcaption className="muted">{names?.[probe.labels[k]] ?? `label ${probe.labels[k]}`}</figcaption>
            </figure>
          )}
          <div className="inside-maps" ref={boxRef}>
            <div>
              {view.kind === 'maps' ? (
                <FeatureGrid view={view} range={range} width={width - LEGEND_W} />
              ) : (
                <Bars view={view} range={range} width={width - LEGEND_W} />
              )}
              {a.stride > 1 && <div className="muted small">every {a.stride}th row and column shown</div>}
            </div>
            <Legend min={range.min} max={range.max} />
          </div>
          <ChannelStats a={a} />
        </div>
      )}
    </div>
  );
}
