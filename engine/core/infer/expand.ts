// Expansion: turns a document's Block tree into a concrete tree — definitions instantiated with their
// arguments, `when`/`repeat` applied, layer parameters checked and defaulted, Gluon-style names assigned.
import { netError, type NetError } from '../errors';
import { layerDef, type LayerDef, type ParamValues } from '../layers';
import type { Block, Definition, Init, Literal, NetworkDoc, Value } from '../ir/schema';
import { checkParams } from './params';

export type XNode =
  | {
      kind: 'layer';
      path: string;
      id: string;
      prefix: string;
      type: string;
      def: LayerDef;
      params: ParamValues;
      share?: string;
      constant: boolean;
      trainable: boolean;
      init: Record<string, Init>;
    }
  | {
      kind: 'sequential';
      path: string;
      id: string;
      prefix: string;
      type: string;
      trainable: boolean;
      children: XNode[];
    }
  | {
      kind: 'graph';
      path: string;
      id: string;
      prefix: string;
      type: string;
      trainable: boolean;
      nodes: XNode[];
      edges: { from: string; to: string; port?: number }[];
      output: string;
    }
  | { kind: 'apply'; path: string; id: string; prefix: string; type: string; target: string }
  | { kind: 'identity'; path: string; id: string; prefix: string; type: string };

type Args = Record<string, Literal>;

/**
 * The most blocks a document may expand to (after `repeat` and definitions). Inference runs on every edit,
 * so `repeat: 1e8` must be refused before anything is allocated; the largest template (DenseNet, expanded)
 * has under 400 blocks, so 100,000 refuses only what could never train.
 */
export const MAX_BLOCKS = 100_000;

interface Ctx {
  doc: NetworkDoc;
  errors: NetError[];
  /** Definitions being expanded, to catch recursion. */
  stack: string[];
  /** Blocks expanded so far; once over MAX_BLOCKS (`full`), expansion stops with one E_TOO_LARGE. */
  count: number;
  full: boolean;
}

/** Reports E_TOO_LARGE once, at the block that crossed the limit. */
function tooLarge(ctx: Ctx, path: string, what: string) {
  ctx.full = true;
  ctx.errors.push(
    netError('E_TOO_LARGE', path, `${what}; at most ${MAX_BLOCKS.toLocaleString('en-US')} blocks after expansion`),
  );
}

const join = (parent: string, id: string) => (parent ? `${parent}/${id}` : id);

/** Resolves a value that may reference a definition argument. */
function resolve(v: Value | undefined, args: Args, ctx: Ctx, path: string): Literal | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  if (!(v.$arg in args)) {
    ctx.errors.push(netError('E_MISSING_ARG', path, `"${v.$arg}" is not an argument of the enclosing definition`));
    return undefined;
  }
  const a = args[v.$arg];
  if (v.index === undefined) return a;
  if (!Array.isArray(a) || v.index >= a.length) {
    ctx.errors.push(netError('E_ARG_TYPE', path, `argument "${v.$arg}" has no element ${v.index}`));
    return undefined;
  }
  return a[v.index];
}

/** Gluon's per-scope counters: the k-th `dense` child of a block gets prefix `<parent>dense<k>_`. */
class Namer {
  private counts = new Map<string, number>();
  next(alias: string): string {
    const k = this.counts.get(alias) ?? 0;
    this.counts.set(alias, k + 1);
    return `${alias}${k}_`;
  }
}

function checkArgs(
  def: Definition,
  name: string,
  raw: Record<string, Value>,
  outer: Args,
  ctx: Ctx,
  path: string,
): Args | null {
  const args: Args = {};
  let ok = true;
  for (const key of Object.keys(raw)) {
    if (!def.args.some((a) => a.name === key)) {
      ctx.errors.push(netError('E_UNKNOWN_ARG', path, `${name} has no argument "${key}"`));
      ok = false;
    }
  }
  for (const a of def.args) {
    const v = key(raw, a.name) ? resolve(raw[a.name], outer, ctx, path) : a.default;
    if (v === undefined) {
      ctx.errors.push(netError('E_MISSING_ARG', path, `${name} needs "${a.name}" (${a.type})`));
      ok = false;
      continue;
    }
    const good =
      a.type === 'int'
        ? Number.isInteger(v)
        : a.type === 'float'
          ? typeof v === 'number'
          : a.type === 'bool'
            ? typeof v === 'boolean'
            : a.type === 'string'
              ? typeof v === 'string'
              : Array.isArray(v) && v.every(Number.isInteger);
    const inRange =
      typeof v !== 'number' || ((a.min === undefined || v >= a.min) && (a.max === undefined || v <= a.max));
    if (!good || !inRange) {
      ctx.errors.push(
        netError(
          'E_ARG_TYPE',
          path,
          `${name}.${a.name} must be ${a.type}${a.min !== undefined ? ` ≥ ${a.min}` : ''}${a.max !== undefined ? ` ≤ ${a.max}` : ''}, got ${JSON.stringify(v)}`,
        ),
      );
      ok = false;
      continue;
    }
    args[a.name] = v;
  }
  return ok ? args : null;
}

