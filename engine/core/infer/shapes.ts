// Shape propagation over an expanded Block tree: output shapes, parameter ownership (sharing and reuse),
// parameter counts and FLOPs, with every problem reported against the block path and port that caused it.
import { netError, type NetError } from '../errors';
import { size, type ParamSpec, type Shape } from '../layers';
import type { XNode } from './expand';
import { graphOrder } from './graph';

type XLayer = Extract<XNode, { kind: 'layer' }>;

export interface BlockInfo {
  path: string;
  id: string;
  kind: XNode['kind'];
  /** Layer type (`Conv2D`), `Sequential`, `Block`, or the definition name for instances (`Residual`). */
  type: string;
  /** Gluon-style prefix, e.g. `sequential0_conv1_`. */
  name: string;
  inputShapes: (number[] | null)[];
  outputShape: number[] | null;
  /** Parameters owned by this block and its children (a shared parameter counts once, at its owner). */
  params: number;
  flops: number;
  /** For a layer that shares parameters or an `apply`: the path of the layer that owns them. */
  sharesWith?: string;
}

export interface Owner {
  layer: XLayer;
  specs: ParamSpec[];
  usedBy: string[];
}

export interface ShapeState {
  errors: NetError[];
  warnings: NetError[];
  blocks: BlockInfo[];
  owners: Map<string, Owner>;
  flops: number;
  activations: number;
}

const fmt = (s: readonly number[]) => `(${s.join(', ')})`;
const sameSpecs = (a: ParamSpec[], b: ParamSpec[]) =>
  a.length === b.length && a.every((s, i) => s.name === b[i].name && fmt(s.shape) === fmt(b[i].shape));

/** Index of every node by path, and each path's container, to resolve `share`/`apply` references. */
export class Scope {
  readonly byPath = new Map<string, XNode>();
  readonly parent = new Map<string, string>();
  constructor(root: XNode) {
    this.visit(root, undefined);
  }
  private visit(n: XNode, parent: string | undefined) {
    this.byPath.set(n.path, n);
    if (parent !== undefined) this.parent.set(n.path, parent);
    const kids = n.kind === 'sequential' ? n.children : n.kind === 'graph' ? n.nodes : [];
    for (const k of kids) this.visit(k, n.path);
  }
  /** A path with '/' is absolute; a bare id is looked up in the enclosing containers, innermost first. */
  resolve(ref: string, from: string): XNode | undefined {
    if (ref.includes('/')) return this.byPath.get(ref);
    for (let c = this.parent.get(from); c !== undefined; c = this.parent.get(c)) {
      const hit = this.byPath.get(c ? `${c}/${ref}` : ref);
      if (hit) return hit;
    }
    return undefined;
  }
}

export class ShapeInference {
  readonly st: ShapeState = { errors: [], warnings: [], blocks: [], owners: new Map(), flops: 0, activations: 0 };
  constructor(private scope: Scope) {}

  /** Infers `n` on the given inputs (null = unknown because of an earlier error: no cascade of errors). */
  node(n: XNode, ins: (Shape | null)[]): Shape | null {
    const info: BlockInfo = {
      path: n.path,
      id: n.id,
      kind: n.kind,
      type: n.type,
      name: n.prefix,
      inputShapes: ins.map((s) => (s ? [...s] : null)),
      outputShape: null,
      params: 0,
      flops: 0,
    };
    this.st.blocks.push(info);
    const flops0 = this.st.flops;
    const out = this.dispatch(n, ins, info);
    info.outputShape = out ? [...out] : null;
    info.flops = this.st.flops - flops0;
    if (n.kind === 'layer' && out) this.st.activations += size(out);
    return out;
  }

  private dispatch(n: XNode, ins: (Shape | null)[], info: BlockInfo): Shape | null {
    switch (n.kind) {
      case 'identity':
        return ins[0] ?? null;
      case 'sequential': {
        let x: Shape | null = ins[0] ?? null;
        const start = this.st.blocks.length;
        for (const c of n.children) x = this.node(c, [x]);
        info.params = this.sumChildren(start, n.path);
        return x;
      }
      case 'graph':
        return this.graph(n, ins[0] ?? null, info);
      case 'apply':
        return this.apply(n, ins, info);
      case 'layer':
        return this.layer(n, ins, info);
    }
  }

  private sumChildren(start: number, path: string): number {
    let total = 0;
    for (let i = start; i < this.st.blocks.length; i++) {
      const b = this.st.blocks[i];
      if (b.kind === 'layer' && b.path.startsWith(path ? path + '/' : '')) total += b.params;
    }
    return total;
  }

