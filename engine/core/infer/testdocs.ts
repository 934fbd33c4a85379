// Builders for documents in tests only (not exported by engine/core): each malformed case stays one readable line.
import type { NetworkDocInput } from '../ir/schema';

type Obj = Record<string, unknown>;

export const layer = (id: string, type: string, params: Obj = {}, extra: Obj = {}): Obj => ({
  kind: 'layer',
  id,
  type,
  params,
  ...extra,
});
export const seq = (id: string, ...children: Obj[]): Obj => ({ kind: 'sequential', id, children });
export const graph = (
  id: string,
  nodes: Obj[],
  edges: { from: string; to: string; port?: number }[],
  output: string,
): Obj => ({ kind: 'graph', id, nodes, edges, output });
export const instance = (id: string, def: string, args?: Obj, extra: Obj = {}): Obj => ({
  kind: 'instance',
  id,
  def,
  ...(args ? { args } : {}),
  ...extra,
});
export const edges = (...ids: string[]) => ids.slice(1).map((to, i) => ({ from: ids[i], to }));

/** A document around `root`; the input defaults to one Fashion-MNIST image. */
export function doc(root: Obj, extra: Obj = {}): NetworkDocInput {
  return {
    format: 'netloom/network',
    version: 1,
    name: 'test',
    input: { shape: [1, 28, 28] },
    root,
    ...extra,
  } as NetworkDocInput;
}
