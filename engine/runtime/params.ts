// Parameters: one tf.Variable per parameter *owner*, so a shared parameter is one variable used by every
// layer that shares it and gradients from each use accumulate. Storage is tfjs-friendly (Dense [in, units],
// Conv2D [kh, kw, Cin, C]); import/export speak Gluon's layout (Dense (units, in), Conv2D (C, Cin, kh, kw)).
// Which is which comes from the axes each layer declares in its `paramSpecs`, never from its kind.
import type { InferResult, ParamAxis, ParamInfo, Shape, XNode } from '../core';
import { tf } from './backends/tf';
import { initValues } from './init';
import type { Rng } from './rng';

export interface GluonTensor {
  shape: number[];
  data: Float32Array;
}

let modelCounter = 0;

/** The order tfjs's kernels want a parameter's axes in: conv2d filters [kh, kw, in, out], matMul's b [in, out]. */
const STORAGE_ORDER: readonly ParamAxis[] = ['kh', 'kw', 'in', 'out'];

/** Permutation from a parameter's Gluon layout (its declared axes) to storage, or null when they are the same. */
export function storagePerm(axes: readonly ParamAxis[]): number[] | null {
  const perm = STORAGE_ORDER.filter((a) => axes.includes(a)).map((a) => axes.indexOf(a));
  if (perm.length !== axes.length) throw new Error(`parameter axes (${axes.join(', ')}) name an axis twice`);
  return perm.every((p, i) => p === i) ? null : perm;
}

/** The declared axes of every parameter of an inferred network, keyed `owner:param`. */
function declaredAxes(r: InferResult): Map<string, readonly ParamAxis[]> {
  const inputs = new Map(r.blocks.map((b) => [b.path, b.inputShapes as Shape[]]));
  const out = new Map<string, readonly ParamAxis[]>();
  const visit = (n: XNode) => {
    if (n.kind === 'layer')
      for (const s of n.def.paramSpecs?.(inputs.get(n.path) ?? [], n.params) ?? [])
        out.set(`${n.path}:${s.name}`, s.axes);
    if (n.kind === 'sequential') n.children.forEach(visit);
    if (n.kind === 'graph') n.nodes.forEach(visit);
  };
  if (r.tree) visit(r.tree);
  return out;
}
const inverse = (perm: number[]) => perm.map((_, i) => perm.indexOf(i));

export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();
  private perms = new Map<string, number[] | null>();
  private byOwner = new Map<string, tf.Variable>();
  private readonly tag = `m${modelCounter++}`;

  /** Creates and initializes every parameter of an inferred network (deterministic for a given rng). */
  constructor(
    readonly infos: ParamInfo[],
    axesOf: (p: ParamInfo) => readonly ParamAxis[],
    rng: Rng,
  ) {
    for (const p of infos) {
      const perm = storagePerm(axesOf(p));
      this.perms.set(p.name, perm);
      const v = tf.tidy(() => {
        const t = tf.tensor(initValues(p.init, p.name, p.shape, rng), p.shape);
        return perm ? tf.transpose(t, perm) : t;
      });
      const variable = tf.variable(v, p.trainable, `${p.name}#${this.tag}`);
      v.dispose();
      this.vars.set(p.name, variable);
      this.byOwner.set(`${p.owner}:${p.param}`, variable);
    }
  }

  static forNetwork(r: InferResult, rng: Rng): ParamStore {
    const axes = declaredAxes(r);
    const axesOf = (p: ParamInfo) => {
      const a = axes.get(`${p.owner}:${p.param}`);
      if (!a) throw new Error(`no declared layout for ${p.name} (${p.owner}:${p.param})`);
      return a;
    };
    return new ParamStore(r.parameters, axesOf, rng);
  }

  /** The variable for `param` of the layer at `owner` (the owner of shared parameters). */
  get(owner: string, param: string): tf.Variable {
    const v = this.byOwner.get(`${owner}:${param}`);
    if (!v) throw new Error(`no parameter ${param} for ${owner}`);
    return v;
  }

  trainable(): tf.Variable[] {
    return this.infos.filter((p) => p.trainable).map((p) => this.vars.get(p.name)!);
  }

  /** Every parameter in Gluon layout, keyed by Gluon name. */
  async toGluon(): Promise<Record<string, GluonTensor>> {
    const out: Record<string, GluonTensor> = {};
    for (const p of this.infos) {
      const perm = this.perms.get(p.name);
      const t = perm ? tf.transpose(this.vars.get(p.name)!, inverse(perm)) : this.vars.get(p.name)!;
      out[p.name] = { shape: p.shape, data: (await t.data()) as Float32Array };
      if (perm) t.dispose();
    }
    return out;
  }

  /** Loads Gluon-layout values; every name must exist with the same shape (all checked before any write). */
  load(weights: Record<string, GluonTensor>): void {
    for (const p of this.infos) {
      const w = weights[p.name];
      if (!w) throw new Error(`the weights have no "${p.name}"`);
      if (w.shape.join(',') !== p.shape.join(',') || w.data.length !== w.shape.reduce((a, b) => a * b, 1)) {
        throw new Error(
          `"${p.name}" has shape (${w.shape.join(', ')}) in the weights but (${p.shape.join(', ')}) in the network`,
        );
      }
    }
    for (const p of this.infos) {
      const perm = this.perms.get(p.name);
      tf.tidy(() => {
        const t = tf.tensor(weights[p.name].data, p.shape);
        this.vars.get(p.name)!.assign(perm ? tf.transpose(t, perm) : t);
      });
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
  }
}
