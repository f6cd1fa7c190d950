// /openapi/v2, kept minimal on purpose. kubectl reads it in one place that OpenAPI v3 does not cover: a `kind: List`
// document (what `kubectl get -o yaml` prints) is validated client-side, and that validator downloads v2 and
// fails with "the server could not find the requested resource" on a 404. A v2 document without definitions
// makes it skip the per-kind checks, exactly as for a kind a real server does not publish; fields are still
// validated by the server (fieldValidation=Strict). client-go asks for protobuf (gnostic openapi_v2.Document).
import { KUBERNETES_VERSION } from '../discovery.js';

/**
 * The Content-Type to answer with. Clients ask for `...spec.v2@v1.0+protobuf`, but client-go parses the response
 * Content-Type with mime.ParseMediaType, which rejects the `@`: answer with the dotted form, as kube-openapi does.
 */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

// Protocol buffers wire format: a length-delimited field is (field << 3 | 2), a varint length, then the bytes.
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function field(number: number, bytes: Uint8Array | number[]): number[] {
  return [(number << 3) | 2, ...varint(bytes.length), ...bytes];
}

const utf8 = (text: string) => [...new TextEncoder().encode(text)];

/** The v2 document: Swagger 2.0 with an Info, and empty paths and definitions. */
export function openapiV2Document(): { body: object; protobuf: Uint8Array } {
  const info = { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion };
  const body = { swagger: '2.0', info, paths: {}, definitions: {} };
  // openapi_v2.Document: swagger = 1, info = 2 (Info: title = 1, version = 2), paths = 8, definitions = 9.
  const protobuf = new Uint8Array([
    ...field(1, utf8(body.swagger)),
    ...field(2, [...field(1, utf8(info.title)), ...field(2, utf8(info.version))]),
    ...field(8, []),
    ...field(9, []),
  ]);
  return { body, protobuf };
}

/** True when the Accept header asks for the protobuf form (client-go's only request). */
export function wantsOpenapiV2Protobuf(acceptHeader: string | undefined): boolean {
  return (acceptHeader ?? '').toLowerCase().includes('application/com.github.proto-openapi.spec.v2');
}
