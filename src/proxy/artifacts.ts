// Fetches update artifacts and checks them before any driver installs one. The bytes stream to a temp file in
// the state directory while their sha256 is computed, and stop at the size the command announced (plus one
// byte, to tell "too big" from "exactly right"), so a wrong or hostile URL cannot fill the disk. A checked
// artifact is kept under its sha256: 2,000 devices updating to one release fetch it once, and fetches of the
// same sha256 that overlap share one download.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { UpdateArtifact } from '../transport/protocol.js';
import type { CheckedArtifact } from './driver.js';

export const ARTIFACT_FAILURE_REASONS = [
  'http_status',
  'network',
  'size',
  'sha256',
  'too_large',
  'disk',
] as const;
export type ArtifactFailureReason = (typeof ARTIFACT_FAILURE_REASONS)[number];

/** How a fetch was served, the result label of the fetch metric. */
export type ArtifactFetchResult = 'downloaded' | 'cached' | 'shared';

export class ArtifactError extends Error {
  constructor(
    readonly reason: ArtifactFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}

export interface ArtifactStoreOptions {
  /** Where checked artifacts are kept, by sha256. */
  dir: string;
  logger: Logger;
  /** The largest artifact fetched at all, whatever a command says. */
  maxBytes?: number;
  /** How long one fetch may take in all. */
  timeoutMs?: number;
  /** Told how each fetch was served or why it failed (the proxy's metrics). */
  onFetch?: (result: ArtifactFetchResult) => void;
  onFailure?: (reason: ArtifactFailureReason) => void;
}

export const DEFAULT_MAX_ARTIFACT_BYTES = 8 * 1024 ** 3;

export class ArtifactStore {
  private readonly options: ArtifactStoreOptions;
  private readonly log: Logger;
  private readonly maxBytes: number;
  private readonly inFlight = new Map<string, Promise<CheckedArtifact>>();
  /** Artifacts on disk and checked, by sha256: their size. */
  private readonly checked = new Map<string, number>();
  private seq = 0;

  private constructor(options: ArtifactStoreOptions) {
    this.options = options;
    this.log = options.logger.child({ artifacts: options.dir });
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
  }

  /** The store of `dir`; temp files a crash left behind are removed. */
  static async open(options: ArtifactStoreOptions): Promise<ArtifactStore> {
    await mkdir(options.dir, { recursive: true });
    for (const name of await readdir(options.dir)) {
      if (name.endsWith('.part')) await rm(join(options.dir, name), { force: true });
    }
    return new ArtifactStore(options);
  }

  /** Whether the artifact is on disk and checked already, so fetching it costs no download. */
  has(artifact: UpdateArtifact): boolean {
    return this.checked.get(artifact.sha256.toLowerCase()) === artifact.sizeBytes;
  }

  /** The artifact fetched and checked; throws ArtifactError saying what is wrong. */
  async fetch(artifact: UpdateArtifact): Promise<CheckedArtifact> {
    const sha256 = artifact.sha256.toLowerCase();
    const path = join(this.options.dir, sha256);
    // Checked by this process already: the state directory is the proxy's own, so the file is still there,
    // and 2,000 commands for one release cost no stat each (a stat per command was an eighth of the proxy's
    // CPU at full speed).
    if (this.has(artifact)) {
      this.options.onFetch?.('cached');
      return { path, sha256, sizeBytes: artifact.sizeBytes };
    }
    const cached = await stat(path).catch(() => undefined);
    if (cached?.isFile() && cached.size === artifact.sizeBytes) {
      this.checked.set(sha256, cached.size);
      this.options.onFetch?.('cached');
      return { path, sha256, sizeBytes: cached.size };
    }
    const running = this.inFlight.get(sha256);
    if (running) {
      this.options.onFetch?.('shared');
      return this.sameSize(await running, artifact);
    }
    const download = this.download(artifact.url, sha256, artifact.sizeBytes, path);
    this.inFlight.set(sha256, download);
    try {
      const checked = await download;
      this.checked.set(sha256, checked.sizeBytes);
      this.options.onFetch?.('downloaded');
      return checked;
    } catch (err) {
      const reason = err instanceof ArtifactError ? err.reason : 'disk';
      this.options.onFailure?.(reason);
      if (err instanceof ArtifactError) throw err;
      throw new ArtifactError('disk', `cannot store the artifact: ${(err as Error).message}`);
    } finally {
      this.inFlight.delete(sha256);
    }
  }

  /** A shared download was for the same sha256; the size it announced must match too. */
  private sameSize(checked: CheckedArtifact, artifact: UpdateArtifact): CheckedArtifact {
    if (checked.sizeBytes !== artifact.sizeBytes) {
      this.options.onFailure?.('size');
      throw new ArtifactError(
        'size',
        `size mismatch: expected ${artifact.sizeBytes} bytes, got ${checked.sizeBytes}`,
      );
    }
    return checked;
  }

  private async download(
    url: string,
    sha256: string,
    sizeBytes: number,
    path: string,
  ): Promise<CheckedArtifact> {
    if (sizeBytes > this.maxBytes) {
      throw new ArtifactError(
        'too_large',
        `artifact of ${sizeBytes} bytes is larger than this proxy fetches (${this.maxBytes})`,
      );
    }
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 30 * 60_000);
    let response: Response;
    try {
      response = await fetch(url, { signal, redirect: 'follow' });
    } catch (err) {
      throw new ArtifactError('network', `cannot fetch ${shownUrl(url)}: ${causeOf(err)}`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ArtifactError('http_status', `fetching ${shownUrl(url)} answered HTTP ${response.status}`);
    }
    const temp = join(this.options.dir, `${sha256}.${process.pid}.${++this.seq}.part`);
    const hash = createHash('sha256');
    let received = 0;
    const limit = sizeBytes;
    try {
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.byteLength;
            // One byte over the announced size is enough to know it is wrong: stop reading there.
            if (received > limit)
              throw new ArtifactError('size', `size mismatch: expected ${limit} bytes, got more`);
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      if (received !== sizeBytes) {
        throw new ArtifactError('size', `size mismatch: expected ${sizeBytes} bytes, got ${received}`);
      }
      const actual = hash.digest('hex');
      if (actual !== sha256) {
        throw new ArtifactError('sha256', `sha256 mismatch: expected ${sha256}, got ${actual}`);
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      if (err instanceof ArtifactError) throw err;
      if (signal.aborted || (err as NodeJS.ErrnoException).code === undefined) {
        throw new ArtifactError(
          'network',
          `fetching ${shownUrl(url)} broke off after ${received} bytes: ${causeOf(err)}`,
        );
      }
      throw err;
    }
    this.log.info({ sha256, sizeBytes, url: shownUrl(url) }, 'artifact fetched and checked');
    return { path, sha256, sizeBytes };
  }
}

/**
 * A URL as messages and logs show it: without its query, fragment and userinfo, where signed URLs keep their
 * tokens.
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

function causeOf(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
