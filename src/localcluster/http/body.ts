// Request bodies: read with kube-apiserver's 3 MiB limit, decoded from JSON, YAML or protobuf, and refused
// when they nest deeper than any object does or name `__proto__` (see checkDecoded).
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../errors.js';
import { decodeProtobufObject } from '../protobuf/decode.js';
import { mediaType } from './negotiate.js';

const LIMIT = 3 * 1024 * 1024;
/**
 * Past the limit the rest of a body is read and dropped, so the client gets its 413 rather than a reset
 * connection; a client still sending after this much more is cut off.
 */
const DISCARD_LIMIT = 64 * 1024 * 1024;
/**
 * Objects and arrays nested deeper than this are refused: real objects (CRD schemas included) stay far
 * below it, and every layer after decoding (validation, patches, managed fields) may recurse once a level.
 */
export const MAX_DEPTH = 512;
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', PROTOBUF] as const;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LIMIT) {
        chunks.push(chunk);
        return;
      }
      if (!refused) {
        // answered at once; the rest of the body is drained so the answer reaches the client
        refused = true;
        chunks = [];
        reject(tooLarge());
      }
      if (size > LIMIT + DISCARD_LIMIT) req.destroy();
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Refuses a decoded body that nests deeper than MAX_DEPTH or has a `__proto__` key anywhere: JSON.parse
 * makes it an own property, but any later `copy[key] = value` would set a prototype instead. Iterative,
 * so the check itself cannot overflow the stack.
 */
export function checkDecoded(value: unknown): void {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth > MAX_DEPTH) {
      throw badRequest(`the request body nests objects and arrays more than ${MAX_DEPTH} levels deep`);
    }
    if (Array.isArray(item)) {
      for (const child of item) pending.push([child, depth + 1]);
      continue;
    }
    if (Object.hasOwn(item, '__proto__')) {
      throw badRequest('the request body has a field named "__proto__", which this server does not accept');
    }
    for (const key in item) pending.push([(item as Record<string, unknown>)[key], depth + 1]);
  }
}

export function parseJson(body: Buffer): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  checkDecoded(value);
  return value;
}

export function parseYamlOrJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  checkDecoded(value);
  return value;
}

/** An object sent to create or update (and a DeleteOptions body). */
export function decodeObject(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === '' || type === 'application/json') return parseJson(body);
  if (type === 'application/yaml') return parseYamlOrJson(body);
  if (type === PROTOBUF) {
    const value = decodeProtobufObject(body);
    checkDecoded(value);
    return value;
  }
  throw unsupportedMediaType(OBJECT_MEDIA_TYPES);
}
