// Walks a network the way the runtime runs it (engine/runtime/model.ts) and hands each layer application to an
// exporter: sequential chains, graph blocks in dependency order, `apply` (the same layer again) and `share`
// (another layer's parameters) resolved to the layer that owns the parameters. Exporters only map layers.
import { graphInputs, GRAPH_INPUT, type InferResult, type LayerKind, type ParamInfo, type XNode } from '../core';

export type XLayer = Extract<XNode, { kind: 'layer' }>;

/** One application of a layer: what an exporter turns into nodes. */
export interface LayerUse {
  /** The layer whose kind and settings apply (for `apply`, the target layer). */
  layer: XLayer;
  kind: LayerKind;
  /** Where in the tree this application sits (the `apply` block's path for a second use). */
  path: string;
  /** Path of the layer that owns the parameters (itself unless it shares another's). */
  owner: string;
  /** Gluon parameter name of each of the owner's parameters: `weight` → `sequential0_dense0_weight`. */
  params: Record<string, ParamInfo>;
  /** Number of applications of this owner's parameters in the whole network (> 1: shared or reused). */
  uses: number;
  /** Per-sample input shapes (Gluon, channels first) and output shape. */
  inShapes: number[][];
  outShape: number[];
}

/** Runs `emit` for every layer application in execution order; returns the network's output handle. */
export function walk<T>(net: InferResult, input: T, emit: (use: LayerUse, ins: T[]) => T): T {
  if (!net.tree || net.errors.length) throw new Error('the network has errors; fix them before exporting');
  const info = new Map(net.blocks.map((b) => [b.path, b]));
  const layers = new Map<string, XLayer>();
  const visit = (n: XNode) => {
    if (n.kind === 'layer') layers.set(n.path, n);
    if (n.kind === 'sequential') n.children.forEach(visit);
    if (n.kind === 'graph') n.nodes.forEach(visit);
  };
  visit(net.tree);
  const ownerOf = (path: string) => info.get(path)?.sharesWith ?? path;
  const uses = new Map<string, number>();
  for (const b of net.blocks) {
    if (b.kind !== 'layer' && b.kind !== 'apply') continue;
    const target = b.kind === 'apply' ? b.sharesWith! : b.path;
    const owner = ownerOf(target);
    uses.set(owner, (uses.get(owner) ?? 0) + 1);
  }
  const params = new Map<string, Record<string, ParamInfo>>();
  for (const p of net.parameters) {
    const m = params.get(p.owner) ?? {};
    m[p.param] = p;
    params.set(p.owner, m);
  }

  const apply = (layer: XLayer, path: string, ins: T[]): T => {
    const b = info.get(path)!;
    const owner = ownerOf(layer.path);
    return emit(
      {
        layer,
        kind: layer.type as LayerKind,
        path,
        owner,
        params: params.get(owner) ?? {},
        uses: uses.get(owner) ?? 1,
        inShapes: b.inputShapes.map((s) => s ?? []),
        outShape: b.outputShape ?? [],
      },
      ins,
    );
  };

  const run = (n: XNode, ins: T[]): T => {
    switch (n.kind) {
      case 'identity':
        return ins[0];
      case 'layer':
        return apply(n, n.path, ins);
      case 'apply':
        return apply(layers.get(info.get(n.path)!.sharesWith!)!, n.path, ins);
      case 'sequential':
        return n.children.reduce((x, c) => run(c, [x]), ins[0]);
      case 'graph': {
        const into = graphInputs(n, { errors: [] });
        const byId = new Map(n.nodes.map((c) => [c.id, c]));
        const memo = new Map<string, T>([[GRAPH_INPUT, ins[0]]]);
        const value = (id: string): T => {
          if (!memo.has(id)) memo.set(id, run(byId.get(id)!, into.get(id)!.map(value)));
          return memo.get(id)!;
        };
        return value(n.output);
      }
    }
  };
  return run(net.tree, [input]);
}

/** A block a format cannot express, named by path: reported before anything is written. */
export interface Unsupported {
  path: string;
  kind: string;
  reason: string;
}

export class ExportError extends Error {
  constructor(
    readonly code: 'E_EXPORT_UNSUPPORTED' | 'E_EXPORT_INPUT' | 'E_EXPORT_WRITE',
    message: string,
    readonly problems: Unsupported[] = [],
  ) {
    super(message);
  }
}

/** One line naming the first block a format cannot express (and how many more there are). */
export function unsupportedMessage(format: string, problems: Unsupported[]): string {
  const p = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${format} cannot express ${p.kind} at ${p.path || '(root)'}: ${p.reason}${more}`;
}
