// The embedded MQTT broker (aedes, in-process, in-memory persistence): what `npm start` runs so the operator
// and its proxies need no broker installed. Bound to 127.0.0.1 unless told otherwise, with its limits raised
// above the fleet size, optional users (password checked in constant time, never logged) and optional access
// rules, the same ones the mosquitto acl_file of the fleet grants (access/rules.ts).

import net from 'node:net';
import { Aedes, type Client } from 'aedes';
import pino, { type Logger } from 'pino';
import { Authorizer } from './access/authorizer.js';
import type { AccessPolicy } from './access/rules.js';
import { Credentials } from './credentials.js';

/**
 * Messages the broker holds for one client at a time, above any fleet it serves: aedes's defaults (42
 * messages queued while a client connects, 100 deliveries in flight at once) would stall or drop the burst
 * of a proxy publishing every device's retained state, or of the operator subscribing to all of them.
 */
export const EMBEDDED_BROKER_MESSAGE_LIMIT = 100_000;

/**
 * Where a refused publish goes instead of its topic: a topic no rule lets anyone read. mosquitto acknowledges
 * a refused QoS 1 publish and drops it (MQTT 3.1.1 §3.3.5 allows that or closing the connection); doing the
 * same here keeps a proxy whose device moved to another pool serving the rest of its devices, where closing
 * the connection would make it resend the same publish after every reconnect.
 */
const REFUSED_TOPIC = '$tdo/refused';

export interface EmbeddedBrokerOptions {
  /** Address to listen on. Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** TCP port; 0 or absent: a free port the system picks. */
  port?: number;
  /** User name → password. Without users any client may connect (and access rules cannot apply). */
  users?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Who may publish and subscribe to what; requires users. Without it every user may do anything. */
  access?: AccessPolicy;
  /** See EMBEDDED_BROKER_MESSAGE_LIMIT; raise it for a fleet larger than that. */
  messageLimit?: number;
  logger?: Logger;
}

export interface EmbeddedBroker {
  /** `mqtt://HOST:PORT`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Clients connected now. */
  connectedClients(): number;
  /** Replaces the access rules (after devices were added or moved); connected clients keep their sessions. */
  setAccess(policy: AccessPolicy): void;
  /** Disconnects every client and stops listening; safe to call twice. */
  stop(): Promise<void>;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const limit = options.messageLimit ?? EMBEDDED_BROKER_MESSAGE_LIMIT;
  const log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'broker' });
  if (options.access && !options.users) {
    throw new Error('embedded broker: access rules need users (the rules are granted per user)');
  }
  const credentials = options.users ? new Credentials(options.users) : undefined;
  let authorizer = options.access ? new Authorizer(options.access) : undefined;
  // The user each client authenticated as; the client id alone says nothing a client cannot choose.
  const userOf = new WeakMap<Client, string>();
  const willOf = new WeakMap<Client, string>();

  const broker = await Aedes.createBroker({
    concurrency: limit,
    queueLimit: limit,
    preConnect(client, packet, done) {
      if (packet.will) willOf.set(client, packet.will.topic);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      if (!credentials) return done(null, true);
      if (!credentials.verify(username, password)) {
        log.warn(
          { clientId: client.id, username: username ?? null },
          'connection refused: wrong user or password',
        );
        return done(Object.assign(new Error('bad user name or password'), { returnCode: 4 as const }), false);
      }
      const will = willOf.get(client);
      if (authorizer && will !== undefined && !authorizer.canWrite(username, will)) {
        log.warn(
          { clientId: client.id, username, topic: will },
          'connection refused: last will topic not allowed',
        );
        return done(Object.assign(new Error('not authorized'), { returnCode: 5 as const }), false);
      }
      userOf.set(client, username as string);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      if (packet.topic.startsWith('$')) return done(new Error(`${packet.topic}: reserved topic`));
      // No client: a will aedes publishes for a client gone before it restarted, checked when it connected.
      if (!authorizer || !client || authorizer.canWrite(userOf.get(client), packet.topic)) return done(null);
      log.warn({ clientId: client.id, username: userOf.get(client), topic: packet.topic }, 'publish refused');
      packet.topic = REFUSED_TOPIC;
      packet.retain = false;
      packet.payload = Buffer.alloc(0);
      done(null);
    },
    // Every subscription is granted and every message checked against its reader's rules before it is
    // delivered (below), as mosquitto does with an acl_file: a proxy's `tdo/v1/devices/+/commands` brings it
    // its own devices' commands and nothing else, on either broker.
    authorizeForward(client, packet) {
      if (packet.topic === REFUSED_TOPIC) return null;
      if (!authorizer || authorizer.canRead(userOf.get(client), packet.topic)) return packet;
      return null;
    },
  });

  broker.on('clientError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'client error'),
  );
  broker.on('connectionError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'connection error'),
  );

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new Error(
      `embedded broker: cannot listen on ${host}:${options.port ?? 0}: ${(err as Error).message}`,
    );
  }
  server.on('error', (err) => log.error({ err: err.message }, 'listener error'));
  const { port } = server.address() as net.AddressInfo;
  const url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, users: credentials !== undefined, access: authorizer !== undefined }, 'broker listening');
  if (!credentials && !isLoopback(host)) {
    log.warn(
      { url },
      'broker reachable from other machines without users: anyone there can publish commands',
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    connectedClients: () => broker.connectedClients,
    setAccess(policy) {
      if (!credentials) throw new Error('embedded broker: access rules need users');
      authorizer = new Authorizer(policy);
    },
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        log.info({ url }, 'broker stopped');
      })();
      return stopping;
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
