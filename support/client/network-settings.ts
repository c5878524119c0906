// The way out of this machine, as a corporate network sets it: a forward proxy (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY, each also in lower case, which wins as with curl and undici) and extra CA certificates
// (CONFORMANCE_CA_FILE, NODE_EXTRA_CA_CERTS). Validated like the rest of the configuration; the
// client's dispatcher (client/network.ts) routes every request by routeOf(), and the plan, the
// report's environment and the setup errors describe the same route, the proxy's password as ***.
import { parseCaFile, parseProxyUrl } from './network-parsers';

export interface ProxySetting {
  /** The proxy's URL, credentials included: only the dispatcher may use it; print redactProxyUrl(url). */
  url: string;
  /** The variable it came from, as set (HTTPS_PROXY, https_proxy, ...): what an error tells the user to fix. */
  variable: string;
}

export interface NoProxyEntry {
  /** Lower-case host name or IP address, without a leading dot or `*.`; '*' matches every host. */
  host: string;
  port?: number;
}

export interface NetworkSettings {
  httpsProxy?: ProxySetting;
  httpProxy?: ProxySetting;
  noProxy: NoProxyEntry[];
  /** The variable NO_PROXY came from, when set. */
  noProxyVariable?: string;
  /** Files of CA certificates trusted besides Node's own, each with the variable that named it. */
  caFiles: { file: string; variable: string }[];
}

export const NETWORK_VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
  'CONFORMANCE_CA_FILE',
] as const;

/** The first of the names set to something (an empty value counts as unset). */
function firstSet(env: NodeJS.ProcessEnv, ...names: string[]): { value: string; variable: string } | undefined {
  for (const variable of names) {
    const value = env[variable]?.trim();
    if (value) return { value, variable };
  }
  return undefined;
}

function proxyFrom(env: NodeJS.ProcessEnv, ...names: string[]): ProxySetting | undefined {
  const set = firstSet(env, ...names);
  return set && { url: parseProxyUrl(set.variable, set.value), variable: set.variable };
}

function noProxyEntries(raw: string): NoProxyEntry[] {
  return raw
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(entry => {
      const port = /^(.+):(\d+)$/.exec(entry);
      const host = (port ? port[1]! : entry).toLowerCase();
      return { host: host === '*' ? '*' : host.replace(/^\*?\.+/, ''), ...(port && { port: Number(port[2]) }) };
    });
}

/** No proxy and Node's own CA certificates: every request goes directly. */
export const DIRECT: NetworkSettings = Object.freeze({ noProxy: [], caFiles: [] });

/**
 * Validates the network variables of `env` (run/config.ts passes the suite's); throws ConfigError naming
 * the variable (never its value: it may hold a password).
 */
export function readNetworkSettings(env: NodeJS.ProcessEnv): NetworkSettings {
  const httpProxy = proxyFrom(env, 'http_proxy', 'HTTP_PROXY');
  // As undici's EnvHttpProxyAgent: an https request falls back to HTTP_PROXY when HTTPS_PROXY is unset.
  const httpsProxy = proxyFrom(env, 'https_proxy', 'HTTPS_PROXY') ?? httpProxy;
  const noProxy = firstSet(env, 'no_proxy', 'NO_PROXY');
  const caFiles = (['CONFORMANCE_CA_FILE', 'NODE_EXTRA_CA_CERTS'] as const)
    .map(variable => firstSet(env, variable))
    .filter(set => set !== undefined)
    .map(({ value, variable }) => ({ file: parseCaFile(variable, value), variable }));
  return { httpsProxy, httpProxy, noProxy: noProxyEntries(noProxy?.value ?? ''), noProxyVariable: noProxy?.variable, caFiles };
}

/** The settings when any of them is set, else undefined (every request goes directly, trusting Node's own CA certificates). */
export function networkIfSet(settings: NetworkSettings): NetworkSettings | undefined {
  const { httpsProxy, httpProxy, noProxy, caFiles } = settings;
  return httpsProxy || httpProxy || noProxy.length || caFiles.length ? settings : undefined;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

export type Route = { proxy: ProxySetting } | { direct: 'no proxy' | 'loopback' | 'NO_PROXY' };

/**
 * How a request to `url` leaves: through the proxy for its scheme, or direct. This machine's own
 * addresses (the embedded mock, Prism) are always reached directly. A NO_PROXY entry matches the host
 * and its sub-domains, as with curl (`.example.com` and `*.example.com` mean the same); with a port,
 * that port only; `*` matches every host. IP ranges (CIDR) are not understood.
 */
export function routeOf(settings: NetworkSettings, url: string | URL): Route {
  const { protocol, hostname, port } = new URL(url);
  const proxy = protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy) return { direct: 'no proxy' };
  const host = hostname.toLowerCase();
  if (LOOPBACK.test(host)) return { direct: 'loopback' };
  const portNumber = Number(port) || DEFAULT_PORTS[protocol];
  const covered = settings.noProxy.some(
    entry =>
      (entry.port === undefined || entry.port === portNumber) &&
      (entry.host === '*' || host === entry.host || host.endsWith(`.${entry.host}`)),
  );
  return covered ? { direct: 'NO_PROXY' } : { proxy };
}

/** The proxy's URL as it may be shown: `http://user:pass@proxy` becomes `http://user:***@proxy`. */
export function redactProxyUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.href.replace(/\/$/, '');
}

/** The values to register as secrets: the proxy passwords, decoded, and `user:password` (a Proxy-Authorization is its base64). */
export function proxySecrets(settings: NetworkSettings): string[] {
  return [settings.httpsProxy, settings.httpProxy].flatMap(proxy => {
    const url = proxy && new URL(proxy.url);
    if (!url?.password) return [];
    const password = decodeURIComponent(url.password);
    return [password, `${decodeURIComponent(url.username)}:${password}`];
  });
}

/** How requests to `url` leave, in a few words: "through the proxy http://u:***@p:3128 (HTTPS_PROXY)", "directly (NO_PROXY)". */
export function describeRoute(settings: NetworkSettings, url: string): string {
  const route = routeOf(settings, url);
  if ('proxy' in route) return `through the proxy ${redactProxyUrl(route.proxy.url)} (${route.proxy.variable})`;
  if (route.direct === 'NO_PROXY') return `directly (${settings.noProxyVariable} covers ${new URL(url).hostname})`;
  if (route.direct === 'loopback') return 'directly (this machine)';
  return 'directly (no proxy set)';
}

/** The extra CA certificates trusted, in a few words: "Node's own" when there are none. */
export function describeCaFiles(settings: NetworkSettings): string {
  if (settings.caFiles.length === 0) return "Node's own";
  return `Node's own and those in ${settings.caFiles.map(({ file, variable }) => `${file} (${variable})`).join(' and ')}`;
}

/** The plan's line: how requests to each URL leave, and which CA certificates are trusted. */
export function describeNetwork(settings: NetworkSettings, urls: { what: string; url: string }[]): string {
  const routes = urls.map(({ what, url }) => `${what} ${new URL(url).origin} go ${describeRoute(settings, url)}`);
  return `Network: requests to ${routes.join('; to ')}; CA certificates trusted: ${describeCaFiles(settings)}.`;
}
