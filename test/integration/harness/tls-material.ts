// Test-made TLS material (openssl): a throwaway CA and one loopback server certificate, PEM and PKCS12.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsMaterial {
  /** PEM files. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** The CA certificate's text, for clients configured in code. */
  caPem: string;
  /** Writes a PKCS12 keystore (key, certificate, CA chain) for Java servers and returns its path. */
  pkcs12(password: string): string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA and a certificate for 127.0.0.1 / localhost signed by it, valid for two days, in `dir`. */
export function createTlsMaterial(dir: string): TlsMaterial {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=edr-test-ca'],
    dir,
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  const extensions = join(dir, 'server.ext');
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      extensions,
    ],
    dir,
  );
  return {
    caCert: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    pkcs12(password: string) {
      const path = join(dir, 'server.p12');
      openssl(
        [
          'pkcs12',
          '-export',
          '-in',
          'server.crt',
          '-inkey',
          'server.key',
          '-certfile',
          'ca.crt',
          '-name',
          'server',
          '-out',
          path,
          '-passout',
          `pass:${password}`,
        ],
        dir,
      );
      return path;
    },
  };
}
