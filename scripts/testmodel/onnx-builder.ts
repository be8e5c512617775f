// A minimal ONNX graph builder over the onnx-proto protobuf classes: initializers, nodes, attributes.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

export type Attr = { i: number } | { ints: number[] } | { f: number };
type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

function dataTypeOf(data: TensorData): number {
  if (data instanceof Float32Array) return DT.FLOAT;
  if (data instanceof Int8Array) return DT.INT8;
  if (data instanceof Uint8Array) return DT.UINT8;
  if (data instanceof Int32Array) return DT.INT32;
  return DT.INT64;
}

function attribute(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  if ('i' in a) return { name, type: AT.INT, i: a.i };
  if ('ints' in a) return { name, type: AT.INTS, ints: a.ints };
  return { name, type: AT.FLOAT, f: a.f };
}

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;
  private readonly names = new Set<string>();

  /** Adds a constant tensor; the bytes are referenced, not copied, until the model is encoded. */
  init(name: string, dims: number[], data: TensorData): string {
    if (this.names.has(name)) throw new Error(`duplicate initializer ${name}`);
    this.names.add(name);
    const rawData = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, dataType: dataTypeOf(data), rawData });
    return name;
  }

  /** A shared float scalar constant (defined once, reused by name). */
  scalarF(name: string, v: number): string {
    return this.names.has(name) ? name : this.init(name, [], Float32Array.of(v));
  }

  /** A shared 1-D int64 constant (defined once, reused by name). */
  ints(name: string, values: number[]): string {
    return this.names.has(name) ? name : this.init(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Appends a node and returns its output names (generated unless given). */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs: number | string[] = 1): string[] {
    const id = this.counter++;
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => `${opType}_${id}_out${k}`) : outputs;
    this.nodes.push({
      name: `${opType}_${id}`,
      opType,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([n, a]) => attribute(n, a)),
    });
    return outs;
  }

  /** Single-output convenience form of op(). */
  op1(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    return this.op(opType, inputs, attrs, output ? [output] : 1)[0]!;
  }
}

export interface IoSpec {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

function valueInfo(s: IoSpec): onnxProto.onnx.IValueInfoProto {
  const dim = s.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: s.name, type: { tensorType: { elemType: s.elemType, shape: { dim } } } };
}

/** Serialises a graph to ONNX bytes (IR 8, default-domain opset 17). */
export function encodeModel(g: GraphBuilder, inputs: IoSpec[], outputs: IoSpec[], name: string): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'papersift-gen-test-model',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map(valueInfo),
      output: outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export const ElemType = { FLOAT: DT.FLOAT, INT64: DT.INT64 };
