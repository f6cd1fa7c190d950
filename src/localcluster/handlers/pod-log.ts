// GET pods/<name>/log: a local pod's container output as text/plain, with the PodLogOptions query
// parameters kubectl sends (container, follow, previous, tailLines, limitBytes, sinceSeconds, sinceTime,
// timestamps). follow streams new lines (chunked) until the container stops or the client goes.
import { badRequest } from '../errors.js';
import { type LogEntry, readEntries, render } from '../pods/logs.js';
import type { ResourceRequest } from './context.js';
import { queryFlag } from './options.js';

const FOLLOW_POLL_MS = 200;

function flag(query: URLSearchParams, key: string): boolean {
  return queryFlag(query, key) === true;
}

function positive(query: URLSearchParams, key: string, min: number): number | undefined {
  const text = query.get(key);
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw badRequest(
      `${key}: Invalid value: ${text}: must be greater than ${min === 0 ? 'or equal to 0' : '0'}`,
    );
  }
  return value;
}

interface Window {
  tail: number | undefined;
  since: number | undefined;
  limit: number | undefined;
  timestamps: boolean;
}

function windowOf(query: URLSearchParams, now: Date): Window {
  const sinceSeconds = positive(query, 'sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime !== null) {
    throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  }
  const since = sinceTime !== null ? Date.parse(sinceTime) : undefined;
  if (since !== undefined && Number.isNaN(since)) throw badRequest(`sinceTime: Invalid value: ${sinceTime}`);
  return {
    tail: positive(query, 'tailLines', 0),
    since: sinceSeconds !== undefined ? now.getTime() - sinceSeconds * 1000 : since,
    limit: positive(query, 'limitBytes', 1),
    timestamps: flag(query, 'timestamps'),
  };
}

function select(entries: LogEntry[], w: Window): LogEntry[] {
  let out =
    w.since === undefined ? entries : entries.filter((e) => Date.parse(e.time) >= (w.since as number));
  if (w.tail !== undefined) out = w.tail === 0 ? [] : out.slice(-w.tail);
  return out;
}

export async function getPodLog(r: ResourceRequest, name: string): Promise<void> {
  const { ctx, query, res, req } = r;
  const pod = ctx.api.get(r.served, r.namespace ?? '', name).object();
  if (!ctx.podLogs) throw badRequest(`pod "${name}" does not run on this machine: no local pods are enabled`);
  const w = windowOf(query, ctx.api.now());
  const log = ctx.podLogs.logOf(pod, query.get('container') ?? undefined, flag(query, 'previous'));
  const first = await readEntries(log.path);
  let budget = w.limit ?? Number.POSITIVE_INFINITY;
  const send = (text: string) => {
    const bytes = Buffer.from(text);
    const part = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
    budget -= part.length;
    if (part.length > 0) res.write(part);
  };
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  send(render(select(first.entries, w), w.timestamps));
  if (!flag(query, 'follow')) {
    res.end();
    return;
  }
  let next = first.next;
  let gone = false;
  req.on('close', () => {
    gone = true;
  });
  res.on('close', () => {
    gone = true;
  });
  while (!gone && budget > 0) {
    const live = log.live();
    const more = await readEntries(log.path, next);
    next = more.next;
    send(render(more.entries, w.timestamps));
    if (!live) break;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
  if (!res.writableEnded) res.end();
}
