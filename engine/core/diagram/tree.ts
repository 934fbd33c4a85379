// Walking the document the way the canvas shows it: a container's blocks, an instance's contents (its
// definition's body, so every instance shows the one definition), a block by its path, and the editor's
// view state (collapsed groups, hand-placed positions) read defensively: it comes from files too.
import type { InferResult } from '../infer';
import type { Block, NetworkDoc } from '../ir/schema';

export const joinPath = (parent: string, id: string) => (parent ? `${parent}/${id}` : id);

/** The blocks a container holds (none for a layer or an instance). */
export function listOf(block: Block): Block[] {
  return block.kind === 'sequential' ? block.children : block.kind === 'graph' ? block.nodes : [];
}

/** What a block shows inside: an instance's definition body (itself when the definition is missing). */
export function contentsOf(doc: NetworkDoc, b: Block): Block {
  return b.kind === 'instance' ? (doc.definitions[b.def]?.body ?? b) : b;
}

/** The block at a path (`b3/r1`, '' = the root), through instances; undefined when there is none. */
export function blockAtPath(doc: NetworkDoc, path: string): Block | undefined {
  let b: Block | undefined = doc.root;
  if (!path) return b;
  for (const seg of path.split('/')) {
    b = b && listOf(contentsOf(doc, b)).find((c) => c.id === seg);
    if (!b) return undefined;
  }
  return b;
}

export type Point = { x: number; y: number };

/** The editor's view state that changes the picture. */
export interface SceneView {
  collapsed?: Record<string, boolean>;
  positions?: Record<string, Point>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A document's view state (`doc.view`, opaque to the schema), keeping only well-formed entries. */
export function sceneView(doc: NetworkDoc): SceneView {
  const v = isRecord(doc.view) ? doc.view : {};
  const collapsed: Record<string, boolean> = {};
  const positions: Record<string, Point> = {};
  if (isRecord(v.collapsed))
    for (const [k, c] of Object.entries(v.collapsed)) if (typeof c === 'boolean') collapsed[k] = c;
  if (isRecord(v.positions))
    for (const [k, p] of Object.entries(v.positions))
      if (isRecord(p) && Number.isFinite(p.x) && Number.isFinite(p.y))
        positions[k] = { x: p.x as number, y: p.y as number };
  return { collapsed, positions };
}

/**
 * How a big network first appears (over 40 layers): every instance but the first of each definition collapsed,
 * readable at a glance. The editor opens templates so; the diagram export draws templates so.
 */
export function glanceView(doc: NetworkDoc, inf: Pick<InferResult, 'blocks'>): NetworkDoc {
  if (inf.blocks.filter((b) => b.kind === 'layer').length <= 40) return doc;
  const seen = new Set<string>();
  const collapsed: Record<string, boolean> = {};
  const walk = (b: Block, path: string) => {
    if (b.kind === 'instance') {
      if (seen.has(b.def)) {
        collapsed[path] = true;
        return;
      }
      seen.add(b.def);
    }
    if (b.kind === 'sequential' || b.kind === 'graph') listOf(b).forEach((c) => walk(c, joinPath(path, c.id)));
  };
  walk(doc.root, '');
  return { ...doc, view: { ...doc.view, collapsed } };
}
