// The network's Block hierarchy as Python classes: one nn.Module per block definition (with its arguments, like
// Gluon's `Residual(num_channels, use_1x1conv, strides)`), one for the document's root, nested nn.Sequentials
// for Sequential blocks. Generated from the document as written (definitions once, `$arg` references as
// Python names, `when` and `repeat` as Python), not from the expanded tree, so model.py reads like the document.
// A layer applied twice is one module called twice; a layer sharing another's parameters holds that layer's
// Parameters (`share(self.tied, self.shared)`): one Parameter, trained once.
import {
  graphInputs,
  isLayerKind,
  layerDef,
  GRAPH_INPUT,
  type Block,
  type Definition,
  type InferResult,
} from '../../core';
import type { Unsupported } from '../walk';
import { PY_LAYERS, type PyParams } from './layers';
import { attrNames, className, indent, pyLiteral, pyName, pyValue } from './py';

const I = '    ';

/** A class to emit: the root, a definition, or a nested graph block / Sequential that calls a layer again. */
interface Unit {
  cls: string;
  body: Block;
  /** Definition arguments (Python name, default) taken by the constructor. */
  args: Definition['args'];
  argNames: Map<string, string>;
  doc?: string;
  /** Paths in the expanded tree where this class is instantiated (for shapes). */
  bases: string[];
}

interface Ref {
  code: string;
  /** Inside a `repeat` or a conditional (`when`: an argument): there is no single module to point at. */
  wrapped: boolean;
}

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);
const childrenOf = (b: Block): Block[] => (b.kind === 'sequential' ? b.children : b.kind === 'graph' ? b.nodes : []);
const isOff = (b: Block) => b.when === false;
const docstring = (text: string) => `"""${text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim()}"""`;

export class ClassWriter {
  readonly problems: Unsupported[] = [];
  private readonly emitted: string[] = [];
  private readonly names = new Set<string>(['Dense', 'Conv2D', 'Pool2D', 'BatchNorm', 'Concat', 'Add', 'Centered']);
  private readonly defClass = new Map<string, string>();
  private readonly info: Map<string, InferResult['blocks'][number]>;

  constructor(private readonly net: InferResult) {
    this.info = new Map(net.blocks.map((b) => [b.path, b]));
  }

  /** Every class, dependencies first, and the root class's name. */
  write(): { code: string; root: string } {
    const doc = this.net.doc!;
    const root = className(doc.name, this.names);
    this.names.add(root);
    const used = new Set(this.net.blocks.map((b) => b.type));
    for (const name of Object.keys(doc.definitions)) {
      if (!used.has(name)) continue; // a definition no block instantiates is not part of this network
      const cls = className(name, this.names);
      this.names.add(cls);
      this.defClass.set(name, cls);
    }
    for (const [name, def] of Object.entries(doc.definitions)) {
      const cls = this.defClass.get(name);
      if (!cls) continue;
      const bases = this.net.blocks.filter((b) => b.type === name && b.kind !== 'layer').map((b) => b.path);
      this.unit({ cls, body: def.body, args: def.args, argNames: argMap(def.args), doc: def.doc, bases }, name);
    }
    this.unit({ cls: root, body: doc.root, args: [], argNames: new Map(), doc: doc.description, bases: [''] }, '');
    return { code: this.emitted.join('\n\n\n'), root };
  }

  private problem(path: string, kind: string, reason: string) {
    this.problems.push({ path, kind, reason });
  }

  private unit(u: Unit, where: string): void {
    const body = u.body;
    if (body.kind !== 'sequential' && body.kind !== 'graph') {
      this.problem(
        where,
        body.kind,
        `a definition whose body is a single ${body.kind} has no PyTorch class; wrap it in a Sequential`,
      );
      return;
    }
    const refs = new Map<string, Ref>();
    collectRefs(body, '', 'self', false, refs);
    const init: string[] = [];
    const ties: string[] = [];
    const kids = childrenOf(body);
    const attrs = attrNames(kids.map((k) => k.id));
    for (const k of kids) {
      if (isOff(k) || k.kind === 'apply') continue;
      init.push(`self.${attrs.get(k.id)} = ${this.ctor(k, k.id, u, refs, ties)}`);
    }
    const forward =
      body.kind === 'sequential'
        ? this.seqForward(body.children, attrs, u, refs)
        : this.graphForward(body, attrs, u, refs);
    const sig = signature(u);
    const lines = [
      `class ${u.cls}(nn.Module):`,
      ...(u.doc ? [indent(docstring(u.doc), I), ''] : []),
      `${I}def __init__(self${sig}):`,
      `${I}${I}super().__init__()`,
      ...init.map((l) => indent(l, I + I)),
      ...(ties.length ? ['', ...ties.map((l) => indent(l, I + I))] : []),
      '',
      `${I}def forward(self, x):`,
      ...forward.map((l) => indent(l, I + I)),
    ];
    this.emitted.push(lines.join('\n'));
  }

