// Ports on this machine: every local pod shares 127.0.0.1, so a containerPort (8081 in each of several
// pods) cannot be bound as is. Each pod gets a free local port per containerPort; an arg `HOST:PORT` or
// `:PORT` naming a containerPort becomes `127.0.0.1:<local port>`, and probes go to the local port.
import { createServer } from 'node:net';
import type { JsonObject } from '../resource-type.js';
import { isObject } from '../util/json.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PortMap {
  /** containerPort -> local port */
  byNumber: Map<number, number>;
  /** port name -> containerPort */
  byName: Map<string, number>;
}

export async function allocatePorts(containers: readonly JsonObject[]): Promise<PortMap> {
  const map: PortMap = { byNumber: new Map(), byName: new Map() };
  for (const c of containers) {
    for (const p of Array.isArray(c.ports) ? c.ports.filter(isObject) : []) {
      if (typeof p.containerPort !== 'number') continue;
      if (!map.byNumber.has(p.containerPort)) map.byNumber.set(p.containerPort, await freePort());
      if (typeof p.name === 'string') map.byName.set(p.name, p.containerPort);
    }
  }
  return map;
}

/** The local port a probe's `port` (number or name) reaches, or undefined. */
export function localPort(ports: PortMap, port: unknown): number | undefined {
  const container =
    typeof port === 'number'
      ? port
      : typeof port === 'string'
        ? (ports.byName.get(port) ?? Number(port))
        : NaN;
  return (
    ports.byNumber.get(container) ?? (Number.isInteger(container) && container > 0 ? container : undefined)
  );
}

export function rewritePort(arg: string, ports: PortMap): string {
  const match = /^(.*?)([A-Za-z0-9.[\]-]*):(\d+)$/.exec(arg);
  if (!match) return arg;
  const local = ports.byNumber.get(Number(match[3]));
  if (local === undefined) return arg;
  return `${match[1]}127.0.0.1:${local}`;
}
