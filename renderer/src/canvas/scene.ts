// The canvas is a view of the document: engine/core's scene (positions, sizes, shapes, errors, sharing — the
// same one the diagram export draws) mapped to React Flow nodes and edges, with the editor's view state
// (collapsed groups, positions) and the positions of a drag in progress. Pure; memoized by the caller.
import type { Edge, Node } from '@xyflow/react';
import {
  buildScene as sceneOf,
  sceneView,
  type EdgeData,
  type InferResult,
  type NetworkDoc,
  type NodeData,
} from '../../../engine/core';

export type { EdgeData, NodeData } from '../../../engine/core';

export interface Scene {
  nodes: Node<NodeData>[];
  edges: Edge<EdgeData>[];
}

/** The scene for the container at `open` ('' = the whole network). */
export function buildScene(
  doc: NetworkDoc,
  inf: InferResult,
  open = '',
  transient?: Record<string, { x: number; y: number }>,
): Scene {
  const v = sceneView(doc);
  const s = sceneOf(doc, inf, { open, view: { ...v, positions: { ...v.positions, ...transient } } });
  return {
    // A group is sized by its style and drawn below its contents.
    nodes: s.nodes.map((n) =>
      n.type === 'group' ? { ...n, style: { width: n.width, height: n.height }, zIndex: 0 } : n,
    ),
    edges: s.edges.map((e) => ({ ...e, type: 'shape' })),
  };
}