  /** The constructor expression of a block inside a unit (`rel`: its path relative to the unit). */
  private ctor(b: Block, rel: string, u: Unit, refs: Map<string, Ref>, ties: string[]): string {
    let code: string;
    const copy = b.repeat !== undefined ? `${rel}.0` : rel;
    switch (b.kind) {
      case 'layer':
        code = this.layer(b, copy, u);
        if (b.share !== undefined) {
          const owner = this.resolve(b.share, rel, u, refs);
          const me = refs.get(rel);
          if (owner && me && !me.wrapped)
            ties.push(`share(${me.code}, ${owner})  # ${b.id} computes with ${b.share}'s parameters`);
          else if (owner)
            this.problem(
              join(u.bases[0], rel),
              b.kind,
              'a repeated or conditional layer cannot share parameters in the PyTorch export',
            );
        }
        break;
      case 'instance': {
        const cls = this.defClass.get(b.def);
        const args = Object.entries(b.args ?? {}).map(([k, v]) => `${pyName(k)}=${pyValue(v, u.argNames).code}`);
        code = `${cls ?? pyName(b.def)}(${args.join(', ')})`;
        break;
      }
      case 'graph':
      case 'sequential': {
        const kids = childrenOf(b);
        if (b.kind === 'graph' || kids.some((k) => k.kind === 'apply')) {
          // Its own forward: a nested class taking the enclosing class's arguments along.
          const cls = className(`${u.cls}${pyName(b.id).replace(/^[a-z]/, (c) => c.toUpperCase())}`, this.names);
          this.names.add(cls);
          this.unit(
            {
              ...u,
              cls,
              body: { ...b, when: undefined, repeat: undefined },
              doc: undefined,
              bases: u.bases.map((p) => join(p, copy)),
            },
            join(u.bases[0], rel),
          );
          code = `${cls}(${u.args.map((a) => u.argNames.get(a.name)).join(', ')})`;
          break;
        }
        const attrs = attrNames(kids.map((k) => k.id));
        const items = kids
          .filter((k) => !isOff(k))
          .map((k) => `${attrs.get(k.id)}=${this.ctor(k, join(copy, k.id), u, refs, ties)},`);
        code = items.length ? `nn.Sequential(OrderedDict(\n${indent(items.join('\n'), I)}\n))` : 'nn.Sequential()';
        break;
      }
      case 'apply':
        code = 'nn.Identity()'; // never reached: apply blocks are calls, emitted by the forward
    }
    if (b.when !== undefined && b.when !== true)
      code = `(${code} if ${pyValue(b.when, u.argNames).code} else nn.Identity())`;
    if (b.repeat !== undefined)
      code = `nn.Sequential(*(${code} for _ in range(${pyValue(b.repeat, u.argNames).code})))`;
    return code;
  }

  private layer(b: Extract<Block, { kind: 'layer' }>, rel: string, u: Unit): string {
    const def = layerDef(b.type);
    if (!def || !isLayerKind(b.type)) {
      this.problem(join(u.bases[0], rel), b.type, 'not a layer kind of the catalogue');
      return 'nn.Identity()';
    }
    const p: PyParams = {};
    for (const [k, d] of Object.entries(def.params)) p[k] = pyValue(b.params?.[k] ?? d.default, u.argNames);
    const ranks = new Set(
      u.bases.map((base) => this.info.get(join(base, rel))?.inputShapes[0]?.length).filter((r) => r !== undefined),
    );
    return PY_LAYERS[b.type].ctor(p, {
      rank: ranks.size === 1 ? [...ranks][0] : undefined,
      constant: b.constant ?? false,
    });
  }

