// Why a request never reached its server, when the way there is at fault rather than the URL: a
// certificate this machine does not trust, one that has expired or names another host, a proxy that
// refuses or cannot be reached, a host name that cannot be resolved. Each comes with the fix, naming
// the variable to change, so that setup and the token request can stop with one line that says it.
import { redactProxyUrl, routeOf, type NetworkSettings } from './network-settings';

export interface NetworkFailure {
  /** What happened, in a few words, with the error's code. */
  reason: string;
  /** What to change, naming the variable. */
  fix: string;
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);
const NOT_RESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const NO_CONNECTION = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const SAY: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

interface Cause {
  code?: string;
  message?: string;
  hostname?: string;
  port?: number;
  cause?: unknown;
}

/** The errors of the chain, outermost first (fetch wraps the socket's error in a TypeError). */
function chainOf(error: unknown): Cause[] {
  const chain: Cause[] = [];
  for (let e = error as Cause | undefined; e && typeof e === 'object' && chain.length < 5; e = e.cause as Cause | undefined) chain.push(e);
  return chain;
}

/**
 * The failure of a request to `url` when it lies on the way there, else undefined (the caller's own
 * wording stands). `where` names the variable that holds the URL (API_BASE_URL, IMS_TOKEN_URL, ...).
 */
export function networkFailureOf(error: unknown, url: string, where: string, settings: NetworkSettings): NetworkFailure | undefined {
  const chain = chainOf(error);
  const { hostname: host, port } = new URL(url);
  const route = routeOf(settings, url);
  const coded = chain.find(e => typeof e.code === 'string' && e.code !== '0');
  const code = coded?.code ?? '';
  const caVariables = settings.caFiles.map(file => file.variable).join(' and ');
  if (UNTRUSTED.has(code))
    return {
      reason: `the certificate of ${host} is not trusted (${code})`,
      fix: caVariables
        ? `the CA certificates in ${caVariables} do not vouch for it: add the CA that signed it (on a network that inspects TLS, your organisation's CA) to NODE_EXTRA_CA_CERTS or CONFORMANCE_CA_FILE`
        : `set NODE_EXTRA_CA_CERTS (or CONFORMANCE_CA_FILE) to the PEM file of the CA certificate that signed it (on a network that inspects TLS, your organisation's CA)`,
    };
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return {
      reason: `the certificate of ${host} ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'} (${code})`,
      fix: `check that ${where} names the right host and this machine's clock is right; otherwise the server's certificate must be renewed by its owner`,
    };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = /.*altnames: (.+)$/.exec(coded?.message ?? '')?.[1];
    return {
      reason: `the certificate of ${host} is for another name (${code}${names ? `: it names ${names}` : ''})`,
      fix: `set ${where} to a host name its certificate names`,
    };
  }
  if ('proxy' in route) return proxyFailure(chain, code, route.proxy, host, port, where);
  if (!NOT_RESOLVED.has(code) && code !== 'UND_ERR_CONNECT_TIMEOUT') return undefined;
  const what = `${host} ${NOT_RESOLVED.has(code) ? 'could not be resolved' : 'did not accept a connection in time'} (${code})`;
  if (route.direct === 'NO_PROXY')
    return {
      reason: `${what}; ${settings.noProxyVariable} sends it past the proxy`,
      fix: `check ${where}, or take ${host} out of ${settings.noProxyVariable} so that it goes through the proxy`,
    };
  if (route.direct === 'no proxy')
    return {
      reason: `${what}, and no proxy is set`,
      fix: `check ${where}; on a network without a direct route out, set HTTPS_PROXY to the proxy (e.g. http://proxy.example.com:3128)`,
    };
  return undefined;
}

function proxyFailure(
  chain: Cause[],
  code: string,
  proxy: { url: string; variable: string },
  host: string,
  port: string,
  where: string,
): NetworkFailure | undefined {
  const shown = redactProxyUrl(proxy.url);
  const status = chain.map(e => /Proxy response \((\d+)\)/.exec(e.message ?? '')?.[1]).find(Boolean);
  if (status === '407') {
    const hasCredentials = new URL(proxy.url).username !== '';
    return {
      reason: `the proxy ${shown} asked for credentials (407 Proxy Authentication Required)`,
      fix: hasCredentials
        ? `check the user and password in ${proxy.variable}`
        : `put the proxy's user and password in ${proxy.variable} (http://user:password@host:port)`,
    };
  }
  if (status)
    return {
      reason: `the proxy ${shown} would not open a tunnel to ${host}${port ? `:${port}` : ''} (it answered ${status})`,
      fix: `check that ${where} names the right host and that the proxy lets it through (or, if it is reached directly, add it to NO_PROXY)`,
    };
  const proxyUrl = new URL(proxy.url);
  const atProxy = chain.some(
    e =>
      (e.port !== undefined && String(e.port) === (proxyUrl.port || (proxyUrl.protocol === 'https:' ? '443' : '80'))) ||
      e.hostname === proxyUrl.hostname,
  );
  if (!NO_CONNECTION.has(code) || (!atProxy && code !== 'UND_ERR_CONNECT_TIMEOUT')) return undefined;
  return {
    reason: `the proxy ${shown} could not be reached (${SAY[code] ?? code})`,
    fix: `check ${proxy.variable} (its host and port), or unset it where there is a direct route out`,
  };
}
