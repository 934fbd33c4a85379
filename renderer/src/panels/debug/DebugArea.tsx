// The Training drawer's right side: tabs Curves | Inside | Health | Evaluation | Runs. The health
// subscription lives while the drawer is open (its norms are cheap and the history is there when the tab is
// opened); the Inside subscription only while Inside or Health shows (they mount it).
import { useEffect, type ReactNode } from 'react';
import { useUi } from '../../app/store';
import { EvaluationView } from './EvaluationView';
import { HealthView } from './HealthView';
import { InsideView } from './InsideView';
import { watch, watchHealth } from './link';
import { RunsView } from './RunsView';
import { DEBUG_TABS, useDebug } from './store';
import './debug.css';

/**
 * While `active` (Inside or Health shows), watches the single selected block; nothing (unsubscribed) otherwise
 * and when the drawer closes. One subscription for both tabs, so switching between them keeps its history.
 */
function useWatchSelection(active: boolean) {
  const selected = useUi((s) => (s.selected.length === 1 && !s.selected[0].startsWith('__') ? s.selected[0] : null));
  const online = useUi((s) => !!s.engineBackend);
  const path = active ? selected : null;
  useEffect(() => {
    void watch(path);
  }, [path, online]);
  useEffect(() => () => void watch(null), []);
}

export function DebugArea({ curves }: { curves: ReactNode }) {
  const tab = useDebug((s) => s.tab);
  const set = useDebug((s) => s.set);
  const warnings = useUi((s) => s.warnings.length);
  const online = useUi((s) => !!s.engineBackend);
  useEffect(() => {
    void watchHealth(true);
    return () => void watchHealth(false);
  }, [online]);
  useWatchSelection(tab === 'inside' || tab === 'health');
  return (
    <div className={`debug-area tab-${tab}`} data-testid="debug-area">
      <nav className="debug-tabs" role="tablist" aria-label="Training views">
        {DEBUG_TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={`debug-tab${tab === t.id ? ' on' : ''}`}
            data-testid={`tab-${t.id}`}
            onClick={() => set({ tab: t.id })}
          >
            {t.label}
            {t.id === 'health' && warnings > 0 && <i className="tab-badge">{warnings}</i>}
          </button>
        ))}
      </nav>
      <div className="debug-pane" role="tabpanel">
        {tab === 'curves' && <div className="debug-curves">{curves}</div>}
        {tab === 'inside' && <InsideView />}
        {tab === 'health' && <HealthView />}
        {tab === 'evaluation' && <EvaluationView />}
        {tab === 'runs' && <RunsView />}
      </div>
    </div>
  );
}
