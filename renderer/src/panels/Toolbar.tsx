// The top bar: file commands, undo/redo, templates, the breadcrumb of the opened block, view and theme.
import { docStore, useDoc, useUi } from '../app/store';
import { guard, newDocument, openFile, saveFile } from '../app/files';
import { run } from '../app/store';
import { blockAt } from '../doc/locate';
import { TrainButton } from './training/TrainingPanel';

function Breadcrumb() {
  const open = useUi((s) => s.open);
  const name = useDoc((s) => s.doc.name);
  const doc = useDoc((s) => s.doc);
  const parts = open ? open.split('/') : [];
  return (
    <nav className="breadcrumb" data-testid="breadcrumb">
      <button className="crumb" onClick={() => useUi.getState().setOpen('')}>
        {name}
      </button>
      {parts.map((p, i) => {
        const path = parts.slice(0, i + 1).join('/');
        const b = blockAt(doc, path);
        return (
          <span key={path}>
            {' '}
            ›{' '}
            <button className="crumb" onClick={() => useUi.getState().setOpen(path)}>
              {p}
              {b?.kind === 'instance' ? ` (${b.def})` : ''}
            </button>
          </span>
        );
      })}
    </nav>
  );
}

export function Toolbar() {
  const canUndo = useDoc((s) => s.past.length > 0);
  const canRedo = useDoc((s) => s.future.length > 0);
  const theme = useUi((s) => s.theme);
  const toggleTheme = () => {
    const t = theme === 'dark' ? 'light' : 'dark';
    useUi.getState().set({ theme: t });
    try {
      localStorage.setItem('netloom.theme', t);
    } catch {
      /* best effort */
    }
  };
  return (
    <header className="toolbar">
      <span className="brand">◈ Netloom</span>
      <div className="tb-group">
        <button
          className="btn"
          onClick={() => guard('start a new network', newDocument)}
          data-testid="btn-new"
          title="New network"
        >
          New
        </button>
        <button className="btn" onClick={openFile} data-testid="btn-open" title="Open (Ctrl+O)">
          Open
        </button>
        <button className="btn" onClick={() => void saveFile()} data-testid="btn-save" title="Save (Ctrl+S)">
          Save
        </button>
        <button className="btn" onClick={() => void saveFile(true)} title="Save as (Ctrl+Shift+S)">
          Save as
        </button>
        <button
          className="btn"
          onClick={() => useUi.getState().set({ dialog: 'export' })}
          data-testid="btn-export"
          title="Export the network: project, ONNX, PyTorch, TF.js, SVG, PNG (Ctrl+E)"
        >
          Export…
        </button>
      </div>
      <div className="tb-group">
        <button
          className="btn"
          disabled={!canUndo}
          onClick={() => docStore.getState().undo()}
          data-testid="btn-undo"
          title="Undo (Ctrl+Z)"
        >
          ↶
        </button>
        <button
          className="btn"
          disabled={!canRedo}
          onClick={() => docStore.getState().redo()}
          data-testid="btn-redo"
          title="Redo (Ctrl+Shift+Z)"
        >
          ↷
        </button>
      </div>
      <button
        className="btn btn-primary"
        onClick={() => useUi.getState().set({ dialog: 'templates' })}
        data-testid="btn-templates"
      >
        Templates
      </button>
      <TrainButton />
      <Breadcrumb />
      <span className="spacer" />
      <button className="btn" onClick={() => run('resetLayout', {})} title="Forget manual positions">
        Tidy
      </button>
      <button
        className="btn"
        onClick={() => useUi.getState().set({ fitSeq: useUi.getState().fitSeq + 1 })}
        data-testid="btn-fit"
        title="Zoom to fit (F)"
      >
        Fit
      </button>
      <button className="btn" onClick={toggleTheme} data-testid="btn-theme" title="Toggle theme">
        {theme === 'dark' ? '☀ Light' : '☾ Dark'}
      </button>
    </header>
  );
}
