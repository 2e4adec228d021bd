/**
 * Just enough of the ONNX protobuf (onnx/onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto) to write small float/int64 models from JS, for tests that need a real model file and cannot
 * download one. Field numbers are those of onnx.proto.
 */

const utf8 = new TextEncoder();

type Bytes = Uint8Array;

function varint(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint out of range: ${value}`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function concat(parts: readonly Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const VARINT = 0;
const LENGTH = 2;
const FIXED32 = 5;

function tag(field: number, wire: number): number[] {
  return varint(field * 8 + wire);
}

function intField(field: number, value: number): Bytes {
  return Uint8Array.from([...tag(field, VARINT), ...varint(value)]);
}

function bytesField(field: number, data: Bytes): Bytes {
  return concat([Uint8Array.from([...tag(field, LENGTH), ...varint(data.length)]), data]);
}

function stringField(field: number, s: string): Bytes {
  return bytesField(field, utf8.encode(s));
}

function floatField(field: number, f: number): Bytes {
  const b = new Uint8Array(5);
  b.set(tag(field, FIXED32));
  new DataView(b.buffer).setFloat32(1, f, true);
  return b;
}

export const DataType = { float: 1, int64: 7, bool: 9 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

export interface Tensor {
  name: string;
  dims: readonly number[];
  type: DataType;
  raw: Bytes;
}

export function floatTensor(name: string, dims: readonly number[], values: Float32Array): Tensor {
  if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${values.length} values for ${dims.join("×")}`);
  return { name, dims, type: DataType.float, raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function int64Tensor(name: string, values: readonly number[]): Tensor {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [values.length], type: DataType.int64, raw };
}

function tensorProto(t: Tensor): Bytes {
  return concat([...t.dims.map((d) => intField(1, d)), intField(2, t.type), stringField(8, t.name), bytesField(9, t.raw)]);
}

export type Attribute = { name: string } & ({ int: number } | { ints: readonly number[] } | { float: number });

const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function attributeProto(a: Attribute): Bytes {
  const name = stringField(1, a.name);
  if ("int" in a) return concat([name, intField(20, ATTR_INT), intField(3, a.int)]);
  if ("float" in a) return concat([name, intField(20, ATTR_FLOAT), floatField(2, a.float)]);
  return concat([name, intField(20, ATTR_INTS), ...a.ints.map((i) => intField(8, i))]);
}

export interface Node {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly Attribute[];
}

function nodeProto(n: Node, index: number): Bytes {
  return concat([
    ...n.inputs.map((i) => stringField(1, i)),
    ...n.outputs.map((o) => stringField(2, o)),
    stringField(3, `${n.op}_${index}`),
    stringField(4, n.op),
    ...(n.attributes ?? []).map((a) => bytesField(5, attributeProto(a))),
  ]);
}

/** A graph input or output: element type and shape, each dimension a size or a symbolic name. */
export interface ValueInfo {
  name: string;
  type: DataType;
  shape: readonly (number | string)[];
}

function valueInfoProto(v: ValueInfo): Bytes {
  const dims = v.shape.map((d) => bytesField(1, typeof d === "number" ? intField(1, d) : stringField(2, d)));
  const tensorType = concat([intField(1, v.type), bytesField(2, concat(dims))]);
  return concat([stringField(1, v.name), bytesField(2, bytesField(1, tensorType))]);
}

export interface Graph {
  name: string;
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

/** A whole model file (IR 8, the default ONNX opset `opset`). */
export function encodeModel(graph: Graph, opts: { opset?: number; producer?: string } = {}): Bytes {
  const g = concat([
    ...graph.nodes.map((n, i) => bytesField(1, nodeProto(n, i))),
    stringField(2, graph.name),
    ...graph.initializers.map((t) => bytesField(5, tensorProto(t))),
    ...graph.inputs.map((v) => bytesField(11, valueInfoProto(v))),
    ...graph.outputs.map((v) => bytesField(12, valueInfoProto(v))),
  ]);
  const opset = concat([stringField(1, ""), intField(2, opts.opset ?? 13)]);
  return concat([intField(1, 8), stringField(2, opts.producer ?? "mirror-test"), bytesField(7, g), bytesField(8, opset)]);
}
