// The edge: a bezier with the tensor shape as a pill label. Share edges are dashed and colored;
// a share between incompatible shapes is red and says why.
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { EdgeData } from './scene';

export const ShapeEdge = memo(function ShapeEdge(p: EdgeProps<Edge<EdgeData>>) {
  const d = p.data!;
  const share = d.kind === 'share';
  const [path, lx, ly] = share || d.wrap
    ? getSmoothStepPath({ ...p, borderRadius: 16, offset: d.wrap ? 24 : 30 })
    : getBezierPath({ sourceX: p.sourceX, sourceY: p.sourceY, targetX: p.targetX, targetY: p.targetY, sourcePosition: p.sourcePosition, targetPosition: p.targetPosition });
  const cls = `edge ${share ? 'edge-share' : ''} ${d.error ? 'edge-error' : ''} ${d.kind === 'inner' ? 'edge-inner' : ''} ${p.selected ? 'edge-selected' : ''}`;
  return (
    <>
      <BaseEdge id={p.id} path={path} className={cls} interactionWidth={18} />
      {d.label && (
        <EdgeLabelRenderer>
          <div className={`edge-label ${share ? 'edge-label-share' : ''} ${d.error ? 'edge-label-error' : ''}`}
            data-testid={`${share ? 'share' : 'edge'}-label-${p.source}->${p.target}`} title={d.error}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}>
            {d.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export const EDGE_TYPES = { shape: ShapeEdge };