const key = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Expands one block (and its `repeat`) into zero or more concrete nodes. */
function expandList(
  b: Block,
  parentPath: string | undefined,
  parentPrefix: string,
  namer: Namer,
  args: Args,
  inherited: boolean,
  ctx: Ctx,
): XNode[] {
  const here = join(parentPath ?? '', b.id);
  const n = b.repeat === undefined ? 1 : resolve(b.repeat, args, ctx, here);
  if (!Number.isInteger(n) || (n as number) < 0) {
    ctx.errors.push(netError('E_REPEAT', here, `got ${JSON.stringify(n)}`));
    return [];
  }
  if (b.repeat === undefined) return [expandOne(b, b.id, parentPath, parentPrefix, namer, args, inherited, ctx)];
  // Each copy is at least one block: refuse before allocating the copies.
  if (ctx.count + (n as number) > MAX_BLOCKS) {
    if (!ctx.full) tooLarge(ctx, here, `repeat ${(n as number).toLocaleString('en-US')}`);
    return [];
  }
  return Array.from({ length: n as number }, (_, k) =>
    expandOne(b, `${b.id}.${k}`, parentPath, parentPrefix, namer, args, inherited, ctx),
  );
}

function expandOne(
  b: Block,
  id: string,
  parentPath: string | undefined,
  parentPrefix: string,
  namer: Namer,
  args: Args,
  inherited: boolean,
  ctx: Ctx,
): XNode {
  // The root's path is '' so that paths read as the route from the root: `stage2/res0/conv1`.
  const path = parentPath === undefined ? '' : join(parentPath, id);
  if (ctx.full || ++ctx.count > MAX_BLOCKS) {
    if (!ctx.full) tooLarge(ctx, path, 'definitions and repeats multiply past the limit here');
    return { kind: 'identity', path, id, prefix: '', type: 'Identity' };
  }
  if (b.when !== undefined && resolve(b.when, args, ctx, path) === false)
    return { kind: 'identity', path, id, prefix: '', type: 'Identity' };
  const trainable = inherited && b.trainable !== false;
  switch (b.kind) {
    case 'layer': {
      const def = layerDef(b.type);
      if (!def) {
        ctx.errors.push(netError('E_UNKNOWN_LAYER', path, `"${b.type}"`));
        return { kind: 'identity', path, id, prefix: '', type: b.type };
      }
      const resolved: Record<string, Literal> = {};
      for (const [k, v] of Object.entries(b.params ?? {})) {
        const r = resolve(v, args, ctx, path);
        if (r !== undefined) resolved[k] = r;
      }
      const prefix = b.name !== undefined ? parentPrefix + b.name : parentPrefix + namer.next(def.alias);
      const params = checkParams(def, resolved, path, ctx.errors);
      return {
        kind: 'layer',
        path,
        id,
        prefix,
        type: def.type,
        def,
        params,
        share: b.share,
        constant: b.constant ?? false,
        trainable,
        init: b.init ?? {},
      };
    }
    case 'sequential': {
      const prefix = b.name !== undefined ? parentPrefix + b.name : parentPrefix + namer.next('sequential');
      const inner = new Namer();
      const children = uniqueIds(b.children, path, ctx).flatMap((c) =>
        expandList(c, path, prefix, inner, args, trainable, ctx),
      );
      return { kind: 'sequential', path, id, prefix, type: 'Sequential', trainable, children };
    }
    case 'graph': {
      const prefix = b.name !== undefined ? parentPrefix + b.name : parentPrefix + namer.next('block');
      const inner = new Namer();
      const nodes = uniqueIds(b.nodes, path, ctx).flatMap((c) =>
        expandList(c, path, prefix, inner, args, trainable, ctx),
      );
      return { kind: 'graph', path, id, prefix, type: 'Block', trainable, nodes, edges: b.edges, output: b.output };
    }
    case 'apply':
      return { kind: 'apply', path, id, prefix: '', type: 'Apply', target: b.target };
    case 'instance': {
      const def = ctx.doc.definitions[b.def];
      if (!def) {
        ctx.errors.push(netError('E_UNKNOWN_DEFINITION', path, `"${b.def}"`));
        return { kind: 'identity', path, id, prefix: '', type: b.def };
      }
      if (ctx.stack.includes(b.def)) {
        ctx.errors.push(netError('E_RECURSIVE_DEFINITION', path, [...ctx.stack, b.def].join(' → ')));
        return { kind: 'identity', path, id, prefix: '', type: b.def };
      }
      const inst = checkArgs(def, b.def, b.args ?? {}, args, ctx, path);
      if (!inst) return { kind: 'identity', path, id, prefix: '', type: b.def };
      // The instance *is* its body's root block: same path, the definition's name as type and name prefix.
      const name = b.name ?? namer.next(b.def.toLowerCase());
      const body: Block = { ...def.body, id: b.id, name, trainable: b.trainable, when: undefined, repeat: undefined };
      ctx.stack.push(b.def);
      const x = expandOne(body, id, parentPath, parentPrefix, new Namer(), inst, inherited, ctx);
      ctx.stack.pop();
      return { ...x, type: b.def } as XNode;
    }
  }
}

/** Reports repeated ids and drops the later blocks: two blocks on one path would be taken for one layer
 *  (a bogus E_SHARE_SHAPE) and could not be told apart by edges, `share` or the UI. */
function uniqueIds(blocks: Block[], path: string, ctx: Ctx): Block[] {
  const seen = new Set<string>();
  return blocks.filter((b) => {
    if (!seen.has(b.id)) {
      seen.add(b.id);
      return true;
    }
    ctx.errors.push(netError('E_DUPLICATE_ID', join(path, b.id), `"${b.id}" appears twice in ${path || 'the root'}`));
    return false;
  });
}

/** Expands the document's root. Errors are appended to `errors`; the tree is always returned. */
export function expand(doc: NetworkDoc, errors: NetError[]): XNode {
  const ctx: Ctx = { doc, errors, stack: [], count: 0, full: false };
  return expandOne(doc.root, doc.root.id, undefined, '', new Namer(), {}, true, ctx);
}
