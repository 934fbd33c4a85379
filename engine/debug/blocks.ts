// Which blocks and parameters a path means, from engine/core's inference: the watched block's own output
// shape, the parameters it uses (a shared or re-applied layer uses its owner's), and which blocks are ReLUs.
import type { BlockInfo, InferResult, ParamInfo, XNode } from '../core';

export class UnknownBlockError extends Error {
  readonly code = 'E_UNKNOWN_BLOCK';
  constructor(readonly path: string) {
    super(`the network has no block "${path}"`);
  }
}

export function blockAt(net: InferResult, path: string): BlockInfo {
  const b = net.blocks.find((x) => x.path === path);
  if (!b) throw new UnknownBlockError(path);
  return b;
}

/**
 * The parameters a block uses: a layer's own, an `apply`'s or sharer's owner's, a container's children's.
 * Example: FancyMLP's `again` (dense applied twice) → dense's weight and bias.
 */
export function paramsOfBlock(net: InferResult, path: string): ParamInfo[] {
  const b = blockAt(net, path);
  const owner = b.sharesWith ?? path;
  const inside = (p: string) => p === owner || p.startsWith(`${owner}/`);
  return net.parameters.filter((p) => inside(p.owner) || p.usedBy.includes(path));
}

type XLayer = Extract<XNode, { kind: 'layer' }>;

/** Paths of blocks whose output goes through a ReLU (Activation relu, or a layer with activation relu). */
export function reluBlocks(net: InferResult): string[] {
  const layers = new Map<string, XLayer>();
  const visit = (n: XNode) => {
    if (n.kind === 'layer') layers.set(n.path, n);
    if (n.kind === 'sequential') n.children.forEach(visit);
    if (n.kind === 'graph') n.nodes.forEach(visit);
  };
  if (net.tree) visit(net.tree);
  const isRelu = (l: XLayer | undefined) => (l?.params as { activation?: unknown } | undefined)?.activation === 'relu';
  return net.blocks
    .filter((b) => (b.kind === 'layer' || b.kind === 'apply') && isRelu(layers.get(b.sharesWith ?? b.path)))
    .map((b) => b.path);
}
