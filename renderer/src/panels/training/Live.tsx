// The run as it goes: loss and accuracy curves (train per batch, validation per epoch), the epoch table
// and the final test accuracy. Figures are named for what the engine measured them on: the held-out
// validation split, or the test set when a run has none (`valSource`); the final one is always the test set.
import { useMemo } from 'react';
import { Chart, type Series } from './Chart';
import { useTraining } from './controller';
import { sourceLabel } from './form';
import { isActive, type Point } from './run-state';

const pct = (v: number) => `${(v * 100).toFixed(v >= 0.995 || v < 0.1 ? 0 : 1)}%`;
const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const opt = (v: number | undefined, f: (v: number) => string) => (v === undefined || !Number.isFinite(v) ? '—' : f(v));

const TRAIN = '--accent',
  VAL = '--val';

/** Exponential moving average, bias-corrected so the first points are not pulled to 0 (as TensorBoard). */
export function smooth(points: Point[], k = 0.8): Point[] {
  let m = 0;
  return points.map((p, i) => {
    m = k * m + (1 - k) * p.y;
    return { x: p.x, y: m / (1 - k ** (i + 1)) };
  });
}

/** The epochs' held-out figures as the engine labelled them (validation unless it said test). */
const heldLabel = (source: 'validation' | 'test' | null) => (source === 'test' ? 'test' : 'validation');

export function Curves() {
  const run = useTraining((s) => s.run);
  const held = heldLabel(run.valSource);
  const total = run.config && run.stepsPerEpoch ? run.config.epochs * run.stepsPerEpoch : run.step;
  const loss = useMemo<Series[]>(
    () => [
      { id: 'train', label: 'train', points: run.loss, color: TRAIN, faint: true },
      { id: 'smooth', label: 'train', points: smooth(run.loss), color: TRAIN },
      { id: 'val', label: held, points: run.valLoss, color: VAL, dots: true },
    ],
    [run.loss, run.valLoss, held],
  );
  const acc = useMemo<Series[]>(
    () => [
      { id: 'train', label: 'train', points: run.acc, color: TRAIN, faint: true },
      { id: 'smooth', label: 'train', points: smooth(run.acc), color: TRAIN },
      { id: 'val', label: held, points: run.valAcc, color: VAL, dots: true },
    ],
    [run.acc, run.valAcc, held],
  );
  return (
    <div className="train-charts">
      <Chart title="Loss" testid="chart-loss" series={loss} xMax={total} xStep={run.stepsPerEpoch} yMin={0} fmt={num} />
      <Chart
        title="Accuracy"
        testid="chart-acc"
        series={acc}
        xMax={total}
        xStep={run.stepsPerEpoch}
        yMin={0}
        yMax={1}
        fmt={pct}
      />
    </div>
  );
}

export function Results() {
  const run = useTraining((s) => s.run);
  const test = run.done?.final?.testAcc;
  const held = run.valSource === 'test' ? 'test' : 'val';
  const heldTitle =
    run.valSource === 'test' ? 'on the test set (this run held out no validation data)' : 'on the validation split';
  const c = run.config;
  const extras = [
    c?.validationSplit !== undefined ? `${+(c.validationSplit * 100).toFixed(1)}% validation` : '',
    c?.schedule && c.schedule.type !== 'constant' ? `${c.schedule.type} lr` : '',
    c?.earlyStop ? `early stop ${c.earlyStop.patience}` : '',
  ].filter(Boolean);
  return (
    <div className="train-results">
      {run.config && (
        <div className="train-caption" data-testid="train-caption">
          <span title={run.config.dataset}>{sourceLabel(run.config.dataset)}</span>
          {run.config.labelColumn ? ` (label ${run.config.labelColumn})` : ''}
          {run.config.limit ? ` · first ${run.config.limit.toLocaleString()} samples` : ''} · batch{' '}
          {run.config.batchSize} · {run.config.optimizer === 'adam' ? 'Adam' : 'SGD'} · {run.config.epochs} epoch
          {run.config.epochs > 1 ? 's' : ''}
          {extras.map((x) => ` · ${x}`).join('')}
        </div>
      )}
      {run.done && run.done.state !== 'failed' && (
        <div className="train-final" data-testid="train-final">
          <span className="muted">{run.done.state === 'stopped' ? 'Stopped · test accuracy' : 'Test accuracy'}</span>
          <b data-testid="train-test-acc" data-value={test}>
            {opt(test, (v) => `${(v * 100).toFixed(1)}%`)}
          </b>
          <span className="muted">
            test loss {opt(run.done.final?.testLoss, num)} · train acc {opt(run.done.final?.acc, pct)}
          </span>
        </div>
      )}
      <table className="epoch-table" data-testid="epoch-table">
        <thead>
          <tr>
            <th>epoch</th>
            <th>loss</th>
            <th>acc</th>
            <th title={`loss ${heldTitle}`} data-testid="epoch-held-loss">
              {held} loss
            </th>
            <th title={`accuracy ${heldTitle}`}>{held} acc</th>
            <th>time</th>
          </tr>
        </thead>
        <tbody>
          {run.epochs.map((e) => (
            <tr key={e.epoch}>
              <td>{e.epoch + 1}</td>
              <td>{opt(e.trainLoss, num)}</td>
              <td>{opt(e.trainAcc, pct)}</td>
              <td>{opt(e.valLoss, num)}</td>
              <td className="val">{opt(e.valAcc, pct)}</td>
              <td className="muted">{opt(e.durationMs, (ms) => `${(ms / 1000).toFixed(1)} s`)}</td>
            </tr>
          ))}
          {!run.epochs.length && (
            <tr>
              <td colSpan={6} className="muted empty">
                {isActive(run.state)
                  ? 'the first epoch is under way…'
                  : run.state
                    ? 'the run ended before an epoch did'
                    : 'no epochs yet'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
