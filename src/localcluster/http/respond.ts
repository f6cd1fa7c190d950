// Writing responses: JSON bodies (already serialized where possible), Status errors and Warning headers.
import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors.js';
import { JSON_TYPE } from './negotiate.js';

/** `Warning: 299 - "text"`, one header value per warning (RFC 7234 quoting). */
export function warningHeader(warnings: readonly string[]): string[] {
  return warnings.map((w) => `299 - "${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: string,
  contentType: string = JSON_TYPE,
  warnings: readonly string[] = [],
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const headers: Record<string, string | string[] | number> = {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
  };
  if (warnings.length > 0) headers.Warning = warningHeader(warnings);
  res.writeHead(code, headers);
  res.end(body);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.code, JSON.stringify(error.toStatus()));
}
