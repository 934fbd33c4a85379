// Block paths (ids joined by '/', '' = root — the same paths inference reports) ↔ JSON paths in the
// document. Inside an instance, a path continues into its definition's body: editing there edits the
// definition, so every instance follows.
import type { Block, NetworkDoc } from '../../../engine/core';
import { getAt, type JsonPath } from './patch';

export const joinPath = (parent: string, id: string) => (parent ? `${parent}/${id}` : id);
export const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
export const idOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The JSON path of the block whose *contents* are shown at `jp` (an instance resolves to its definition's body). */
export function contentsPath(doc: NetworkDoc, jp: JsonPath): JsonPath | null {
  const b = getAt(doc, jp) as Block | undefined;
  if (!b) return null;
  if (b.kind === 'instance') return doc.definitions[b.def] ? ['definitions', b.def, 'body'] : null;
  return jp;
}

/** The key under which a container keeps its blocks. */
export const listKey = (b: Block): 'children' | 'nodes' | null =>
  b.kind === 'sequential' ? 'children' : b.kind === 'graph' ? 'nodes' : null;

/** JSON path of the block at `path`, or null. */
export function jsonPathOf(doc: NetworkDoc, path: string): JsonPath | null {
  let jp: JsonPath = ['root'];
  if (!path) return jp;
  for (const seg of path.split('/')) {
    const inner = contentsPath(doc, jp);
    if (!inner) return null;
    const b = getAt(doc, inner) as Block;
    const key = listKey(b);
    if (!key) return null;
    const list = (b as { children?: Block[]; nodes?: Block[] })[key]!;
    const i = list.findIndex((c) => c.id === seg);
    if (i < 0) return null;
    jp = [...inner, key, i];
  }
  return jp;
}

export function blockAt(doc: NetworkDoc, path: string): Block | undefined {
  const jp = jsonPathOf(doc, path);
  return jp ? (getAt(doc, jp) as Block) : undefined;
}

/** The container (sequential or graph) whose list holds the blocks at `path`'s level, resolved through instances. */
export function containerOf(
  doc: NetworkDoc,
  path: string,
): { jp: JsonPath; block: Block; key: 'children' | 'nodes' } | null {
  const jp0 = jsonPathOf(doc, path);
  if (!jp0) return null;
  const jp = contentsPath(doc, jp0);
  if (!jp) return null;
  const block = getAt(doc, jp) as Block;
  const key = listKey(block);
  return key ? { jp, block, key } : null;
}

export function listOf(block: Block): Block[] {
  const key = listKey(block);
  return key ? (block as unknown as Record<string, Block[]>)[key] : [];
}

/** An id not yet used in `taken`, from a base like `dense` → `dense1`, `dense2`, … */
export function freshId(base: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  const stem = base.replace(/[^A-Za-z0-9_-]/g, '').replace(/^[^A-Za-z_]+/, '') || 'block';
  if (!set.has(stem) && /\d$/.test(stem)) return stem;
  for (let i = 1; ; i++) if (!set.has(`${stem}${i}`)) return `${stem}${i}`;
}
