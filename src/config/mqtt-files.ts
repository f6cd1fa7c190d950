// The MQTT transport's secrets that live in files (the chart mounts them from Secrets): the password and the
// TLS material. Read once, when the transport is created, so a missing or unreadable file stops the operator
// at start with the file's name rather than at the first connection attempt.
import { readFileSync } from 'node:fs';
import { ConfigError, type MqttConfig } from './config.js';

export interface MqttSecrets {
  password?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

type Read = (path: string) => Buffer;

/** Reads every file the config names; throws one ConfigError naming each file that cannot be read. */
export function readMqttSecrets(
  config: Pick<MqttConfig, 'password' | 'passwordFile' | 'caFile' | 'certFile' | 'keyFile'>,
  read: Read = (path) => readFileSync(path),
): MqttSecrets {
  const problems: string[] = [];
  const file = (flag: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return read(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(`--${flag}: cannot read "${path}"${code ? ` (${code})` : ''}`);
      return undefined;
    }
  };
  // A Secret mounted as a file usually ends in a newline that is not part of the password.
  const passwordText = file('mqtt-password-file', config.passwordFile)
    ?.toString('utf8')
    .replace(/\r?\n$/, '');
  const secrets: MqttSecrets = {};
  const password = passwordText ?? config.password;
  if (password !== undefined) secrets.password = password;
  const ca = file('mqtt-ca-file', config.caFile);
  const cert = file('mqtt-cert-file', config.certFile);
  const key = file('mqtt-key-file', config.keyFile);
  if (ca) secrets.ca = ca;
  if (cert) secrets.cert = cert;
  if (key) secrets.key = key;
  if (problems.length > 0) throw new ConfigError(problems);
  return secrets;
}
