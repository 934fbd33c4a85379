// Node components. They only render `data` (derived in scene.ts); all edits go through commands.
import { memo } from 'react';
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { NodeData } from './scene';
import { fmtCount } from './format';
import { run, useUi } from '../app/store';

type N = NodeProps<Node<NodeData>>;

function InputHandles({ d }: { d: NodeData }) {
  return (
    <>
      {Array.from({ length: d.inputs }, (_, i) => {
        const err = d.portErrors[i];
        return (
          <Handle
            key={i}
            id={`in-${i}`}
            type="target"
            position={Position.Top}
            className={err ? 'port port-error' : 'port'}
            data-testid={`port-${d.path}-in-${i}`}
            style={{ left: `${((i + 1) / (d.inputs + 1)) * 100}%` }}
            title={err ?? `input ${i}`}
          />
        );
      })}
    </>
  );
}

const ShareHandles = () => (
  <>
    <Handle id="share-out" type="source" position={Position.Right} className="port-share" isConnectable={false} />
    <Handle id="share-in" type="target" position={Position.Right} className="port-share" isConnectable={false} />
  </>
);

function Badges({ d }: { d: NodeData }) {
  return (
    <div className="badges">
      {d.shares && (
        <span className="badge badge-share" data-testid="badge-share" title={`uses the parameters of ${d.shares}`}>
          ⇄ {d.shares.split('/').pop()}
        </span>
      )}
      {d.sharedBy ? (
        <span
          className="badge badge-share"
          data-testid="badge-owner"
          title={`${d.sharedBy} other block(s) use these parameters`}
        >
          ⇄ ×{d.sharedBy + 1}
        </span>
      ) : null}
      {d.repeat !== undefined && <span className="badge">×{d.repeat}</span>}
      {d.errors.length > 0 && (
        <span className="badge badge-error" title={d.errors.map((e) => `${e.code}: ${e.message}`).join('\n')}>
          {d.errors.length} ⚠
        </span>
      )}
    </div>
  );
}

/** The engine flagged this block, or (for a group) a block inside it, during training. */
const useFlagged = (path: string) =>
  useUi((s) => s.flagged !== undefined && (s.flagged === path || s.flagged.startsWith(`${path}/`)));

/** The run's health warnings at this block or (for a group) inside it, as "vanishing,dead" (a stable string). */
const useWarned = (path: string) =>
  useUi((s) =>
    [...new Set(s.warnings.filter((w) => w.path === path || w.path.startsWith(`${path}/`)).map((w) => w.kind))].join(
      ', ',
    ),
  );

/** A badge pinned on a block the health monitor warned about (listed in Problems too). */
function WarningBadge({ path, kinds }: { path: string; kinds: string }) {
  if (!kinds) return null;
  return (
    <span className="node-warn" data-testid={`warn-${path}`} data-kinds={kinds} title={`health warning: ${kinds}`}>
      ⚠ {kinds}
    </span>
  );
}

export const LayerNode = memo(function LayerNode({ data: d, selected }: N) {
  const flagged = useFlagged(d.path);
  const warned = useWarned(d.path);
  const cls = [
    'node',
    'node-layer',
    flagged ? 'flagged' : '',
    warned ? 'warned' : '',
    `cat-${(d.category ?? d.kind).toLowerCase()}`,
    selected ? 'selected' : '',
    d.errors.length ? 'has-error' : '',
    d.kind === 'identity' ? 'skipped' : '',
    d.collapsed ? 'collapsed' : '',
  ].join(' ');
  return (
    <div
      className={cls}
      data-testid={`node-${d.path}`}
      data-type={d.type}
      title={d.errors.map((e) => `${e.code}: ${e.message}`).join('\n') || undefined}
    >
      <InputHandles d={d} />
      <div className="node-head">
        <span className="node-type">{d.type}</span>
        <span className="node-id">{d.title}</span>
      </div>
      <div className="node-summary">{d.kind === 'identity' ? 'skipped (when = false)' : d.summary || '\u00a0'}</div>
      <div className="node-foot">
        <span className="node-out" data-testid={`out-${d.path}`}>
          → {d.out}
        </span>
        <span className="node-params">{d.params ? `${fmtCount(d.params)} params` : ''}</span>
      </div>
      <Badges d={d} />
      <WarningBadge path={d.path} kinds={warned} />
      {d.collapsed && (
        <button
          className="node-expand nodrag"
          title="Expand"
          onClick={() => run('setCollapsed', { paths: [d.path], collapsed: false })}
        >
          ＋
        </button>
      )}
      <Handle id="out" type="source" position={Position.Bottom} className="port" />
      <ShareHandles />
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data: d, selected }: N) {
  const flagged = useFlagged(d.path);
  const warned = useWarned(d.path);
  return (
    <div
      className={`node-group ${flagged ? 'flagged' : ''} ${warned ? 'warned' : ''} ${selected ? 'selected' : ''} ${d.errors.length ? 'has-error' : ''} kind-${d.kind}`}
      data-testid={`node-${d.path}`}
      data-type={d.type}
    >
      <Handle id="in" type="target" position={Position.Top} className="port" />
      <Handle id="enter" type="source" position={Position.Top} className="port port-inner" isConnectable={false} />
      <div className="group-head">
        <div className="group-title">
          <span className="group-kind">{d.kind === 'instance' ? '◆' : d.kind === 'graph' ? '⬡' : '☰'}</span>
          <span className="node-type">{d.type}</span>
          <span className="node-id">{d.title}</span>
          <WarningBadge path={d.path} kinds={warned} />
          <span className="spacer" />
          <button
            className="group-btn nodrag"
            title="Open (edit inside)"
            data-testid={`open-${d.path}`}
            onClick={() => useUi.getState().setOpen(d.path)}
          >
            ⤢
          </button>
          <button
            className="group-btn nodrag"
            title="Collapse"
            data-testid={`collapse-${d.path}`}
            onClick={() => run('setCollapsed', { paths: [d.path], collapsed: true })}
          >
            －
          </button>
        </div>
        <div className="group-meta" title={d.args}>
          → {d.out} · {fmtCount(d.params)} params{d.args ? ` · ${d.args}` : ''}
        </div>
      </div>
      <Badges d={d} />
      <Handle id="exit" type="target" position={Position.Bottom} className="port port-inner" isConnectable={false} />
      <Handle id="out" type="source" position={Position.Bottom} className="port" />
      <ShareHandles />
    </div>
  );
});

export const IoNode = memo(function IoNode({ data: d, id }: N) {
  return (
    <div className="node node-io" data-testid={`node-${id}`}>
      {id === '__output' && (
        <Handle id="in-0" type="target" position={Position.Top} className="port" isConnectable={false} />
      )}
      <span className="node-type">{d.title}</span>
      <span className="node-out">{d.out}</span>
      {id === '__input' && <Handle id="out" type="source" position={Position.Bottom} className="port" />}
    </div>
  );
});

export const NODE_TYPES = { layer: LayerNode, group: GroupNode, io: IoNode };