  private arityOk(n: XLayer, count: number): boolean {
    const { min, max } = n.def.inputs;
    if (count >= min && count <= max) return true;
    const want = min === max ? `${min}` : `${min} to ${max}`;
    this.st.errors.push(
      netError(
        'E_ARITY',
        n.path,
        `${n.type} takes ${want} input${max === 1 ? '' : 's'} but has ${count}`,
        count < min ? count : max,
      ),
    );
    return false;
  }

  private layer(n: XLayer, ins: (Shape | null)[], info: BlockInfo): Shape | null {
    if (!this.arityOk(n, ins.length) || ins.some((s) => s === null)) return null;
    const shapes = ins as Shape[];
    const out = n.def.shape(shapes, n.params);
    if (!Array.isArray(out)) {
      const issue = out as { code: NetError['code']; detail: string; port?: number };
      this.st.errors.push(netError(issue.code, n.path, issue.detail, issue.port));
      return null;
    }
    this.st.flops += n.def.flops(shapes, out, n.params);
    const specs = n.def.paramSpecs?.(shapes, n.params) ?? [];
    if (n.share === undefined) {
      info.params = this.own(n, n, specs);
      return out;
    }
    const target = this.scope.resolve(n.share, n.path);
    if (!target || target.kind !== 'layer') {
      this.st.errors.push(netError('E_SHARE_TARGET', n.path, `"${n.share}" is not a layer in scope`));
    } else if (target.type !== n.type) {
      this.st.errors.push(
        netError('E_SHARE_TYPE', n.path, `${n.type} cannot share with ${target.type} "${target.path}"`),
      );
    } else if (target.share !== undefined) {
      this.st.errors.push(netError('E_SHARE_CHAIN', n.path, `"${target.path}" itself shares with "${target.share}"`));
    } else {
      info.sharesWith = target.path;
      this.own(target, n, specs);
    }
    return out;
  }

  /** Records that `user` uses `owner`'s parameters with these shapes; returns the count owned by `user`. */
  private own(owner: XLayer, user: XNode, specs: ParamSpec[]): number {
    const known = this.st.owners.get(owner.path);
    if (!known) {
      this.st.owners.set(owner.path, { layer: owner, specs, usedBy: [user.path] });
    } else {
      if (!known.usedBy.includes(user.path)) known.usedBy.push(user.path);
      if (!sameSpecs(known.specs, specs)) {
        const show = (ss: ParamSpec[]) => ss.map((s) => `${s.name} ${fmt(s.shape)}`).join(', ');
        const where = user.path === owner.path ? known.usedBy[0] : owner.path;
        this.st.errors.push(
          netError('E_SHARE_SHAPE', user.path, `here ${show(specs)}, but "${where}" has ${show(known.specs)}`),
        );
      }
    }
    return owner === user ? specs.reduce((t, s) => t + size(s.shape), 0) : 0;
  }

  private apply(n: Extract<XNode, { kind: 'apply' }>, ins: (Shape | null)[], info: BlockInfo): Shape | null {
    const target = this.scope.resolve(n.target, n.path);
    if (!target || target.kind !== 'layer') {
      this.st.errors.push(
        netError(
          'E_APPLY_TARGET',
          n.path,
          `"${n.target}" ${target ? `is a ${target.type}, not a layer` : 'does not exist in scope'}`,
        ),
      );
      return null;
    }
    info.sharesWith = target.path;
    info.type = `${target.type} (again)`;
    if (!this.arityOk(target, ins.length) || ins.some((s) => s === null)) return null;
    const shapes = ins as Shape[];
    const out = target.def.shape(shapes, target.params);
    if (!Array.isArray(out)) {
      const issue = out as { code: NetError['code']; detail: string; port?: number };
      this.st.errors.push(netError(issue.code, n.path, issue.detail, issue.port));
      return null;
    }
    this.st.flops += target.def.flops(shapes, out, target.params);
    const shared = target.share === undefined ? undefined : this.scope.resolve(target.share, target.path);
    const owner = shared?.kind === 'layer' ? shared : target;
    this.own(owner, n, target.def.paramSpecs?.(shapes, target.params) ?? []);
    return out;
  }

  private graph(n: Extract<XNode, { kind: 'graph' }>, input: Shape | null, info: BlockInfo): Shape | null {
    const start = this.st.blocks.length;
    const out = graphOrder(n, this.st, (node, ins) => this.node(node, ins), input);
    info.params = this.sumChildren(start, n.path);
    return out;
  }
}
