/** @module Thin typed helpers over `onnx-proto` (protobufjs) for encoding, decoding and reading attributes. */
import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS: its namespace only exists on the default export under ESM.
/** The generated ONNX protobuf namespace (ModelProto, GraphProto, NodeProto, …). */
export const onnx = onnxProto.onnx;
/** Type namespace of the generated ONNX protobuf classes. */
export type { onnx as OnnxTypes } from 'onnx-proto';
import type { onnx as O } from 'onnx-proto';

type Int64 = O.IAttributeProto['i'];
const AttrType = onnxProto.onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Serialize a ModelProto to its binary form. */
export function encodeModel(model: O.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** Parse binary ONNX bytes into a ModelProto, with an error that says the bytes are not a model. */
export function decodeModel(bytes: Uint8Array): O.ModelProto {
  let model: O.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new Error(`not an ONNX model: protobuf decoding failed (${(err as Error).message})`);
  }
  // Random bytes can decode "successfully" into an empty message; a model without a graph is useless to us.
  if (!model.graph) throw new Error('not an ONNX model: the ModelProto has no graph');
  return model;
}

/** Convert a protobuf int64 (number or Long) to a JS number. */
export function toNumber(v: Int64 | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** An INT attribute. */
export function intAttr(name: string, i: number): O.IAttributeProto {
  return { name, type: AttrType.INT, i };
}

/** An INTS attribute. */
export function intsAttr(name: string, ints: readonly number[]): O.IAttributeProto {
  return { name, type: AttrType.INTS, ints: [...ints] };
}

/** A FLOATS attribute (values are stored as float32 by the encoder). */
export function floatsAttr(name: string, floats: readonly number[]): O.IAttributeProto {
  return { name, type: AttrType.FLOATS, floats: [...floats] };
}

/** A STRING attribute. */
export function stringAttr(name: string, s: string): O.IAttributeProto {
  return { name, type: AttrType.STRING, s: utf8.encode(s) };
}

/** A STRINGS attribute. */
export function stringsAttr(name: string, strings: readonly string[]): O.IAttributeProto {
  return { name, type: AttrType.STRINGS, strings: strings.map((s) => utf8.encode(s)) };
}

/** Typed read access to a node's attributes by name. */
export class NodeAttributes {
  private readonly byName = new Map<string, O.IAttributeProto>();

  constructor(readonly node: O.INodeProto) {
    for (const a of node.attribute ?? []) this.byName.set(a.name ?? '', a);
  }

  /** Whether the attribute is present. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Names of all attributes present. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** An INTS attribute as numbers ([] when absent). */
  ints(name: string): number[] {
    return (this.byName.get(name)?.ints ?? []).map(toNumber);
  }

  /** A FLOATS attribute as numbers ([] when absent). */
  floats(name: string): number[] {
    return [...(this.byName.get(name)?.floats ?? [])];
  }

  /** A STRINGS attribute decoded as UTF-8 ([] when absent). */
  strings(name: string): string[] {
    return (this.byName.get(name)?.strings ?? []).map((b) => utf8Decoder.decode(b));
  }

  /** A STRING attribute decoded as UTF-8, or `fallback` when absent. */
  string(name: string, fallback: string): string {
    const s = this.byName.get(name)?.s;
    return s && s.length > 0 ? utf8Decoder.decode(s) : fallback;
  }
}
