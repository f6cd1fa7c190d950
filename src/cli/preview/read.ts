// Reads one input as text within the byte budget: a regular file by its size, anything else (stdin, a FIFO,
// `-f <(kubectl get …)`, a device) as a stream that is cut off once it passes the budget.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { UsageError } from './errors.js';
import { formatBytes } from './limits.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function tooLarge(name: string, budget: number, limit: number): UsageError {
  const spent = limit - budget;
  const where =
    spent > 0
      ? `the input passes its limit of ${formatBytes(limit)} here (${formatBytes(spent)} read before)`
      : `larger than the input limit of ${formatBytes(limit)}`;
  return new UsageError(
    `${name}: ${where}; raise the limit with --max-input-bytes, e.g. --max-input-bytes 1Gi`,
  );
}

/** UTF-8 text, with a byte-order mark dropped; anything else is refused (YAML and JSON files are UTF-8). */
function decode(name: string, bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new UsageError(`${name}: not UTF-8 text: preview reads YAML and JSON in UTF-8`);
  }
}

async function readStream(name: string, stream: NodeJS.ReadableStream, budget: number, limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > budget) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw tooLarge(name, budget, limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

export interface Budget {
  /** Bytes still allowed. */
  left: number;
  readonly limit: number;
}

/** The text of `path` (`name` in messages; stdin when `path` is undefined), charged to the budget. */
export async function readInput(name: string, path: string | undefined, budget: Budget): Promise<string> {
  let bytes: Buffer;
  const stats = path === undefined ? undefined : statSync(path);
  if (path !== undefined && stats?.isFile()) {
    if (stats.size > budget.left) throw tooLarge(name, budget.left, budget.limit);
    bytes = readFileSync(path);
    if (bytes.length > budget.left) throw tooLarge(name, budget.left, budget.limit);
  } else {
    bytes = await readStream(
      name,
      path === undefined ? process.stdin : createReadStream(path),
      budget.left,
      budget.limit,
    );
  }
  budget.left -= bytes.length;
  return decode(name, bytes);
}
