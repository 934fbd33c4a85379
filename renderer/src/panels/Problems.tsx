// The problems panel: every error and warning from inference; clicking one selects its block
// (opening the enclosing block when it is inside one that is not shown).
import { useState } from 'react';
import { useInference, useUi } from '../app/store';
import { docStore } from '../app/store';
import { blockAt, parentOf } from '../doc/locate';

export function Problems() {
  const inf = useInference();
  const health = useUi((s) => s.warnings);
  const [open, setOpen] = useState(true);
  const items = [
    ...inf.errors.map((e) => ({ ...e, level: 'error' })),
    ...inf.warnings.map((e) => ({ ...e, level: 'warning' })),
    // The training run's health warnings (panels/debug): the same rows, coded by kind.
    ...health.map((w) => ({
      code: `W_${w.kind.toUpperCase()}`,
      path: w.path,
      message: `step ${w.step}: ${w.message}`,
      port: undefined,
      level: 'warning',
    })),
  ];
  if (!items.length) return null;
  const go = (path: string) => {
    const doc = docStore.getState().doc;
    // A path inside an instance's expansion exists in the document only through the definition.
    let p = path;
    while (p && !blockAt(doc, p)) p = parentOf(p);
    const ui = useUi.getState();
    if (ui.open && !p.startsWith(ui.open)) ui.setOpen('');
    ui.select(p ? [p] : []);
  };
  return (
    <section className="problems" data-testid="problems">
      <header onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} Problems <span className="count">{items.length}</span>
      </header>
      {open && (
        <ul>
          {items.map((e, i) => (
            <li key={i} className={`problem problem-${e.level}`} onClick={() => go(e.path)} data-testid="problem">
              <code>{e.code}</code>{' '}
              <span className="problem-path">
                {e.path || 'network'}
                {e.port !== undefined ? ` · port ${e.port}` : ''}
              </span>
              <div className="problem-msg">{e.message}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
