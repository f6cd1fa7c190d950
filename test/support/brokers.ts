// The two real MQTT brokers the transport tests run on, each on its own free 127.0.0.1 port so tests never
// meet another run's broker: mosquitto (the Debian package, as most installations run it; .ci/run installs
// it) and the embedded aedes (what `npm start` will use). Every test starts its broker and stops it after:
// no process or listener is left behind.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { Aedes } from 'aedes';

/** Where Debian installs mosquitto; `mosquitto` on PATH is used when it is not there. */
const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', 'mosquitto'];

/**
 * Above any fleet the tests run: a broker's defaults (mosquitto queues 1,000 messages per client and drops
 * the rest) would silently lose messages in a test with more devices than that.
 */
export const BROKER_QUEUE_LIMIT = 100_000;

/** PEM files (paths) of a TLS listener that wants a client certificate signed by `caFile`. */
export interface BrokerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** What the brokers may be asked for beyond an anonymous 127.0.0.1 listener. */
export interface BrokerSecurity {
  /** Listen with TLS only (mqtts://), requiring a client certificate. */
  tls?: BrokerTls;
  /** Refuse anonymous clients: only these user names with these passwords connect. */
  users?: Readonly<Record<string, string>>;
}

export interface TestBroker {
  readonly name: 'mosquitto' | 'aedes';
  /** `mqtt://127.0.0.1:PORT`, or `mqtts://127.0.0.1:PORT` with TLS. */
  readonly url: string;
  readonly port: number;
  /** Takes the broker away from every client and brings it back on the same port, sessions kept. */
  restart(): Promise<void>;
  /** Stops the broker for good; safe to call twice. */
  stop(): Promise<void>;
}

/** The brokers every transport test runs on: one describe per entry. */
export const BROKERS: ReadonlyArray<{
  name: TestBroker['name'];
  start: (security?: BrokerSecurity) => Promise<TestBroker>;
}> = [
  { name: 'mosquitto', start: (security) => startMosquitto(security) },
  { name: 'aedes', start: (security) => startAedes(security) },
];

/**
 * The brokers as an installation runs them untuned: mosquitto with its default queue limits (20 in flight,
 * 1,000 queued per client), and aedes as `npm start` embeds it. For the tests that prove nothing is lost
 * where a broker would drop messages.
 */
export const BROKERS_AS_INSTALLED: ReadonlyArray<{
  name: TestBroker['name'];
  start: () => Promise<TestBroker>;
}> = [
  { name: 'mosquitto', start: () => startMosquitto({ defaultLimits: true }) },
  { name: 'aedes', start: () => startAedes() },
];

/** A port nobody listens on now (the kernel's choice), for a broker to bind. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts TCP connections on the port; rejects after `timeoutMs`. */
async function waitForListener(port: number, timeoutMs: number, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    const exit = exited();
    if (exit !== null) throw new Error(`mosquitto exited before listening: ${exit}`);
    if (Date.now() > deadline)
      throw new Error(`no broker listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface MosquittoOptions extends BrokerSecurity {
  /**
   * Keep mosquitto's own queue limits (max_queued_messages 1000, max_inflight_messages 20), as an
   * installation that never tuned them runs, instead of raising them to BROKER_QUEUE_LIMIT: for the tests
   * that prove the operator loses nothing on such a broker.
   */
  defaultLimits?: boolean;
}

/**
 * mosquitto with a generated config in a temp dir: anonymous, 127.0.0.1 only, persistence on (so a restart
 * keeps sessions and their queued QoS 1 messages), queue limits raised to BROKER_QUEUE_LIMIT unless
 * `defaultLimits` says otherwise.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<TestBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'tdo-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  const security: string[] = [];
  if (options.users) {
    const passwords = join(dir, 'passwords');
    await writeFile(passwords, '');
    for (const [user, password] of Object.entries(options.users)) {
      const made = spawnSync('mosquitto_passwd', ['-b', passwords, user, password], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr || made.error}`);
    }
    security.push('allow_anonymous false', `password_file ${passwords}`);
  } else {
    security.push('allow_anonymous true');
  }
  if (options.tls) {
    const { caFile, certFile, keyFile } = options.tls;
    security.push(
      `cafile ${caFile}`,
      `certfile ${certFile}`,
      `keyfile ${keyFile}`,
      'require_certificate true',
    );
  }
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      ...security,
      'persistence true',
      `persistence_location ${dir}/`,
      // Started as root, mosquitto would switch to the user `mosquitto`, who cannot write the temp dir.
      `user ${userInfo().username}`,
      ...(options.defaultLimits
        ? []
        : [`max_queued_messages ${BROKER_QUEUE_LIMIT}`, 'max_inflight_messages 0']),
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let stderr = '';

  const launch = async (): Promise<void> => {
    let exit: string | null = null;
    const binary = MOSQUITTO_PATHS.find((p) => !p.startsWith('/') || existsSync(p)) ?? 'mosquitto';
    const proc = spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.once('error', (err) => {
      exit = `${err.message} (install it: apt-get install -y mosquitto)`;
    });
    proc.once('exit', (code, signal) => {
      exit ??= `code ${code}, signal ${signal}, stderr: ${stderr.trim()}`;
    });
    await waitForListener(port, 5_000, () => exit);
  };

  // SIGTERM makes mosquitto write its persistence file before it exits, which restart() relies on.
  const halt = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    name: 'mosquitto',
    url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * aedes embedded in the test process, on 127.0.0.1, with its in-memory persistence and limits raised to
 * BROKER_QUEUE_LIMIT. Its restart closes the listener and every connection and listens again on the same
 * port; the broker (and so each session with its queued messages) stays, as its memory is all it has.
 */
export async function startAedes(options: BrokerSecurity = {}): Promise<TestBroker> {
  const { users } = options;
  const broker = await Aedes.createBroker({
    concurrency: BROKER_QUEUE_LIMIT,
    queueLimit: BROKER_QUEUE_LIMIT,
    maxInflightInbound: 0,
    ...(users && {
      authenticate: (_client, username, password, done) => {
        const known = username !== undefined && Object.hasOwn(users, username);
        if (known && users[username] === password?.toString()) return done(null, true);
        // 4: bad user name or password, as mosquitto answers too.
        done(Object.assign(new Error('bad user name or password'), { returnCode: 4 }), false);
      },
    }),
  });
  const tlsOptions = options.tls && {
    ca: await readFile(options.tls.caFile),
    cert: await readFile(options.tls.certFile),
    key: await readFile(options.tls.keyFile),
    requestCert: true,
    rejectUnauthorized: true,
  };
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const port = await freePort();

  const listen = async (): Promise<void> => {
    const onSocket = (socket: net.Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      broker.handle(socket);
    };
    const s = tlsOptions ? tls.createServer(tlsOptions, onSocket) : net.createServer(onSocket);
    server = s;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', resolve);
    });
  };

  const unlisten = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen();
  return {
    name: 'aedes',
    url: `${tlsOptions ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    async restart() {
      await unlisten();
      await listen();
    },
    async stop() {
      await unlisten();
      if (!broker.closed) await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
