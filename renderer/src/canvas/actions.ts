// Canvas gestures turned into commands: connect, drop from the palette (onto the pane, a group or an
// edge), add after the selection, delete.
import type { Block } from '../../../engine/core';
import { GRAPH_INPUT, isMerge } from '../../../engine/core';
import { docStore, run, useUi } from '../app/store';
import { blockAt, containerOf, idOf, listOf, parentOf } from '../doc/locate';
import { newLayer } from '../doc/commands';
import type { EdgeData } from './scene';

let dropSeq = 0;

/** What the palette puts on the drag: a layer type or a block definition. */
export type Item = { layer: string } | { def: string };

export function makeBlock(container: string, item: Item): Block {
  const doc = docStore.getState().doc;
  if ('layer' in item) return newLayer(doc, container, item.layer);
  const c = containerOf(doc, container);
  const taken = c ? listOf(c.block).map((b) => b.id) : [];
  let i = 1;
  const base = item.def.toLowerCase();
  while (taken.includes(`${base}${i}`)) i++;
  return { kind: 'instance', id: `${base}${i}`, def: item.def };
}

/** The container new blocks go into: a selected expanded group's parent level, else the open block. */
function targetContainer(): { container: string; after?: string } {
  const { selected, open } = useUi.getState();
  const doc = docStore.getState().doc;
  const sel = selected[selected.length - 1];
  if (sel && blockAt(doc, sel)) return { container: parentOf(sel), after: idOf(sel) };
  const c = containerOf(doc, open);
  // In a graph, "after the selection" with nothing selected means after the current output (or the input).
  if (c?.block.kind === 'graph') return { container: open, after: c.block.output };
  return { container: open };
}

/** Double-click / Enter in the palette: add after the selection (or at the end) and select it. */
export function addAfterSelection(item: Item) {
  const t = targetContainer();
  const block = makeBlock(t.container, item);
  if (run('addBlock', { container: t.container, block, after: t.after })) {
    useUi.getState().select([t.container ? `${t.container}/${block.id}` : block.id]);
  }
}

/** Drop from the palette at a flow position; `onEdge` splices into that edge, `group` adds inside it. */
export function dropItem(item: Item, at: { x: number; y: number }, target: { edge?: EdgeData; group?: string }) {
  const mark = `drop-${++dropSeq}`;
  const open = useUi.getState().open;
  if (target.edge && target.edge.kind === 'flow' && target.edge.container !== undefined) {
    const container = target.edge.container;
    const block = makeBlock(container, item);
    const ok = run('addBlock', { container, block, onEdge: target.edge.graphIndex ?? target.edge.seqIndex }, { mark });
    if (ok) useUi.getState().select([container ? `${container}/${block.id}` : block.id]);
    return;
  }
  const container = target.group ?? open;
  const doc = docStore.getState().doc;
  const c = containerOf(doc, container);
  const block = makeBlock(container, item);
  if (!run('addBlock', { container, block }, { mark })) return;
  const path = container ? `${container}/${block.id}` : block.id;
  // Free placement only where it means something: a graph's nodes are wired by hand.
  if (c?.block.kind === 'graph') run('move', { positions: { [path]: at } }, { mark });
  useUi.getState().select([path]);
}

/** A connection dragged from a source handle to a target handle. */
export function connectHandles(
  source: string,
  sourceHandle: string | null,
  target: string,
  targetHandle: string | null,
) {
  const open = useUi.getState().open;
  let container: string, from: string;
  if (source === '__input') {
    container = open;
    from = GRAPH_INPUT;
  } else if (sourceHandle === 'enter') {
    container = source;
    from = GRAPH_INPUT;
  } else {
    container = parentOf(source);
    from = idOf(source);
  }
  if (target === '__output')
    return useUi.getState().toast('the output follows the last block; to change it, select a node and "Set as output"');
  if (parentOf(target) !== container) return useUi.getState().toast('both ends must be inside the same block');
  const m = /^in-(\d+)$/.exec(targetHandle ?? '');
  const port = m ? Number(m[1]) : undefined;
  const b = blockAt(docStore.getState().doc, target);
  // Only a merge's inputs are numbered ports; any other layer takes the edge on its one input.
  const multi = b?.kind === 'layer' && isMerge(b.type);
  run('connect', { graph: container, from, to: idOf(target), port: multi ? port : undefined });
}

/** Delete: selected graph edges, else selected blocks. */
export function deleteSelection(edges: EdgeData[]) {
  const graphEdges = edges.filter((e) => e.graphIndex !== undefined && e.container !== undefined);
  if (graphEdges.length) {
    // Highest index first so the others stay valid; one step per edge, merged under one mark.
    const mark = `del-${++dropSeq}`;
    for (const e of [...graphEdges].sort((a, b) => b.graphIndex! - a.graphIndex!))
      run('disconnect', { graph: e.container!, index: e.graphIndex! }, { mark });
    return;
  }
  const sel = useUi.getState().selected.filter((p) => !p.startsWith('__'));
  if (!sel.length) return;
  const parent = parentOf(sel[0]);
  if (run('removeBlocks', { paths: sel.filter((p) => parentOf(p) === parent) })) useUi.getState().select([]);
}
