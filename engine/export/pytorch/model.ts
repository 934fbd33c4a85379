// model.py: the network's classes (classes.ts), `build()`, and the table that ties each Gluon parameter name (the
// keys of weights.safetensors and of Netloom's projects) to its place in the PyTorch module and its initializer.
// The same file serves `python3 model.py --input x.npy --output y.npy`, train.py and Netloom's torch backend.
import { isLayerKind, type Init, type InferResult, type XNode } from '../../core';
import { ExportError, unsupportedMessage } from '../walk';
import { ClassWriter } from './classes';
import { PY_LAYERS, type PyLayer } from './layers';
import { attrNames, pyLiteral, splitRepeat } from './py';

export interface ParamEntry {
  /** Gluon name, e.g. `resnet18small0_conv0_weight`. */
  gluon: string;
  /** PyTorch state_dict key, e.g. `b1.conv.weight`. */
  key: string;
  init: Init;
  /** Frozen by the document (trainable: false / constant) and kept as a Parameter: requires_grad False. */
  frozen: boolean;
}

/** Where each expanded block's module sits: attribute names from the root, `.k` copies of a repeat as indices. */
function modulePaths(tree: XNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (n: XNode, segs: string[]) => {
    out.set(n.path, segs);
    const kids = n.kind === 'sequential' ? n.children : n.kind === 'graph' ? n.nodes : [];
    const attrs = attrNames(kids.map((k) => splitRepeat(k.id)[0]));
    for (const k of kids) {
      const [id, copy] = splitRepeat(k.id);
      visit(k, copy === undefined ? [...segs, attrs.get(id)!] : [...segs, attrs.get(id)!, copy]);
    }
  };
  visit(tree, []);
  return out;
}

/** Every parameter of the network with its PyTorch key (owners only: a shared parameter appears once). */
export function paramTable(net: InferResult): ParamEntry[] {
  const paths = modulePaths(net.tree!);
  const layers = new Map<string, Extract<XNode, { kind: 'layer' }>>();
  const visit = (n: XNode) => {
    if (n.kind === 'layer') layers.set(n.path, n);
    (n.kind === 'sequential' ? n.children : n.kind === 'graph' ? n.nodes : []).forEach(visit);
  };
  visit(net.tree!);
  return net.parameters.map((p) => {
    const layer = layers.get(p.owner)!;
    const kind: Partial<PyLayer> = isLayerKind(layer.def.type) ? PY_LAYERS[layer.def.type] : {};
    const name = kind.names?.[p.param] ?? p.param;
    const buffer = (kind.buffers ?? []).includes(p.param) || (layer.constant && !!kind.constantBuffers);
    return {
      gluon: p.name,
      key: [...paths.get(p.owner)!, name].join('.'),
      init: p.init,
      frozen: !p.trainable && !buffer,
    };
  });
}

/**
 * Where each block's output comes from in the generated module: its module's dotted name (`''`: the root) and
 * which call of that module it is (an `apply` calls its target's module again: call 1, 2, … in forward order).
 * The torch backend's probe hooks these modules (engine/runtime/torch/runner_debug.py `inspect`); example: LeNet's
 * `conv1` → `['conv1', 0]`, FancyMLP's `again` → `['dense', 1]`.
 */
export function blockModules(net: InferResult): Record<string, [string, number]> {
  const paths = modulePaths(net.tree!);
  const calls = new Map<string, number>();
  const out: Record<string, [string, number]> = {};
  for (const b of net.blocks) {
    const segs = paths.get(b.kind === 'apply' ? (b.sharesWith ?? b.path) : b.path);
    if (!segs) continue;
    const name = segs.join('.');
    const k = calls.get(name) ?? 0;
    calls.set(name, k + 1);
    out[b.path] = [name, k];
  }
  return out;
}

/** The initializers in use, named once (`XAVIER = {...}`) so the table stays one short line per parameter. */
function initNames(entries: ParamEntry[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const e of entries) {
    const key = JSON.stringify(e.init);
    if (names.has(key)) continue;
    const base = e.init.type.toUpperCase().replace(/-/g, '_');
    let n = base;
    for (let k = 2; taken.has(n); k++) n = `${base}_${k}`;
    taken.add(n);
    names.set(key, n);
  }
  return names;
}

const shapeTuple = (s: number[]) => pyLiteral(s);

/** model.py for an inferred network; throws ExportError naming the first block PyTorch cannot express. */
export function modelPy(net: InferResult): string {
  if (!net.doc || !net.tree || net.errors.length)
    throw new ExportError('E_EXPORT_INPUT', 'the network has errors; fix them before exporting');
  const writer = new ClassWriter(net);
  const { code, root } = writer.write();
  if (writer.problems.length)
    throw new ExportError('E_EXPORT_UNSUPPORTED', unsupportedMessage('PyTorch', writer.problems), writer.problems);
  const entries = paramTable(net);
  const inits = initNames(entries);
  const frozen = entries.filter((e) => e.frozen).map((e) => e.gluon);
  const shape = net.input;
  const input = `(N, ${shape.join(', ')})`;
  const doc = net.doc;
  return `"""${doc.name}, exported from Netloom: the network as PyTorch modules, one class per block definition.

    python3 model.py --input x.npy --output y.npy   # logits of a float32 ${input} array
    python3 train.py                                # train it with the project's settings (see train.py)

In your own code: \`from model import build; net = build("weights.safetensors").eval()\`. Shapes are deferred as in
Gluon (lazy modules); build() fixes them with one dry batch. weights.safetensors holds the trained values by Gluon
parameter name (PARAMS below says where each one lives here).
"""
import os
import sys
from collections import OrderedDict

from torch import nn

import netloom_layers
from netloom_layers import Add, BatchNorm, Centered, Concat, Conv2D, Dense, Pool2D, activation, share  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT_SHAPE = ${shapeTuple(shape)}


${code}


def build(weights=None):
    """${root} with its shapes fixed; \`weights\`: a safetensors file with Gluon names, e.g. weights.safetensors."""
    return netloom_layers.build(${root}, INPUT_SHAPE, PARAMS, weights, FROZEN)


${[...inits].map(([json, name]) => `${name} = ${pyLiteral(JSON.parse(json))}`).join('\n')}

# Every parameter by its Gluon name (the keys of weights.safetensors): its place here, how train.py initialises it.
PARAMS = {
${entries.map((e) => `    ${JSON.stringify(e.gluon)}: (${JSON.stringify(e.key)}, ${inits.get(JSON.stringify(e.init))}),`).join('\n')}
}

# Parameters the document freezes (trainable: false): loaded and kept, never trained.
FROZEN = [${frozen.map((f) => JSON.stringify(f)).join(', ')}]


def main(argv=None):
    """\`python3 model.py --input x.npy --output y.npy [--weights FILE]\`: the trained network's logits."""
    default = os.path.join(HERE, "weights.safetensors")
    return netloom_layers.predict_cli(lambda w: build(w or default), INPUT_SHAPE, argv)


if __name__ == "__main__":
    sys.exit(main())
`;
}
