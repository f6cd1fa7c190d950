// Request bodies: read with kube-apiserver's 3 MiB limit, decoded from JSON, YAML or protobuf.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../errors.js';
import { decodeProtobufObject } from '../protobuf/decode.js';
import { mediaType } from './negotiate.js';

const LIMIT = 3 * 1024 * 1024;
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', PROTOBUF] as const;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > LIMIT) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function parseYamlOrJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}

/** An object sent to create or update (and a DeleteOptions body). */
export function decodeObject(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === '' || type === 'application/json') return parseJson(body);
  if (type === 'application/yaml') return parseYamlOrJson(body);
  if (type === PROTOBUF) return decodeProtobufObject(body);
  throw unsupportedMediaType(OBJECT_MEDIA_TYPES);
}
