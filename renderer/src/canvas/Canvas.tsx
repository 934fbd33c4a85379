// The canvas: React Flow over a scene derived from the document. React Flow's own state is only the
// transient drag positions; everything else comes from the document store and the UI store.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type OnConnect,
} from '@xyflow/react';
import { run, useDoc, useInference, useUi } from '../app/store';
import { buildScene, type EdgeData, type NodeData } from './scene';
import { NODE_TYPES } from './nodes';
import { EDGE_TYPES } from './edges';
import { connectHandles, dropItem, type Item } from './actions';

let dragSeq = 0;

export function Canvas({ onEdgeSelection }: { onEdgeSelection(e: EdgeData[]): void }) {
  const doc = useDoc((s) => s.doc);
  const inf = useInference();
  const open = useUi((s) => s.open);
  const selected = useUi((s) => s.selected);
  const fitSeq = useUi((s) => s.fitSeq);
  const theme = useUi((s) => s.theme);
  const [drag, setDrag] = useState<Record<string, { x: number; y: number }> | null>(null);
  const [edgeSel, setEdgeSel] = useState<string[]>([]);
  const rf = useReactFlow<Node<NodeData>, Edge<EdgeData>>();
  const dragMark = useRef('');

  const scene = useMemo(() => buildScene(doc, inf, open), [doc, inf, open]);
  const nodes = useMemo(() => {
    const sel = new Set(selected);
    return scene.nodes.map((n) => {
      const p = drag?.[n.id];
      const s = sel.has(n.id);
      return p || s ? { ...n, position: p ?? n.position, selected: s } : n;
    });
  }, [scene, selected, drag]);
  const edges = useMemo(() => {
    if (!edgeSel.length) return scene.edges;
    const sel = new Set(edgeSel);
    return scene.edges.map((e) => (sel.has(e.id) ? { ...e, selected: true } : e));
  }, [scene, edgeSel]);

  useEffect(() => {
    setEdgeSel([]);
  }, [scene]);
  useEffect(() => {
    onEdgeSelection(scene.edges.filter((e) => edgeSel.includes(e.id)).map((e) => e.data!));
  }, [edgeSel, scene, onEdgeSelection]);
  useEffect(() => {
    const t = setTimeout(() => rf.fitView({ padding: 0.12, maxZoom: 1.1, duration: 0 }), 30);
    return () => clearTimeout(t);
  }, [fitSeq, rf]);

  const onNodesChange = useCallback((changes: NodeChange<Node<NodeData>>[]) => {
    let sel: string[] | null = null;
    const moves: Record<string, { x: number; y: number }> = {};
    for (const c of changes) {
      if (c.type === 'select') {
        sel ??= [...useUi.getState().selected];
        sel = c.selected ? (sel.includes(c.id) ? sel : [...sel, c.id]) : sel.filter((x) => x !== c.id);
      } else if (c.type === 'position' && c.position) moves[c.id] = c.position;
    }
    if (sel) useUi.getState().select(sel);
    if (Object.keys(moves).length) setDrag((d) => ({ ...d, ...moves }));
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<Edge<EdgeData>>[]) => {
    setEdgeSel((cur) => {
      let next = cur;
      for (const c of changes)
        if (c.type === 'select')
          next = c.selected ? [...next.filter((x) => x !== c.id), c.id] : next.filter((x) => x !== c.id);
      return next;
    });
  }, []);

  const onNodeDragStart = useCallback(() => {
    dragMark.current = `drag-${++dragSeq}`;
  }, []);
  const onNodeDragStop = useCallback((_e: unknown, _n: Node, dragged: Node[]) => {
    const positions: Record<string, { x: number; y: number }> = {};
    for (const n of dragged) positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
    if (Object.keys(positions).length) run('move', { positions }, { mark: dragMark.current });
    setDrag(null);
  }, []);

  const onConnect: OnConnect = useCallback(
    (c) => connectHandles(c.source, c.sourceHandle ?? null, c.target, c.targetHandle ?? null),
    [],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes('application/netloom-item')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const raw = e.dataTransfer.getData('application/netloom-item');
      if (!raw) return;
      e.preventDefault();
      const item = JSON.parse(raw) as Item;
      const flow = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const hits = document.elementsFromPoint(e.clientX, e.clientY);
      const edgeEl = hits.map((h) => h.closest('.react-flow__edge')).find(Boolean);
      const edgeId = edgeEl?.getAttribute('data-id') ?? edgeEl?.getAttribute('data-testid')?.replace(/^rf__edge-/, '');
      const edge = edgeId ? rf.getEdge(edgeId)?.data : undefined;
      const groupEl = hits.map((h) => h.closest('.react-flow__node-group')).find(Boolean);
      const group = groupEl?.getAttribute('data-id') ?? undefined;
      let at = { x: flow.x - 105, y: flow.y - 37 };
      if (group && !edge) {
        const g = rf.getInternalNode(group);
        if (g) at = { x: at.x - g.internals.positionAbsolute.x, y: at.y - g.internals.positionAbsolute.y };
      }
      dropItem(item, { x: Math.round(at.x), y: Math.round(at.y) }, { edge, group: edge ? undefined : group });
    },
    [rf],
  );

  const onNodeDoubleClick = useCallback((_e: unknown, n: Node<NodeData>) => {
    if (n.data.collapsed) run('setCollapsed', { paths: [n.id], collapsed: false });
    else if (n.type === 'group' || n.data.kind === 'instance') useUi.getState().setOpen(n.id);
  }, []);

  const onPaneClick = useCallback(() => useUi.getState().select([]), []);

  return (
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={onPaneClick}
        deleteKeyCode={null}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        colorMode={theme}
        minZoom={0.05}
        maxZoom={2}
        onlyRenderVisibleElements
        proOptions={{ hideAttribution: true }}
        fitView
        fitViewOptions={{ padding: 0.12, maxZoom: 1.1 }}
      >
        <Background variant={BackgroundVariant.Dots} gap={22} size={1.2} />
        <MiniMap pannable zoomable className="minimap" nodeStrokeWidth={2} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
