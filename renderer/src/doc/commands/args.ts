// A definition's typed arguments: add, edit (rename / type / default), remove. A rename or removal
// reaches every reference: `{ $arg }` values inside the body (params, `when`, `repeat`, nested instances'
// arguments) and the argument values of every instance in the document.
import type { Block, Definition, Literal, NetworkDoc, Value } from '../../../../engine/core';
import type { Op } from '../patch';
import { listOf } from '../locate';
import { command } from './types';

export type ArgDecl = Definition['args'][number];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Deep-maps `{ $arg: name }` references (`to` returns the replacement, or undefined to drop the key). */
function mapRefs(v: unknown, to: (ref: { $arg: string; index?: number }) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => mapRefs(x, to));
  if (v && typeof v === 'object') {
    const r = v as { $arg?: unknown; index?: number };
    if (typeof r.$arg === 'string') return to(r as { $arg: string; index?: number });
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = mapRefs(x, to);
      if (y !== undefined) out[k] = y;
    }
    return out;
  }
  return v;
}

/** Rewrites the `args` of every instance of `def` in a block tree; returns the same object when nothing changed. */
function mapInstances(b: Block, def: string, fix: (args: Record<string, Value>) => Record<string, Value>): Block {
  if (b.kind === 'instance' && b.def === def && b.args) {
    const args = fix(b.args);
    return Object.keys(args).length ? { ...b, args } : ((({ args: _drop, ...rest }) => rest)(b) as Block);
  }
  const list = listOf(b);
  if (!list.length) return b;
  const next = list.map((c) => mapInstances(c, def, fix));
  if (next.every((c, i) => c === list[i])) return b;
  return { ...b, [b.kind === 'sequential' ? 'children' : 'nodes']: next } as Block;
}

/** Ops that rewrite instances of `def` everywhere (root and every definition's body). */
function instanceOps(
  doc: NetworkDoc,
  def: string,
  fix: (args: Record<string, Value>) => Record<string, Value>,
  skip?: string,
): Op[] {
  const ops: Op[] = [];
  const root = mapInstances(doc.root, def, fix);
  if (root !== doc.root) ops.push({ path: ['root'], value: root });
  for (const [n, d] of Object.entries(doc.definitions)) {
    if (n === skip) continue;
    const body = mapInstances(d.body, def, fix);
    if (body !== d.body) ops.push({ path: ['definitions', n, 'body'], value: body });
  }
  return ops;
}

/** Whether `v` fits an argument type (what inference reports as E_ARG_TYPE otherwise). */
export function argTypeProblem(type: ArgDecl['type'], v: Literal | undefined): string | null {
  if (v === undefined || v === null) return null;
  const ok =
    type === 'int'
      ? Number.isInteger(v)
      : type === 'float'
        ? typeof v === 'number' && Number.isFinite(v)
        : type === 'bool'
          ? typeof v === 'boolean'
          : type === 'string'
            ? typeof v === 'string'
            : Array.isArray(v) && v.every((x) => Number.isInteger(x));
  return ok ? null : `E_ARG_TYPE: must be ${type}, got ${JSON.stringify(v)}`;
}

export const addDefArg = command<{ def: string; arg: ArgDecl }>({
  name: 'add argument',
  can: (doc, a) => {
    const d = doc.definitions[a.def];
    if (!d) return `no block ${a.def}`;
    if (!NAME.test(a.arg.name)) return 'an argument name is letters, digits and _';
    if (d.args.some((x) => x.name === a.arg.name)) return `${a.def} already has "${a.arg.name}"`;
    return argTypeProblem(a.arg.type, a.arg.default);
  },
  perform: (doc, a) => [{ path: ['definitions', a.def, 'args'], value: [...doc.definitions[a.def].args, a.arg] }],
});

/** Replaces one argument's declaration; a new name follows into the body and every instance. */
export const editDefArg = command<{ def: string; name: string; next: ArgDecl }>({
  name: 'edit argument',
  can: (doc, a) => {
    const d = doc.definitions[a.def];
    if (!d || !d.args.some((x) => x.name === a.name)) return `${a.def} has no argument "${a.name}"`;
    if (!NAME.test(a.next.name)) return 'an argument name is letters, digits and _';
    if (a.next.name !== a.name && d.args.some((x) => x.name === a.next.name))
      return `${a.def} already has "${a.next.name}"`;
    return argTypeProblem(a.next.type, a.next.default);
  },
  perform: (doc, a) => {
    const d = doc.definitions[a.def];
    const decl = Object.fromEntries(Object.entries(a.next).filter(([, v]) => v !== undefined)) as ArgDecl;
    const ops: Op[] = [
      { path: ['definitions', a.def, 'args'], value: d.args.map((x) => (x.name === a.name ? decl : x)) },
    ];
    if (a.next.name === a.name) return ops;
    const to = a.next.name;
    ops.push({
      path: ['definitions', a.def, 'body'],
      value: mapRefs(d.body, (r) => (r.$arg === a.name ? { ...r, $arg: to } : r)),
    });
    // A recursive use of the definition inside its own body is rewritten with the body above.
    const fix = (args: Record<string, Value>) =>
      Object.fromEntries(Object.entries(args).map(([k, v]) => [k === a.name ? to : k, v]));
    return [...ops, ...instanceOps(doc, a.def, fix, a.def)];
  },
});

/** Removes an argument: references to it take its default (or the layer's own default), instances drop it. */
export const removeDefArg = command<{ def: string; name: string }>({
  name: 'remove argument',
  can: (doc, a) =>
    doc.definitions[a.def]?.args.some((x) => x.name === a.name) ? null : `${a.def} has no argument "${a.name}"`,
  perform: (doc, a) => {
    const d = doc.definitions[a.def];
    const dflt = d.args.find((x) => x.name === a.name)!.default;
    const body = mapRefs(d.body, (r) =>
      r.$arg !== a.name ? r : r.index !== undefined && Array.isArray(dflt) ? dflt[r.index] : dflt,
    );
    const fix = (args: Record<string, Value>) => Object.fromEntries(Object.entries(args).filter(([k]) => k !== a.name));
    return [
      { path: ['definitions', a.def, 'args'], value: d.args.filter((x) => x.name !== a.name) },
      { path: ['definitions', a.def, 'body'], value: body },
      ...instanceOps(doc, a.def, fix, a.def),
    ];
  },
});
