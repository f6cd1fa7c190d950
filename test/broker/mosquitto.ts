// The mosquitto of deploy/mosquitto as a user would run it, on a free 127.0.0.1 port: the shipped
// mosquitto.conf with its paths moved into a temp dir, a password file made with mosquitto_passwd, and an
// acl_file the test generates. Stopped (and its dir removed) by stop().

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import mqtt from 'mqtt';
import { freePort } from '../support/brokers.js';

export const SHIPPED_CONFIG = 'deploy/mosquitto/mosquitto.conf';
const MOSQUITTO = ['/usr/sbin/mosquitto', 'mosquitto'].find(
  (p) => !p.startsWith('/') || existsSync(p),
) as string;
const PASSWD = ['/usr/bin/mosquitto_passwd', 'mosquitto_passwd'].find(
  (p) => !p.startsWith('/') || existsSync(p),
);

export interface ShippedMosquitto {
  url: string;
  /** Writes a new acl_file and sends SIGHUP, as the README says to after regenerating it. */
  reload(acl: string): Promise<void>;
  stop(): Promise<void>;
}

/** The shipped config with this test's port and paths: each line the test changes must be in it. */
export function testConfig(shipped: string, port: number, dir: string): string {
  const replace = (text: string, pattern: RegExp, line: string): string => {
    if (!pattern.test(text)) throw new Error(`${SHIPPED_CONFIG} has no line matching ${pattern}`);
    return text.replace(pattern, line);
  };
  let text = replace(shipped, /^listener .*$/m, `listener ${port} 127.0.0.1`);
  text = replace(text, /^password_file .*$/m, `password_file ${dir}/passwords`);
  text = replace(text, /^acl_file .*$/m, `acl_file ${dir}/acl`);
  text = replace(text, /^persistence_location .*$/m, `persistence_location ${dir}/`);
  // Started as root, mosquitto would switch to the user `mosquitto`, who cannot read the temp dir.
  return `${text}\nuser ${userInfo().username}\n`;
}

export async function startShippedMosquitto(
  users: Record<string, string>,
  acl: string,
): Promise<ShippedMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'tdo-mosquitto-acl-'));
  const port = await freePort();
  const passwords = join(dir, 'passwords');
  await writeFile(passwords, '');
  // -b takes the password as an argument: fine for a test, not for a shell history (see the README).
  for (const [user, password] of Object.entries(users)) {
    execFileSync(PASSWD ?? 'mosquitto_passwd', ['-b', passwords, user, password], { stdio: 'pipe' });
  }
  await writeFile(join(dir, 'acl'), acl);
  await writeFile(join(dir, 'mosquitto.conf'), testConfig(readFileSync(SHIPPED_CONFIG, 'utf8'), port, dir));
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let exited: string | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.once('error', (err) => {
    exited = err.message;
  });
  child.once('exit', (code, signal) => {
    exited ??= `code ${code}, signal ${signal}`;
  });
  const url = `mqtt://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  };
  // Ready once a user of the password file can connect: the config, the password file and the acl parsed.
  const [user, password] = Object.entries(users)[0] as [string, string];
  for (const deadline = Date.now() + 10_000; ; ) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`mosquitto exited (${exited}): ${stderr.trim()}`);
    }
    const client = await mqtt
      .connectAsync(url, { username: user, password, reconnectPeriod: 0, connectTimeout: 2_000 })
      .catch(() => undefined);
    if (client) {
      await client.endAsync(true);
      const reload = async (acl: string) => {
        await writeFile(join(dir, 'acl'), acl);
        child.kill('SIGHUP');
      };
      return { url, reload, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not accept ${user} on ${url}: ${stderr.trim()}`);
    }
    await pause(50);
  }
}
