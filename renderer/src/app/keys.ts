// Editing shortcuts that are not menu commands: delete, copy / paste / duplicate, select all, fit,
// escape. (Undo/redo/save/open arrive as Host menu commands.)
import type { GraphEdge } from '../../../engine/core';
import { blockAt, containerOf, idOf, parentOf } from '../doc/locate';
import type { Clip } from '../doc/commands';
import { deleteSelection } from '../canvas/actions';
import type { EdgeData } from '../canvas/scene';
import { docStore, run, useUi } from './store';

let clipboard: { clip: Clip; container: string } | null = null;

function copy(): boolean {
  const sel = useUi.getState().selected.filter((p) => !p.startsWith('__'));
  if (!sel.length) return false;
  const doc = docStore.getState().doc;
  const container = parentOf(sel[0]);
  const blocks = sel
    .filter((p) => parentOf(p) === container)
    .map((p) => blockAt(doc, p))
    .filter((b) => b !== undefined);
  const ids = new Set(blocks.map((b) => b.id));
  const c = containerOf(doc, container);
  const edges: GraphEdge[] =
    c?.block.kind === 'graph' ? c.block.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) : [];
  clipboard = { clip: { blocks: structuredClone(blocks), edges: structuredClone(edges) }, container };
  return true;
}

function paste() {
  if (!clipboard) return;
  const ui = useUi.getState();
  const sel = ui.selected.filter((p) => !p.startsWith('__'));
  const last = sel[sel.length - 1];
  // Paste next to the selection (any container: copy/paste works across blocks), else into the open block.
  const container = last ? parentOf(last) : ui.open;
  run('paste', { container, clip: clipboard.clip, after: last ? idOf(last) : undefined });
}

export function installKeys(getEdges: () => EdgeData[]): () => void {
  const onKey = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (e.key === 'Delete' || e.key === 'Backspace') {
      deleteSelection(getEdges());
      e.preventDefault();
    } else if (mod && k === 'c') {
      copy();
    } else if (mod && k === 'x') {
      if (copy()) deleteSelection([]);
    } else if (mod && k === 'v') {
      paste();
      e.preventDefault();
    } else if (mod && k === 'd') {
      if (copy()) paste();
      e.preventDefault();
    } else if (mod && k === 'a') {
      const doc = docStore.getState().doc;
      const c = containerOf(doc, useUi.getState().open);
      if (c)
        useUi
          .getState()
          .select(
            (c.block.kind === 'sequential' ? c.block.children : c.block.kind === 'graph' ? c.block.nodes : []).map(
              (b) => (useUi.getState().open ? `${useUi.getState().open}/${b.id}` : b.id),
            ),
          );
      e.preventDefault();
    } else if (!mod && k === 'f') useUi.getState().set({ fitSeq: useUi.getState().fitSeq + 1 });
    else if (e.key === 'Escape') {
      const ui = useUi.getState();
      if (ui.dialog) ui.set({ dialog: null });
      else if (ui.selected.length) ui.select([]);
      else if (ui.open) ui.setOpen(parentOf(ui.open));
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
