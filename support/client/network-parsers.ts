// The parsers of the network's settings (network-settings.ts): a proxy URL and a file of CA
// certificates, each turned into its value or a ConfigError of one line naming the variable and the fix.
import fs from 'node:fs';
import { ConfigError } from './config-error';

/** A proxy URL (HTTPS_PROXY and friends): http or https, host and port, credentials allowed; `proxy:3128` reads as http://proxy:3128. */
export function parseProxyUrl(variable: string, raw: string): string {
  const fix = `set it to e.g. http://proxy.example.com:3128 (with user:password@ before the host if the proxy asks for credentials), or unset it`;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new ConfigError(`${variable} is not a proxy URL: ${fix}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${variable} uses ${url.protocol.slice(0, -1)}, but only http and https proxies are supported: ${fix}.`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new ConfigError(`${variable} has a path, query or fragment, which a proxy URL does not: ${fix}.`);
  return url.href.replace(/\/$/, '');
}

/** A file of CA certificates in PEM form (CONFORMANCE_CA_FILE, NODE_EXTRA_CA_CERTS); returns its path. */
export function parseCaFile(variable: string, raw: string): string {
  const fix = `set it to your organisation's CA certificate file in PEM form, or unset it`;
  let text: string;
  try {
    text = fs.readFileSync(raw, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code})`;
    throw new ConfigError(`${variable} "${raw}" ${what}: ${fix}.`);
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text))
    throw new ConfigError(
      `${variable} "${raw}" is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block): ${fix} (openssl x509 -inform der -in ca.cer -out ca.pem converts a DER one).`,
    );
  return raw;
}
