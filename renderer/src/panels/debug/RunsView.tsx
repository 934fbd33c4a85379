// The Runs tab: every ended run of this document (kept in it, saved with the project) with its settings and
// final figures; tick two to overlay their curves.
import { useMemo } from 'react';
import { docStore, run as runCommand, useDoc } from '../../app/store';
import type { NetworkDoc } from '../../../../engine/core';
import { Chart, type Series } from '../training/Chart';
import { smooth } from '../training/Live';
import { fmt, pct } from './format';
import { pointsOf, runsOf, settingsText, type RunRecord } from './runs';
import { useDebug } from './store';

/** Run A and run B: CSS variables (the legend's swatch and the chart's stroke). */
const COLORS = ['--accent', '--val'];
/** Whole percent on the chart's axis. */
const pct0 = (v: number) => `${Math.round(v * 100)}%`;

/** The run's final train loss, else the last point of its curve. */
function lastLoss(r: RunRecord): string {
  const v = r.final.loss ?? r.curves.loss[r.curves.loss.length - 1]?.[1];
  return v === undefined ? '—' : fmt(v);
}

function overlay(runs: RunRecord[], which: 'loss' | 'acc'): Series[] {
  return runs.map((r, k) => ({
    id: r.id,
    label: `run ${k === 0 ? 'A' : 'B'}`,
    points: smooth(pointsOf(r.curves[which])),
    color: COLORS[k],
  }));
}

export function RunsView() {
  const view = useDoc((s) => s.doc.view);
  const runs = useMemo(() => runsOf({ view } as NetworkDoc), [view]);
  const compare = useDebug((s) => s.compare);
  const set = useDebug((s) => s.set);
  const picked = runs.filter((r) => compare.includes(r.id));
  const xMax = Math.max(1, ...picked.map((r) => r.steps));
  const toggle = (id: string) =>
    set({ compare: compare.includes(id) ? compare.filter((x) => x !== id) : [...compare, id].slice(-2) });
  const remove = (id: string) => {
    const next = runsOf(docStore.getState().doc).filter((r) => r.id !== id);
    runCommand('recordRun', { runs: next });
  };
  if (!runs.length)
    return (
      <div className="debug-empty" data-testid="runs-view">
        Every run that ends is kept here with its settings, curves and final figures, and saved with the project.
      </div>
    );
  return (
    <div className="runs" data-testid="runs-view">
      <div className="runs-list">
        <table>
          <thead>
            <tr>
              <th />
              <th>ended</th>
              <th>settings</th>
              <th>steps</th>
              <th>loss</th>
              <th>test acc</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...runs].reverse().map((r) => {
              const k = picked.indexOf(r);
              return (
                <tr key={r.id} data-testid="run-row" data-id={r.id}>
                  <td>
                    <input
                      type="checkbox"
                      checked={compare.includes(r.id)}
                      onChange={() => toggle(r.id)}
                      aria-label="compare this run"
                    />
                    {k >= 0 && <i className="run-swatch" style={{ background: `var(${COLORS[k]})` }} />}
                  </td>
                  <td title={r.at}>{new Date(r.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</td>
                  <td className="muted settings">{settingsText(r.config)}</td>
                  <td>{r.steps.toLocaleString()}</td>
                  <td>{lastLoss(r)}</td>
                  <td>
                    <b>{r.final.testAcc !== undefined ? pct(r.final.testAcc) : '—'}</b>
                    {r.state !== 'done' && <span className="muted"> ({r.state})</span>}
                  </td>
                  <td>
                    <button className="mini" title="Forget this run" onClick={() => remove(r.id)}>
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="runs-charts" data-testid="runs-compare" data-runs={picked.length}>
        {picked.length ? (
          <>
            <Chart
              title="Loss (smoothed)"
              testid="runs-loss"
              series={overlay(picked, 'loss')}
              xMax={xMax}
              xStep={0}
              yMin={0}
              fmt={fmt}
            />
            <Chart
              title="Accuracy (smoothed)"
              testid="runs-acc"
              series={overlay(picked, 'acc')}
              xMax={xMax}
              xStep={0}
              yMin={0}
              yMax={1}
              fmt={pct0}
            />
          </>
        ) : (
          <div className="debug-empty">Tick one or two runs to overlay their curves.</div>
        )}
      </div>
    </div>
  );
}
