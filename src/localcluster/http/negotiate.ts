// Content negotiation: what the client wants back (Accept) and how its body is encoded (Content-Type).
import { parseAccept } from '../discovery.js';

export type ResponseFormat =
  | { as: 'object' }
  | { as: 'table'; version: 'v1' | 'v1beta1' }
  | { as: 'partial'; version: 'v1' | 'v1beta1' };

export const JSON_TYPE = 'application/json';
const OBJECT: ResponseFormat = { as: 'object' };

export function contentTypeOf(format: ResponseFormat): string {
  if (format.as === 'table') return `application/json;as=Table;v=${format.version};g=meta.k8s.io`;
  if (format.as === 'partial')
    return `application/json;as=PartialObjectMetadata;v=${format.version};g=meta.k8s.io`;
  return JSON_TYPE;
}

/** The first representation in the Accept header this server can produce (plain JSON otherwise). */
export function responseFormat(accept: string | undefined): ResponseFormat {
  if (accept === undefined || !accept.includes('as=')) return OBJECT;
  for (const range of parseAccept(accept)) {
    const { as, g, v } = range.params;
    if (as === undefined) return { as: 'object' };
    if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
    if (as === 'Table') return { as: 'table', version: v };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList')
      return { as: 'partial', version: v };
  }
  return { as: 'object' };
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
