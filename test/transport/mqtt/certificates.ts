// A throwaway certificate authority for the TLS tests, made with the openssl command line: a CA, a broker
// certificate for 127.0.0.1 and a client certificate for the operator, all signed by it and valid a day.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  caFile: string;
  broker: { certFile: string; keyFile: string };
  client: { certFile: string; keyFile: string };
  /** Another CA, which signed nothing here: a broker certificate does not chain to it. */
  otherCaFile: string;
  remove(): void;
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function authority(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  ]);
}

function signed(dir: string, name: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  ]);
}

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'tdo-tls-'));
  authority(dir, 'ca');
  authority(dir, 'other-ca');
  signed(dir, 'broker', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  signed(dir, 'operator', 'extendedKeyUsage=clientAuth');
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    broker: { certFile: join(dir, 'broker.crt'), keyFile: join(dir, 'broker.key') },
    client: { certFile: join(dir, 'operator.crt'), keyFile: join(dir, 'operator.key') },
    otherCaFile: join(dir, 'other-ca.crt'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
