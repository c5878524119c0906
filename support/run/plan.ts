// What a run against a live target says before its first request: a short block, one fact a line
// (global setup prints it), so a reader sees at a glance what will be changed, how much will be sent
// and where the original state is kept.
import path from 'node:path';
import { describeNetwork } from '../client/network-settings';
import type { SuiteConfig } from './config';

export interface LivePlan {
  baseUrl: string;
  connectionId: string;
  /** Most requests the checks may send (CONFORMANCE_REQUEST_BUDGET). */
  limit?: number;
  /** Most of them the 429 probe may send; 0 when it is off. */
  probeMaxRequests: number;
  /** The pace: most requests in any minute, and in flight at once (CONFORMANCE_RATE_PER_MINUTE, CONFORMANCE_CONCURRENCY). */
  pace: { perMinute: number; concurrency: number };
  /** Where the original state is recorded until it is restored, as the reader would type it. */
  recordFile: string;
  /** With a proxy set: the route of each host and the CA certificates trusted (network-settings.ts). */
  network?: string;
}

export function planBlock({ baseUrl, connectionId, limit, probeMaxRequests, pace, recordFile, network }: LivePlan): string {
  const rows: [string, string][] = [
    ['connection', `${connectionId}: updated by the checks; displayName and authenticationType restored at the end`],
    [
      'requests',
      `${limit === undefined ? 'no bound' : `at most ${limit}`} by the checks (CONFORMANCE_REQUEST_BUDGET), and a few to read and restore the connection`,
    ],
    [
      'pace',
      `at most ${pace.perMinute} requests a minute (CONFORMANCE_RATE_PER_MINUTE), ${pace.concurrency} at once (CONFORMANCE_CONCURRENCY); the 429 probe's burst aside`,
    ],
    [
      '429 probe',
      probeMaxRequests ? `on, at most ${probeMaxRequests} of those requests` : 'off (RATE_LIMIT_PROBE_MAX_REQUESTS turns it on)',
    ],
    ['record', `${recordFile} keeps the original state until it is restored`],
    ...(network ? [['network', network] as [string, string]] : []),
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [`Live target ${baseUrl}: the plan of this run`, ...rows.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`)].join('\n');
}

/** The URLs a live run sends to: the target, and the authority that gives its token. */
function networkUrls(config: SuiteConfig, baseUrl: string): { what: string; url: string }[] {
  const authority = config.credentials && (config.credentials.tokenUrl ?? config.credentials.authority);
  return [{ what: 'the target', url: baseUrl }, ...(authority ? [{ what: 'the token endpoint', url: authority }] : [])];
}

/** Prints the plan of a live run, from its configuration; `recordFile` is where the original state is kept. */
export function announcePlan(config: SuiteConfig, where: { baseUrl: string; connectionId: string }, recordFile: string): void {
  const { baseUrl, connectionId } = where;
  // With a proxy set: the route of each host (NO_PROXY may send one past it), and the CA certificates trusted.
  const network =
    config.network?.httpsProxy || config.network?.httpProxy
      ? describeNetwork(config.network, networkUrls(config, baseUrl)).replace(/^Network: /, '')
      : undefined;
  const { requestBudget: limit, probeMaxRequests } = config;
  const pace = { perMinute: config.ratePerMinute, concurrency: config.concurrency };
  const recorded = path.relative(process.cwd(), recordFile);
  console.log(planBlock({ baseUrl, connectionId, limit, probeMaxRequests, pace, recordFile: recorded, network }));
}
