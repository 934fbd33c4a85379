// The edge: a bezier with the tensor shape as a pill label. Share edges are dashed and colored;
// a share between incompatible shapes is red and says why.
import { memo } from 'react';
import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  getSmoothStepPath,
  type Edge,
  type EdgeProps,
} from '@xyflow/react';
import type { EdgeData } from './scene';

/** A wrap between columns climbs up the middle of the gap, never along a group's border. */
function wrapPath(sx: number, sy: number, tx: number, ty: number, gx: number): [string, number, number] {
  const down = sy + 22,
    up = ty - 22,
    r = 10;
  const path =
    `M ${sx} ${sy} V ${down - r} Q ${sx} ${down} ${sx + r} ${down} H ${gx - r} Q ${gx} ${down} ${gx} ${down - r}` +
    ` V ${up + r} Q ${gx} ${up} ${gx + r} ${up} H ${tx - r} Q ${tx} ${up} ${tx} ${up + r} V ${ty}`;
  return [path, gx, (down + up) / 2];
}

export const ShapeEdge = memo(function ShapeEdge(p: EdgeProps<Edge<EdgeData>>) {
  const d = p.data!;
  const share = d.kind === 'share';
  const [path, lx, ly] =
    d.wrap && d.wrapX !== undefined && p.targetX > d.wrapX && p.sourceX < d.wrapX
      ? wrapPath(p.sourceX, p.sourceY, p.targetX, p.targetY, d.wrapX)
      : share || d.wrap
        ? getSmoothStepPath({ ...p, borderRadius: 16, offset: d.wrap ? 24 : 30 })
        : getBezierPath({
            sourceX: p.sourceX,
            sourceY: p.sourceY,
            targetX: p.targetX,
            targetY: p.targetY,
            sourcePosition: p.sourcePosition,
            targetPosition: p.targetPosition,
          });
  const cls = `edge ${share ? 'edge-share' : ''} ${d.error ? 'edge-error' : ''} ${d.kind === 'inner' ? 'edge-inner' : ''} ${p.selected ? 'edge-selected' : ''}`;
  return (
    <>
      <BaseEdge id={p.id} path={path} className={cls} interactionWidth={18} />
      {d.label && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label ${share ? 'edge-label-share' : ''} ${d.error ? 'edge-label-error' : ''}`}
            data-testid={`${share ? 'share' : 'edge'}-label-${p.source}->${p.target}`}
            title={d.error}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}
          >
            {d.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export const EDGE_TYPES = { shape: ShapeEdge };
