// How the device agent fetches an artifact, as a device would: streamed from its URL, hashed on the way,
// refused as soon as it is larger than announced, and checked for size and sha256 at the end.

import { createHash } from 'node:crypto';
import type { UpdateArtifact } from '../transport/protocol.js';

export type DownloadResult = { ok: true } | { ok: false; message: string };

/** Downloads `artifact.url` and checks it; never throws (the message says what went wrong). */
export async function downloadAndCheck(
  artifact: UpdateArtifact,
  signal: AbortSignal,
): Promise<DownloadResult> {
  let response: Response;
  try {
    response = await fetch(artifact.url, { signal, redirect: 'follow' });
  } catch (err) {
    return { ok: false, message: `download failed: ${causeOf(err)}` };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    return { ok: false, message: `download failed: ${artifact.url} answered HTTP ${response.status}` };
  }
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > artifact.sizeBytes) {
        await response.body.cancel().catch(() => {});
        return { ok: false, message: `size mismatch: larger than the ${artifact.sizeBytes} bytes announced` };
      }
      hash.update(chunk);
    }
  } catch (err) {
    return { ok: false, message: `download failed: ${causeOf(err)}` };
  }
  if (size !== artifact.sizeBytes) {
    return { ok: false, message: `size mismatch: got ${size} bytes, expected ${artifact.sizeBytes}` };
  }
  const digest = hash.digest('hex');
  if (digest !== artifact.sha256.toLowerCase()) {
    return { ok: false, message: `sha256 mismatch: the artifact has ${digest}, expected ${artifact.sha256}` };
  }
  return { ok: true };
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
