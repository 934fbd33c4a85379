// Compiles an inferred network into a runnable model: Gluon-like Blocks over tfjs, walking the expanded
// tree. Parameters live in a ParamStore (one variable per owner → sharing and reuse are real).
import { graphInputs, GRAPH_INPUT, type InferResult, type XNode } from '../core';
import { tf } from './backends/tf';
import { batchFloats, type BatchInput } from './input';
import { bytesInputWasm } from './kernels/bytes-to-floats';
import { opFor, type OpCtx } from './ops';
import { ParamStore } from './params';
import { Rng } from './rng';

type XLayer = Extract<XNode, { kind: 'layer' }>;

export interface ForwardOptions {
  training: boolean;
  /** Keep every block's output (by path) — for activation streams and finding the first non-finite block. */
  record?: Map<string, tf.Tensor>;
  /** Record only these paths (the watched blocks), so nothing else is kept. */
  only?: ReadonlySet<string>;
  /** With `only`: stop once every one of them is recorded (a probe needs nothing after them; `y` is then meaningless). */
  partial?: boolean;
  /** Milliseconds per block path (the verbose trace); blocks run synchronously on the CPU backends. */
  timings?: Map<string, number>;
  rng?: Rng;
}

type Recorder = Pick<ForwardOptions, 'record' | 'only' | 'partial' | 'timings'>;

export class Model {
  readonly params: ParamStore;
  readonly inputShape: number[];
  private owners = new Map<string, string>();
  private layers = new Map<string, XLayer>();
  private root: XNode;
  /** Drawn from for dropout masks; saved in checkpoints. */
  readonly rng: Rng;

  /** Throws if the network has errors: compile only what inference accepted. */
  constructor(
    readonly net: InferResult,
    seed = 0,
  ) {
    if (net.errors.length || !net.tree)
      throw new Error(
        `the network has ${net.errors.length} error(s): ${net.errors.map((e) => `${e.code} at ${e.path}`).join('; ')}`,
      );
    this.root = net.tree;
    this.inputShape = net.input;
    for (const b of net.blocks) if (b.sharesWith) this.owners.set(b.path, b.sharesWith);
    const visit = (n: XNode) => {
      if (n.kind === 'layer') this.layers.set(n.path, n);
      if (n.kind === 'sequential') n.children.forEach(visit);
      if (n.kind === 'graph') n.nodes.forEach(visit);
    };
    visit(this.root);
    const init = new Rng(seed);
    this.params = ParamStore.forNetwork(net, init);
    this.rng = new Rng(seed ^ 0x9e3779b9);
  }

  /**
   * Turns a batch in (N, C, H, W) / (N, F) layout into the NHWC / [N, F] tensor the model runs on; a byte batch
   * becomes floats in the backend (one kernel on wasm) or on the host.
   */
  input(x: BatchInput, n: number): tf.Tensor {
    const s = this.inputShape;
    const tensor = (shape: number[]) =>
      (x instanceof Float32Array ? null : bytesInputWasm(x, shape)) ??
      tf.tensor(
        batchFloats(x).subarray(
          0,
          shape.reduce((a, v) => a * v, 1),
        ),
        shape,
      );
    if (s.length !== 3) return tensor([n, s.reduce((a, b) => a * b, 1)]);
    const [c, h, w] = s;
    if (c === 1) return tensor([n, h, w, 1]);
    return tf.tidy(() => tf.transpose(tensor([n, c, h, w]), [0, 2, 3, 1]));
  }

  /** Runs the network. BatchNorm moving-average updates are returned for the caller to apply after the step. */
  forward(x: tf.Tensor, opts: ForwardOptions): { y: tf.Tensor; bnUpdates: OpCtx['bnUpdates'] } {
    const ctx: OpCtx = { training: opts.training, rng: opts.rng ?? this.rng, bnUpdates: [] };
    const y = this.run(this.root, [x], ctx, opts);
    return { y, bnUpdates: ctx.bnUpdates };
  }

  /** Applies BatchNorm running-stat updates produced by a training forward. */
  static applyUpdates(updates: OpCtx['bnUpdates']): void {
    for (const u of updates) {
      u.variable.assign(u.value);
      u.value.dispose();
    }
  }

  private layerOp(layer: XLayer, owner: string, ins: tf.Tensor[], ctx: OpCtx): tf.Tensor {
    return opFor(layer.type)(ins, layer.params, (param) => this.params.get(owner, param), ctx);
  }

  private run(n: XNode, ins: tf.Tensor[], ctx: OpCtx, rec: Recorder): tf.Tensor {
    if (rec.partial && rec.only && rec.record && rec.record.size >= rec.only.size) return ins[0];
    const t0 = rec.timings ? performance.now() : 0;
    let y: tf.Tensor;
    switch (n.kind) {
      case 'identity':
        y = ins[0];
        break;
      case 'layer':
        y = this.layerOp(n, this.owners.get(n.path) ?? n.path, ins, ctx);
        break;
      case 'apply': {
        const target = this.layers.get(this.owners.get(n.path)!)!;
        y = this.layerOp(target, this.owners.get(target.path) ?? target.path, ins, ctx);
        break;
      }
      case 'sequential':
        y = n.children.reduce((x, c) => this.run(c, [x], ctx, rec), ins[0]);
        break;
      case 'graph': {
        const into = graphInputs(n, { errors: [] });
        const byId = new Map(n.nodes.map((c) => [c.id, c]));
        const memo = new Map<string, tf.Tensor>([[GRAPH_INPUT, ins[0]]]);
        const value = (id: string): tf.Tensor => {
          let v = memo.get(id);
          if (!v) {
            v = this.run(byId.get(id)!, into.get(id)!.map(value), ctx, rec);
            memo.set(id, v);
          }
          return v;
        };
        y = value(n.output);
        break;
      }
    }
    rec.timings?.set(n.path, performance.now() - t0);
    if (rec.record && (!rec.only || rec.only.has(n.path))) rec.record.set(n.path, tf.keep(y));
    return y;
  }

  dispose(): void {
    this.params.dispose();
  }
}
