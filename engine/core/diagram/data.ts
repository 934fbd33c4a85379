// What each box and arrow of the picture says: a block's kind, id, settings, output shape, parameters,
// errors (pinned to the input port they concern) and sharing. Plain data — the canvas renders it with
// React Flow, the diagram export as SVG; neither adds meaning of its own.
import type { NetError } from '../errors';
import { INPUT_ERRORS } from '../layers/types';
import type { BlockInfo, InferResult, XNode } from '../infer';
import type { Block, NetworkDoc } from '../ir/schema';
import { fmtShape, layerSummary } from './format';
import type { Point } from './tree';

// `extends Record<string, unknown>`: React Flow's node and edge data must be records; the types stay plain.
export interface NodeData extends Record<string, unknown> {
  path: string;
  title: string;
  type: string;
  summary: string;
  out: string;
  params: number;
  inputs: number;
  errors: NetError[];
  /** Port → message, for red input handles. */
  portErrors: Record<number, string>;
  shares?: string;
  sharedBy?: number;
  category?: string;
  kind: Block['kind'] | 'io' | 'identity';
  collapsed?: boolean;
  repeat?: number;
  args?: string;
}
export interface EdgeData extends Record<string, unknown> {
  label: string;
  error?: string;
  kind: 'flow' | 'share' | 'inner';
  /** For deleting a graph edge / inserting onto a Sequential edge. */
  container?: string;
  graphIndex?: number;
  seqIndex?: number;
  /** The chain wraps to the next column here. */
  wrap?: boolean;
  /** For a wrap: the x of the middle of the gap between the columns, where the edge climbs back up. */
  wrapX?: number;
}

/** A box: a layer (or a collapsed/repeated block), an open group drawn around its contents, or Input/Output. */
export interface SceneNode {
  id: string;
  type: 'layer' | 'group' | 'io';
  /** Relative to the parent group's corner when `parentId` is set. */
  position: Point;
  parentId?: string;
  width: number;
  height: number;
  data: NodeData;
}
/** An arrow between two boxes' handles (`out` → `in-N`; groups: `in`, `enter`, `exit`; sharing: `share-*`). */
export interface SceneEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  data: EdgeData;
}
export interface Scene {
  nodes: SceneNode[];
  edges: SceneEdge[];
}

export interface Ctx {
  doc: NetworkDoc;
  info: Map<string, BlockInfo>;
  layers: Map<string, Extract<XNode, { kind: 'layer' }>>;
  errors: Map<string, NetError[]>;
  collapsed: Record<string, boolean>;
  positions: Record<string, Point>;
  nodes: SceneNode[];
  edges: SceneEdge[];
  shareCount: Map<string, number>;
  groups: Set<string>;
  /** The shape entering the scene: the network's input, or the opened block's input. */
  inputShape: readonly number[] | null | undefined;
}

export const infoOf = (c: Ctx, path: string) => c.info.get(path) ?? c.info.get(`${path}.0`);
/** Errors about what reaches a layer's inputs: shown on an input port even when they name none. */
const PORT_CODES: ReadonlySet<string> = new Set(INPUT_ERRORS);

export function nodeData(c: Ctx, b: Block, path: string, inputs: number): NodeData {
  const inf = infoOf(c, path);
  const errors = c.errors.get(path) ?? [];
  const portErrors: Record<number, string> = {};
  for (const e of errors) {
    if (e.port === undefined && !PORT_CODES.has(e.code)) continue;
    const k = Math.min(e.port ?? 0, Math.max(0, inputs - 1));
    portErrors[k] = portErrors[k] ? `${portErrors[k]}\n${e.code}: ${e.message}` : `${e.code}: ${e.message}`;
  }
  const x = c.layers.get(path);
  const def = b.kind === 'instance' ? c.doc.definitions[b.def] : undefined;
  const args =
    b.kind === 'instance'
      ? (def?.args ?? [])
          .map((a) => [a.name, b.args?.[a.name] ?? a.default] as const)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ')
      : undefined;
  return {
    path,
    title: b.id,
    type:
      b.kind === 'layer'
        ? b.type
        : b.kind === 'instance'
          ? b.def
          : b.kind === 'apply'
            ? (inf?.type ?? 'Apply')
            : b.kind === 'sequential'
              ? 'Sequential'
              : 'Block',
    summary: x ? layerSummary(x) : (args ?? ''),
    out: fmtShape(inf?.outputShape),
    params: inf?.params ?? 0,
    inputs,
    errors,
    portErrors,
    shares: inf?.sharesWith,
    sharedBy: c.shareCount.get(path),
    category: b.kind === 'layer' ? x?.def.category : undefined,
    kind: inf?.kind === 'identity' ? 'identity' : b.kind,
    collapsed: c.collapsed[path],
    repeat: typeof b.repeat === 'number' ? b.repeat : undefined,
    args,
  };
}

export const ioData = (title: string, out: string): NodeData => ({
  path: '',
  title,
  type: title,
  summary: '',
  out,
  params: 0,
  inputs: 1,
  errors: [],
  portErrors: {},
  kind: 'io',
});

/** Dashed edges from the owner of parameters to each layer that shares or re-applies them. */
export function shareEdges(c: Ctx, inf: InferResult) {
  const shown = new Set(c.nodes.map((n) => n.id));
  const visible = (p: string): string | undefined => {
    for (let q = p; ; q = q.includes('/') ? q.slice(0, q.lastIndexOf('/')) : '') {
      if (shown.has(q)) return q;
      if (!q) return undefined;
    }
  };
  for (const b of inf.blocks) {
    if (!b.sharesWith) continue;
    const s = visible(b.sharesWith),
      t = visible(b.path);
    if (!s || !t || s === t) continue;
    const err = (c.errors.get(b.path) ?? []).find((e) => e.code.startsWith('E_SHARE') || e.code === 'E_APPLY_TARGET');
    c.edges.push({
      id: `share:${b.sharesWith}->${b.path}`,
      source: s,
      sourceHandle: 'share-out',
      target: t,
      targetHandle: 'share-in',
      data: {
        label: err ? err.code : b.kind === 'apply' ? 'applied again' : 'shares params',
        kind: 'share',
        error: err ? `${err.code}: ${err.message}` : undefined,
      },
    });
  }
}
