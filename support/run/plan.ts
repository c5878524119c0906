// What a run against a live target says before its first request: a short block, one fact a line
// (global-setup.ts prints it), so a reader sees at a glance what will be changed, how much will be sent
// and where the original state is kept.

export interface LivePlan {
  baseUrl: string;
  connectionId: string;
  /** Most requests the checks may send (CONFORMANCE_REQUEST_BUDGET). */
  limit?: number;
  /** Most of them the 429 probe may send; 0 when it is off. */
  probeMaxRequests: number;
  /** Where the original state is recorded until it is restored, as the reader would type it. */
  recordFile: string;
  /** With a proxy set: the route of each host and the CA certificates trusted (network-settings.ts). */
  network?: string;
}

export function planBlock({ baseUrl, connectionId, limit, probeMaxRequests, recordFile, network }: LivePlan): string {
  const rows: [string, string][] = [
    ['connection', `${connectionId}: updated by the checks; displayName and authenticationType restored at the end`],
    [
      'requests',
      `${limit === undefined ? 'no bound' : `at most ${limit}`} by the checks (CONFORMANCE_REQUEST_BUDGET), and a few to read and restore the connection`,
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
