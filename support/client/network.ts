// The one way out for every request the suite makes (checks, setup, restore, the token endpoint and
// OpenID discovery): undici's fetch and request with one dispatcher per process, built from the
// network settings the configuration gives it (run/config.ts, as it is read), on first use.
// Per origin it is a ProxyAgent (a CONNECT tunnel through HTTPS_PROXY / HTTP_PROXY) or a plain pool,
// as routeOf() decides, so that the plan and the errors describe the route the requests really take.
// (undici's EnvHttpProxyAgent would route by the same variables, but it warns on every run that it is
// experimental, matches NO_PROXY otherwise than curl, and would send the embedded mock to the proxy.)
// The extra CA certificates are trusted on every TLS connection, the tunnelled ones included.
// undici is loaded with the first dispatcher: a process that only reads the configuration needs none.
import fs from 'node:fs';
import tls from 'node:tls';
import type { Dispatcher, Pool as PoolType } from 'undici';
import { registerSecret } from '../report/secrets';
import { DIRECT, routeOf, proxySecrets, type NetworkSettings } from './network-settings';

let loaded: typeof import('undici') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const undici = () => (loaded ??= require('undici') as typeof import('undici'));

/** A dispatcher that sends each origin through the proxy routeOf() names for it, or directly. */
export function createDispatcher(settings: NetworkSettings): Dispatcher {
  const { Agent, Pool, ProxyAgent } = undici();
  // Node's own roots and the extra files: a `ca` given to TLS replaces the default store, NODE_EXTRA_CA_CERTS included.
  // Built with the first origin that may need TLS: a run against the embedded mock (plain HTTP, direct) never
  // pays for parsing the roots (about 50 ms a process).
  let connect: { secureContext?: tls.SecureContext } | undefined;
  const connectOptions = () => {
    if (connect) return connect;
    const ca = settings.caFiles.length
      ? [...tls.rootCertificates, ...settings.caFiles.map(({ file }) => fs.readFileSync(file, 'utf8'))]
      : undefined;
    return (connect = ca ? { secureContext: tls.createSecureContext({ ca }) } : {});
  };
  for (const secret of proxySecrets(settings)) registerSecret(secret);
  return new Agent({
    factory: (origin, options) => {
      const route = routeOf(settings, String(origin));
      if ('direct' in route) {
        const plain = String(origin).startsWith('http:');
        return new Pool(origin, (plain ? options : { ...options, connect: connectOptions() }) as PoolType.Options);
      }
      return new ProxyAgent({ uri: route.proxy.url, requestTls: connectOptions(), proxyTls: connectOptions() });
    },
  });
}

let settings: NetworkSettings = DIRECT;
let dispatcher: Dispatcher | undefined;

/** Sets this process's network settings: the configuration does, as it is read (run/config.ts). */
export function useNetworkSettings(value: NetworkSettings): void {
  if (value === settings) return;
  settings = value;
  void dispatcher?.close();
  dispatcher = undefined;
}

/** This process's network settings: direct, with Node's own CA certificates, until the configuration sets others. */
export function networkSettings(): NetworkSettings {
  return settings;
}

/** This process's dispatcher, built on first use. */
export function networkDispatcher(): Dispatcher {
  return (dispatcher ??= createDispatcher(networkSettings()));
}

/** fetch through this process's dispatcher: the global fetch would ignore the proxy. */
export const networkFetch = ((input: string | URL, init: RequestInit = {}) =>
  undici().fetch(input, { ...(init as object), dispatcher: networkDispatcher() })) as unknown as typeof fetch;

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * One request in which a header may repeat (fetch would merge two Authorization lines into one): each
 * value of an array is sent as a header line of its own. (An object, not undici's flat array of names
 * and values: a ProxyAgent turns that array into an object, and the last of two lines would win.)
 */
export async function requestWithLines(
  url: string,
  method: 'GET' | 'PUT',
  headers: Record<string, string | string[]>,
  body: Buffer | undefined,
  deadlineMs: number,
): Promise<RawAnswer> {
  const answer = await undici().request(url, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(deadlineMs),
    dispatcher: networkDispatcher(),
  });
  const received = Object.fromEntries(
    Object.entries(answer.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
  return { status: answer.statusCode, headers: received, text: await answer.body.text() };
}
