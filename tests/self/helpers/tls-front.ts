// An https front for the embedded mock, as a private network serves a host: a certificate authority
// made at test time with openssl, certificates it signs (for the host, already expired, for another
// name), and a TLS server that passes each connection on to the mock's plain http port.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

/** A name no public DNS answers for: `.internal` is the top-level domain set aside for private networks. */
export const PRIVATE_HOST = 'conformance.internal';

export interface PrivateCa {
  /** The CA certificate, PEM: what NODE_EXTRA_CA_CERTS or CONFORMANCE_CA_FILE names. */
  caFile: string;
  keyFile: string;
  /** Server certificates signed by the CA, PEM. */
  certs: { valid: string; expired: string; otherName: string };
}

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

/** Makes a CA and its three server certificates in `dir` (P-256 keys: quick to make). */
export function makePrivateCa(dir: string, host = PRIVATE_HOST): PrivateCa {
  fs.mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, 'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Conformance Test CA');
  openssl(dir, 'req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${host}`);
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  const sign = (name: string, san: string, dates: string[]) => {
    fs.writeFileSync(path.join(dir, `${name}.cnf`), caConfig(san));
    openssl(
      dir,
      'ca',
      '-batch',
      '-notext',
      '-config',
      `${name}.cnf`,
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      'server.csr',
      '-out',
      `${name}.pem`,
      ...dates,
    );
    return path.join(dir, `${name}.pem`);
  };
  return {
    caFile: path.join(dir, 'ca.pem'),
    keyFile: path.join(dir, 'server.key'),
    certs: {
      valid: sign('valid', `DNS:${host}`, ['-days', '2']),
      expired: sign('expired', `DNS:${host}`, ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']),
      otherName: sign('other-name', 'DNS:other.conformance.internal', ['-days', '2']),
    },
  };
}

function caConfig(san: string): string {
  return [
    '[ca]',
    'default_ca = test_ca',
    '[test_ca]',
    'database = index.txt',
    'new_certs_dir = .',
    'serial = serial',
    'default_md = sha256',
    'policy = any',
    'unique_subject = no',
    'x509_extensions = server',
    '[any]',
    'commonName = supplied',
    '[server]',
    `subjectAltName = ${san}`,
    'basicConstraints = CA:FALSE',
    'extendedKeyUsage = serverAuth',
    '',
  ].join('\n');
}

/** A TLS server on a free loopback port with this certificate, passing every connection on to `upstream` (http://127.0.0.1:port). */
export async function startTlsFront(upstream: string, keyFile: string, certFile: string) {
  const port = Number(new URL(upstream).port);
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, socket => {
    const back = net.connect(port, '127.0.0.1');
    for (const s of [socket, back]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        socket.destroy();
        back.destroy();
      });
    }
    socket.pipe(back).pipe(socket);
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
