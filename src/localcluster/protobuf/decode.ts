// Decodes the protobuf bodies (`application/vnd.kubernetes.protobuf`) that kubectl (`create
// namespace|configmap|secret|deployment`, `auth can-i|whoami`) and helm (its release Secrets, and DeleteOptions) send
// and do not resend as JSON: the magic `k8s\0`, then a runtime.Unknown {typeMeta {apiVersion 1,
// kind 2}, raw 2, contentEncoding 3, contentType 4} whose raw bytes are the object. The result is
// the object as its JSON form would be: fields Go omits when empty are left out, bytes are base64.

import { toIsoSeconds } from '@teams-device-operator/apimachinery';
import { badRequest, cannotDecode } from '../errors.js';
import type { JsonMap } from '../patch/json.js';
import { DELETE_OPTIONS, type FieldSpec, KINDS, type MessageSpec } from './messages.js';
import { decodeString, readFields, toInt, WireError, type WireField } from './wire.js';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** A field the body sets that the decoder cannot express in JSON. */
class UnsupportedField extends Error {}

/**
 * The JSON object of a Kubernetes protobuf body. A malformed body is a 400; a kind this decoder
 * does not know, or a field of it the decoder does not decode, is a 415.
 */
export function decodeProtobufObject(body: Buffer | Uint8Array): object {
  if (body.length < MAGIC.length || MAGIC.some((byte, i) => body[i] !== byte)) {
    throw badRequest(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  const unknown = readEnvelope(body.subarray(MAGIC.length));
  const what = `${unknown.kind || 'an object'} (apiVersion ${JSON.stringify(unknown.apiVersion)})`;
  const spec =
    unknown.kind === 'DeleteOptions' ? DELETE_OPTIONS : KINDS[`${unknown.apiVersion}/${unknown.kind}`];
  if (!spec) {
    throw cannotDecode(
      `the server cannot decode ${what} from application/vnd.kubernetes.protobuf; send application/json`,
    );
  }
  if (
    unknown.contentEncoding !== '' ||
    !['', 'application/vnd.kubernetes.protobuf'].includes(unknown.contentType)
  ) {
    throw cannotDecode(
      `unsupported protobuf payload (contentType ${JSON.stringify(unknown.contentType)}, ` +
        `contentEncoding ${JSON.stringify(unknown.contentEncoding)})`,
    );
  }
  try {
    return { apiVersion: unknown.apiVersion, kind: unknown.kind, ...decodeMessage(unknown.raw, spec) };
  } catch (error) {
    if (error instanceof WireError) throw badRequest(`failed to decode protobuf body: ${error.message}`);
    if (error instanceof UnsupportedField) {
      throw cannotDecode(
        `the server cannot decode the field ${error.message} of ${what} from application/vnd.kubernetes.protobuf; ` +
          'send application/json',
      );
    }
    throw error;
  }
}

function readEnvelope(bytes: Uint8Array) {
  const unknown = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array() as Uint8Array,
    contentEncoding: '',
    contentType: '',
  };
  try {
    for (const field of readFields(bytes)) {
      if (field.field === 1) {
        for (const typeMeta of readFields(bytesOf(field))) {
          if (typeMeta.field === 1) unknown.apiVersion = decodeString(bytesOf(typeMeta));
          if (typeMeta.field === 2) unknown.kind = decodeString(bytesOf(typeMeta));
        }
      } else if (field.field === 2) unknown.raw = bytesOf(field);
      else if (field.field === 3) unknown.contentEncoding = decodeString(bytesOf(field));
      else if (field.field === 4) unknown.contentType = decodeString(bytesOf(field));
    }
  } catch (error) {
    if (error instanceof WireError) throw badRequest(`failed to decode protobuf body: ${error.message}`);
    throw error;
  }
  return unknown;
}

function decodeMessage(bytes: Uint8Array, spec: MessageSpec): JsonMap {
  const byNumber = new Map(spec.map((field) => [field.no, field]));
  const values = new Map<FieldSpec, unknown>();
  // A singular message field seen twice is one message, merged (protobuf appends the encodings).
  const parts = new Map<FieldSpec, Uint8Array[]>();
  for (const wire of readFields(bytes)) {
    const field = byNumber.get(wire.field);
    if (!field) continue; // a field newer than this decoder
    if (field.type === 'unsupported') {
      if (!isEmpty(wire)) throw new UnsupportedField(field.json);
    } else if (!field.repeated && ['message', 'time', 'fieldsV1', 'intOrString'].includes(field.type)) {
      parts.set(field, [...(parts.get(field) ?? []), bytesOf(wire)]);
    } else if (field.type === 'map') {
      const [key, value] = decodeMapEntry(bytesOf(wire), field.mapValue ?? 'string');
      const entries = (values.get(field) as JsonMap | undefined) ?? {};
      entries[key] = value;
      values.set(field, entries);
    } else if (field.repeated) {
      values.set(field, [...((values.get(field) as unknown[] | undefined) ?? []), decodeValue(wire, field)]);
    } else {
      values.set(field, decodeValue(wire, field));
    }
  }
  for (const [field, chunks] of parts) {
    values.set(field, decodeValue({ field: field.no, type: 2, value: Buffer.concat(chunks) }, field));
  }
  const out: JsonMap = {};
  for (const field of spec) {
    const value = values.get(field);
    if (value === undefined || (!field.keepZero && isZero(value))) continue;
    out[field.json] = value;
  }
  return out;
}

function decodeValue(wire: WireField, field: FieldSpec): unknown {
  switch (field.type) {
    case 'string':
      return decodeString(bytesOf(wire));
    case 'bytes':
      return Buffer.from(bytesOf(wire)).toString('base64');
    case 'bool':
      return varintOf(wire) !== 0n;
    case 'int':
      return toInt(varintOf(wire));
    case 'time':
      return decodeTime(bytesOf(wire));
    case 'fieldsV1':
      return decodeFieldsV1(bytesOf(wire));
    case 'intOrString':
      return decodeIntOrString(bytesOf(wire));
    default:
      return decodeMessage(bytesOf(wire), field.message ?? []);
  }
}

function decodeMapEntry(
  bytes: Uint8Array,
  valueType: NonNullable<FieldSpec['mapValue']>,
): [string, string | string[]] {
  let key = '';
  let value: Uint8Array = new Uint8Array();
  for (const wire of readFields(bytes)) {
    if (wire.field === 1) key = decodeString(bytesOf(wire));
    if (wire.field === 2) value = bytesOf(wire);
  }
  if (valueType === 'bytes') return [key, Buffer.from(value).toString('base64')];
  if (valueType === 'quantity') return [key, decodeQuantity(value)];
  if (valueType === 'strings') return [key, decodeExtraValue(value)];
  return [key, decodeString(value)];
}

/** ExtraValue {items 1}: a list of strings. */
function decodeExtraValue(bytes: Uint8Array): string[] {
  const items: string[] = [];
  for (const wire of readFields(bytes)) if (wire.field === 1) items.push(decodeString(bytesOf(wire)));
  return items;
}

/** metav1.Time {seconds 1, nanos 2}; the zero time (an empty message) is left out, as JSON leaves it null. */
function decodeTime(bytes: Uint8Array): string | undefined {
  let seconds = 0;
  for (const wire of readFields(bytes)) if (wire.field === 1) seconds = toInt(varintOf(wire));
  if (seconds === 0) return undefined;
  return toIsoSeconds(new Date(seconds * 1000));
}

/** metav1.FieldsV1 {raw 1}: the FieldsV1 JSON document. */
function decodeFieldsV1(bytes: Uint8Array): unknown {
  for (const wire of readFields(bytes)) {
    if (wire.field !== 1) continue;
    try {
      return JSON.parse(decodeString(bytesOf(wire)));
    } catch {
      throw new WireError('managedFields fieldsV1 is not JSON');
    }
  }
  return {};
}

/** intstr.IntOrString {type 1 (0 int, 1 string), intVal 2, strVal 3}: a number or a string in JSON. */
function decodeIntOrString(bytes: Uint8Array): number | string {
  let isString = false;
  let intVal = 0;
  let strVal = '';
  for (const wire of readFields(bytes)) {
    if (wire.field === 1) isString = varintOf(wire) === 1n;
    if (wire.field === 2) intVal = toInt(varintOf(wire));
    if (wire.field === 3) strVal = decodeString(bytesOf(wire));
  }
  return isString ? strVal : intVal;
}

/** resource.Quantity {string 1}: its canonical string. */
function decodeQuantity(bytes: Uint8Array): string {
  let text = '';
  for (const wire of readFields(bytes)) if (wire.field === 1) text = decodeString(bytesOf(wire));
  return text;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

/** True when a field carries its zero value (gogo-protobuf writes non-pointer fields even then). */
function isEmpty(wire: WireField): boolean {
  return wire.type === 0 ? wire.value === 0n : wire.value.every((byte) => byte === 0);
}

function bytesOf(wire: WireField): Uint8Array {
  if (wire.type !== 2)
    throw new WireError(`field ${wire.field} should be length-delimited, has wire type ${wire.type}`);
  return wire.value;
}

function varintOf(wire: WireField): bigint {
  if (wire.type !== 0)
    throw new WireError(`field ${wire.field} should be a varint, has wire type ${wire.type}`);
  return wire.value;
}
