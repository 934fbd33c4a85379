// A Keras functional-model topology under construction (the JSON `tf.loadLayersModel` reads): layers with their
// inbound nodes, so a layer applied twice (the seed's FancyMLP) is one layer with two nodes, as in Keras itself.
// Values flowing between layers are NHWC (tfjs's layout); flat vectors are in Gluon's C·H·W order (layers.ts
// flattens through a Permute).
import type { Tensor } from '../layout';

export interface KTensor {
  layer: string;
  node: number;
  /** Per-sample shape as Keras sees it: (H, W, C) or (F). */
  shape: number[];
  /** Every element is ≥ 0 (after relu/sigmoid/softplus and through pooling): zero padding then equals −∞ padding for max. */
  nonneg: boolean;
}

interface KLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, Record<string, never>][][];
}

/** A weight in the manifest and how to compute its value from the Gluon weights. */
export interface KWeight {
  name: string;
  shape: number[];
  value: (gluon: (name: string) => Tensor) => Tensor;
}

export class KerasModel {
  readonly layers: KLayer[] = [];
  readonly weights: KWeight[] = [];
  private byName = new Map<string, KLayer>();
  /** Layers that own parameters, keyed by the owning block path (a shared parameter → one layer, reused). */
  readonly owned = new Map<string, string>();

  /** A unique, tfjs-valid layer name from a Gluon prefix or block path. */
  name(base: string): string {
    let n = base.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'layer';
    if (this.byName.has(n)) {
      let k = 1;
      while (this.byName.has(`${n}_${k}`)) k++;
      n = `${n}_${k}`;
    }
    return n;
  }

  /** Adds a layer (its config gets `name` and `trainable`); returns its name. */
  layer(className: string, base: string, config: Record<string, unknown>, trainable = true): string {
    const name = this.name(base);
    const l: KLayer = { class_name: className, name, config: { name, trainable, ...config }, inbound_nodes: [] };
    this.layers.push(l);
    this.byName.set(name, l);
    return name;
  }

  /** Calls layer `name` on inputs (a new inbound node); returns the output handle. */
  call(name: string, ins: KTensor[], out: Omit<KTensor, 'layer' | 'node'>): KTensor {
    const l = this.byName.get(name)!;
    l.inbound_nodes.push(ins.map((t) => [t.layer, t.node, 0, {}]));
    return { layer: name, node: l.inbound_nodes.length - 1, ...out };
  }

  /** Adds and calls a parameter-free layer in one go. */
  apply(
    className: string,
    base: string,
    config: Record<string, unknown>,
    ins: KTensor[],
    out: Omit<KTensor, 'layer' | 'node'>,
  ) {
    return this.call(this.layer(className, base, config), ins, out);
  }

  input(shape: number[]): KTensor {
    const name = this.layer('InputLayer', 'input', {
      batch_input_shape: [null, ...shape],
      dtype: 'float32',
      sparse: false,
    });
    this.byName.get(name)!.inbound_nodes = [];
    return { layer: name, node: 0, shape, nonneg: false };
  }

  /** The modelTopology of model.json. */
  topology(modelName: string, input: KTensor, output: KTensor) {
    return {
      class_name: 'Model',
      config: {
        name: modelName,
        layers: this.layers,
        input_layers: [[input.layer, 0, 0]],
        output_layers: [[output.layer, output.node, 0]],
      },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    };
  }
}
