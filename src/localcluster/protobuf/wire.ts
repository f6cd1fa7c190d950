// A reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): just
// enough to walk the fields of a message. Varints are read as BigInt so int64 values keep their
// sign; lengths are checked so a truncated body is an error, never a silent misread.
export class WireError extends Error {}

/** Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit (3 and 4, groups, are obsolete). */
export type WireField =
  | { field: number; type: 0; value: bigint }
  | { field: number; type: 2; value: Uint8Array }
  | { field: number; type: 1 | 5; value: Uint8Array };

/** The fields of one message, in wire order (repeated fields appear once per value). */
export function* readFields(buffer: Uint8Array): Generator<WireField> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= buffer.length) throw new WireError('truncated varint');
      const byte = buffer[pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new WireError('varint longer than 10 bytes');
  };
  const take = (length: number): Uint8Array => {
    if (length < 0 || pos + length > buffer.length) {
      throw new WireError(`field length ${length} runs past the end`);
    }
    const bytes = buffer.subarray(pos, pos + length);
    pos += length;
    return bytes;
  };
  while (pos < buffer.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const type = Number(tag & 7n);
    if (field === 0) throw new WireError('field number 0');
    if (type === 0) yield { field, type, value: varint() };
    else if (type === 2) yield { field, type, value: take(Number(varint())) };
    else if (type === 1) yield { field, type, value: take(8) };
    else if (type === 5) yield { field, type, value: take(4) };
    else throw new WireError(`unsupported wire type ${type}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeString(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WireError('string field is not valid UTF-8');
  }
}

/** A varint as a signed 64-bit integer (int64, int32), as a Number. */
export function toInt(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}
