// A small builder over onnx-proto's generated protobuf classes (the ONNX project's own onnx.proto, compiled by
// protobufjs): nodes, initializers (one per Gluon parameter, so a shared parameter is one initializer used by
// every node that reads it) and the model envelope.
import onnxProto from 'onnx-proto';
import { floatBytes, type Tensor } from '../layout';

export const { onnx } = onnxProto;
export const OPSET = 13;
/** ONNX IR version 7 is the one that goes with opset 13. */
const IR_VERSION = 7;

type Attr = number | number[] | string;

export class OnnxGraph {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers = new Map<string, InstanceType<typeof onnx.TensorProto>>();
  private counter = 0;

  /** A fresh value name derived from a block path (`stage1/res0/conv1` → `stage1.res0.conv1:Conv_3`). */
  fresh(base: string, op: string): string {
    return `${base.replaceAll('/', '.') || 'net'}:${op}_${this.counter++}`;
  }

  /** Appends a node; returns its (single) output name. Plain numbers are int attributes; `float(x)` marks a float. */
  node(
    op: string,
    inputs: string[],
    base: string,
    attrs: Record<string, Attr | FloatAttr> = {},
    output?: string,
  ): string {
    const out = output ?? this.fresh(base, op);
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name: `${base.replaceAll('/', '.') || 'net'}/${op}_${this.nodes.length}`,
        input: inputs,
        output: [out],
        attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
      }),
    );
    return out;
  }

  /** A float32 initializer under `name` (added once; later calls reuse it — parameter sharing). */
  floats(name: string, t: Tensor): string {
    if (!this.initializers.has(name))
      this.initializers.set(
        name,
        onnx.TensorProto.create({
          name,
          dims: t.shape,
          dataType: onnx.TensorProto.DataType.FLOAT,
          rawData: floatBytes(t.data),
        }),
      );
    return name;
  }

  /** An int64 constant initializer (shapes, pads). */
  int64s(base: string, values: number[]): string {
    const name = this.fresh(base, 'const');
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.set(
      name,
      onnx.TensorProto.create({
        name,
        dims: [values.length],
        dataType: onnx.TensorProto.DataType.INT64,
        rawData: new Uint8Array(data.buffer),
      }),
    );
    return name;
  }

  /** A float32 scalar constant. */
  scalar(base: string, value: number): string {
    return this.floats(this.fresh(base, 'const'), { shape: [], data: Float32Array.of(value) });
  }

  /** The model: input `input` (float32, batch dimension `N`), output `output` (the logits). */
  encode(name: string, inputShape: number[], output: string, outputShape: number[]): Uint8Array {
    this.node('Identity', [output], 'output', {}, 'output');
    const valueInfo = (n: string, dims: number[]) =>
      onnx.ValueInfoProto.create({
        name: n,
        type: {
          tensorType: {
            elemType: onnx.TensorProto.DataType.FLOAT,
            shape: { dim: [{ dimParam: 'N' }, ...dims.map((d) => ({ dimValue: d }))] },
          },
        },
      });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'netloom',
      producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name,
        node: this.nodes,
        initializer: [...this.initializers.values()],
        input: [valueInfo('input', inputShape)],
        output: [valueInfo('output', outputShape)],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Marks an attribute value as float (plain numbers are ints). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export const float = (v: number) => new FloatAttr(v);

function attribute(name: string, v: Attr | FloatAttr) {
  const T = onnx.AttributeProto.AttributeType;
  if (v instanceof FloatAttr) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.value });
  if (typeof v === 'string')
    return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: v });
  return onnx.AttributeProto.create({ name, type: T.INT, i: v });
}