  /** The module a `share`/`apply` reference names, as code inside the unit; a problem when it is elsewhere. */
  private resolve(ref: string, from: string, u: Unit, refs: Map<string, Ref>): string | null {
    let hit: Ref | undefined;
    if (ref.includes('/')) {
      for (const base of u.bases) {
        const rel = base === '' ? ref : ref.startsWith(`${base}/`) ? ref.slice(base.length + 1) : null;
        if (rel !== null && refs.has(rel)) hit = refs.get(rel);
      }
    } else {
      // Innermost enclosing container first, as the document resolves a bare id.
      const parts = from.split('/');
      for (let n = parts.length - 1; n >= 0 && !hit; n--) hit = refs.get([...parts.slice(0, n), ref].join('/'));
    }
    const where = join(u.bases[0], from);
    if (!hit) {
      this.problem(
        where,
        'reference',
        `"${ref}" lies outside the ${u.cls} class; PyTorch export keeps each class self-contained`,
      );
      return null;
    }
    if (hit.wrapped) {
      this.problem(where, 'reference', `"${ref}" is repeated or conditional: there is no single module to use`);
      return null;
    }
    return hit.code;
  }

  private seqForward(children: Block[], attrs: Map<string, string>, u: Unit, refs: Map<string, Ref>): string[] {
    const out: string[] = [];
    for (const k of children) {
      if (isOff(k)) continue;
      if (k.kind === 'apply') {
        const target = this.resolve(k.target, k.id, u, refs);
        out.push(`x = ${target ?? 'x'}(x)  # ${k.id}: ${k.target} again, the same module called a second time`);
      } else out.push(`x = self.${attrs.get(k.id)}(x)`);
    }
    return [...out, 'return x'];
  }

  private graphForward(
    g: Extract<Block, { kind: 'graph' }>,
    attrs: Map<string, string>,
    u: Unit,
    refs: Map<string, Ref>,
  ): string[] {
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    // The document's own port rules (explicit ports first, then in the order written).
    const into = graphInputs(
      { path: '', nodes: g.nodes, edges: g.edges } as unknown as Parameters<typeof graphInputs>[0],
      {
        errors: [],
      },
    );
    const lines: string[] = [];
    const vars = new Map<string, string>([[GRAPH_INPUT, 'x']]);
    const value = (id: string): string => {
      const known = vars.get(id);
      if (known) return known;
      const n = byId.get(id)!;
      const ins = (into.get(id) ?? []).map(value);
      if (isOff(n)) {
        vars.set(id, ins[0]);
        return ins[0];
      }
      const attr = attrs.get(id)!;
      const v = attr === 'x' || attr === 'self' ? `${attr}_` : attr;
      const fn = n.kind === 'apply' ? (this.resolve(n.target, id, u, refs) ?? 'None') : `self.${attr}`;
      lines.push(`${v} = ${fn}(${ins.join(', ')})${n.kind === 'apply' ? `  # ${id}: ${n.target} again` : ''}`);
      vars.set(id, v);
      return v;
    };
    const out = value(g.output);
    // `return relu` reads better as the last call itself.
    const last = lines.at(-1);
    if (last && last.startsWith(`${out} = `) && !last.includes('#'))
      lines[lines.length - 1] = `return ${last.slice(out.length + 3)}`;
    else lines.push(`return ${out}`);
    return lines;
  }
}

/** Definition arguments → Python parameter names. */
function argMap(args: Definition['args']): Map<string, string> {
  return new Map(args.map((a) => [a.name, pyName(a.name)]));
}

/** `, num_channels, use_1x1conv=False, strides=1`: required arguments first (calls pass them by name). */
function signature(u: Unit): string {
  const req = u.args.filter((a) => a.default === undefined).map((a) => u.argNames.get(a.name)!);
  const opt = u.args
    .filter((a) => a.default !== undefined)
    .map((a) => `${u.argNames.get(a.name)}=${pyLiteral(a.default)}`);
  return [...req, ...opt].map((s) => `, ${s}`).join('');
}

/** Every block a unit's code can name (not inside nested classes or instances), by path relative to the unit. */
function collectRefs(b: Block, rel: string, code: string, wrapped: boolean, out: Map<string, Ref>): void {
  const kids = childrenOf(b);
  const attrs = attrNames(kids.map((k) => k.id));
  for (const k of kids) {
    const r = join(rel, k.id);
    const c = `${code}.${attrs.get(k.id)}`;
    const w = wrapped || k.repeat !== undefined || (k.when !== undefined && typeof k.when !== 'boolean');
    if (k.kind === 'apply' || isOff(k)) continue;
    out.set(r, { code: c, wrapped: w });
    const ownClass = k.kind === 'graph' || (k.kind === 'sequential' && k.children.some((x) => x.kind === 'apply'));
    if (k.kind === 'sequential' && !ownClass) collectRefs(k, r, c, w, out);
  }
}
