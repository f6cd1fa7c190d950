// GET /readyz: ok while the store can write; otherwise 500 with the checks listed as kube-apiserver lists
// them ("[-]etcd failed"), here the data directory's write-ahead log, so a probe or a user sees why.
import type { ServerResponse } from 'node:http';
import type { Health } from '../store/database.js';

export function sendReadiness(res: ServerResponse, health: Health): undefined {
  res.writeHead(health.ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(health.ok ? 'ok' : `[+]ping ok\n[-]storage failed: ${health.message}\nreadyz check failed\n`);
  return undefined;
}
