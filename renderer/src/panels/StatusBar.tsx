// Totals from inference (parameters, FLOPs, estimated memory) and the engine's backend.
import { useDoc, useInference, useUi } from '../app/store';
import { isDirty } from '../doc/history';
import { fmtBytes, fmtCount, fmtShape } from '../canvas/format';
import { estimateMemoryBytes } from '../../../engine/core';
import { TrainedStatus } from './Trained';

export function StatusBar() {
  const inf = useInference();
  const engine = useUi((s) => s.engine);
  const backend = useUi((s) => s.engineBackend);
  const engineError = useUi((s) => s.engineError);
  const pid = useUi((s) => s.enginePid);
  const retry = useUi((s) => s.engineRetryAt);
  const batch = useDoc((s) => s.doc.training?.batchSize ?? 128);
  // 'auto' may end on one worker: the estimate stays a lower bound and counts only workers asked for by number.
  const workers = useDoc((s) => (typeof s.doc.training?.workers === 'number' ? s.doc.training.workers : 1));
  const dirty = useDoc((s) => isDirty(s));
  const total = inf.params.trainable + inf.params.nonTrainable;
  // Memory: weights (fp32) + one batch of activations (fp32); training roughly doubles the latter.
  const mem = estimateMemoryBytes(inf, batch, workers);
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span
        data-testid="status-params"
        title={`${inf.params.trainable.toLocaleString()} trainable, ${inf.params.nonTrainable.toLocaleString()} not trainable`}
      >
        <b>{total.toLocaleString()}</b> params
      </span>
      <span data-testid="status-flops">
        <b>{fmtCount(inf.flops)}</b>FLOPs / sample
      </span>
      <span
        data-testid="status-memory"
        title={`parameters × 4 B + activations × 4 B × batch ${batch}${workers > 1 ? ` + ${workers} workers' replicas and gradients` : ''}`}
      >
        <b>{fmtBytes(mem)}</b> est. memory (batch {batch})
      </span>
      <span>
        in {fmtShape(inf.input)} → out {fmtShape(inf.output)}
      </span>
      <span className={inf.errors.length ? 'status-bad' : 'status-ok'} data-testid="status-errors">
        {inf.errors.length ? `${inf.errors.length} problem${inf.errors.length > 1 ? 's' : ''}` : '✓ valid'}
      </span>
      <span className="spacer" />
      <TrainedStatus />
      {dirty && (
        <span className="status-dirty" data-testid="status-dirty">
          ● unsaved
        </span>
      )}
      {engineError ? (
        <span className="engine status-bad" data-testid="engine-error" title={engineError}>
          {engine}: {engineError}
        </span>
      ) : (
        <span
          className={backend ? 'engine' : 'engine engine-offline'}
          data-testid="engine-info"
          data-backend={backend}
          data-pid={pid}
          title={retry ? 'The connection to the engine closed; retrying with backoff' : "The training engine's backend"}
        >
          {engine}
          {retry && !backend ? ' · reconnecting…' : ''}
        </span>
      )}
    </footer>
  );
}
