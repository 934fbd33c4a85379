// Netloom network + trained weights → a TF.js LayersModel: `model.json` (a Keras functional topology and the
// weights manifest) and 4 MiB binary shards, loadable by `tf.loadLayersModel`. The model takes NHWC input
// ([N, H, W, C], tfjs's own layout) or [N, F], and outputs the logits.
import type { InferResult } from '../../core';
import type { Tensor } from '../layout';
import { ExportError, unsupportedMessage, walk, type Unsupported } from '../walk';
import { KerasModel, type KTensor } from './keras';
import { kerasShape, TFJS_LAYERS, type TfjsCtx } from './layers';

const SHARD_BYTES = 4 * 1024 * 1024;

function build(net: InferResult) {
  const m = new KerasModel();
  const problems: Unsupported[] = [];
  const ctx: TfjsCtx = {
    m,
    unsupported: (use, reason) => problems.push({ path: use.path, kind: use.kind, reason }),
  };
  const input = m.input(kerasShape(net.input));
  const out: KTensor = walk(net, input, (use, ins) => TFJS_LAYERS[use.kind](ctx, use, ins));
  return { m, problems, topology: m.topology(net.name, input, out) };
}

/** The blocks a Keras LayersModel cannot express in this network (empty: it exports). */
export function tfjsProblems(net: InferResult): Unsupported[] {
  return build(net).problems;
}

export interface TfjsFiles {
  /** model.json's object. */
  model: Record<string, unknown>;
  /** The weight shards, produced one at a time (name and bytes). */
  shards(): Iterable<{ name: string; bytes: Uint8Array }>;
}

/** The LayersModel for a network and its Gluon-layout weights. Throws when `tfjsProblems` is not empty. */
export function toTfjs(net: InferResult, weights: Record<string, Tensor>): TfjsFiles {
  const { m, problems, topology } = build(net);
  if (problems.length) throw new ExportError('E_EXPORT_UNSUPPORTED', unsupportedMessage('tfjs', problems), problems);
  const total = m.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const count = Math.max(1, Math.ceil(total / SHARD_BYTES));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  const gluon = (name: string) => {
    const t = weights[name];
    if (!t) throw new Error(`the weights have no "${name}"`);
    return t;
  };
  const model = {
    format: 'layers-model',
    generatedBy: 'netloom 0.1.0',
    convertedBy: null,
    modelTopology: topology,
    weightsManifest: [{ paths, weights: m.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
  };
  function* shards() {
    let buf = new Uint8Array(Math.min(SHARD_BYTES, total));
    let at = 0,
      k = 0;
    for (const w of m.weights) {
      const v = w.value(gluon);
      const bytes = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
      for (let o = 0; o < bytes.length;) {
        const n = Math.min(bytes.length - o, buf.length - at);
        buf.set(bytes.subarray(o, o + n), at);
        at += n;
        o += n;
        if (at === buf.length) {
          yield { name: paths[k++], bytes: buf };
          buf = new Uint8Array(Math.max(0, Math.min(SHARD_BYTES, total - k * SHARD_BYTES)));
          at = 0;
        }
      }
    }
    if (k < count) yield { name: paths[k], bytes: buf.subarray(0, at) };
  }
  return { model, shards };
}
