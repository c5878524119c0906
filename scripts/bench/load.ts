// The mock's throughput for `npm run bench`: PUTs of a valid update from a second process (this file,
// started with --load) over keep-alive connections on loopback, bounded in count and time.
import http from 'node:http';
import type { StorageConnectionMock } from '../../mock/server';
import { run } from './runs';

/** The load: at most this many requests, for at most this long, over this many keep-alive connections. */
export const LOAD = { requests: 4000, maxMs: 3000, concurrency: 16 };

export interface LoadRound {
  rps: number;
  completed: number;
  statuses: Record<string, number>;
}

/** One round of load from a second process. */
export async function throughputRound(mock: StorageConnectionMock): Promise<LoadRound> {
  const spec = JSON.stringify({
    url: `${mock.url}/synchronization/imodels/storageconnections/${mock.connectionId}`,
    token: mock.token,
    ...LOAD,
  });
  const { code, stdout } = await run(process.execPath, [...process.execArgv, __filename, '--load', spec]);
  if (code !== 0) throw new Error(`the load process failed (exit ${code})`);
  return JSON.parse(stdout) as LoadRound;
}

/** The load process: PUTs until the count or time bound, then the figures as JSON on stdout. */
async function load(spec: { url: string; token: string; requests: number; maxMs: number; concurrency: number }): Promise<void> {
  const url = new URL(spec.url);
  if (url.hostname !== '127.0.0.1') throw new Error('the load only goes to 127.0.0.1');
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const body = JSON.stringify({ displayName: 'bench' });
  const statuses: Record<string, number> = {};
  let started = 0;
  let completed = 0;
  const begin = Date.now();
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(url, {
        method: 'PUT',
        agent,
        headers: { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      request.on('response', response => {
        response.resume();
        response.on('end', () => {
          statuses[response.statusCode!] = (statuses[response.statusCode!] ?? 0) + 1;
          completed++;
          resolve();
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (started < spec.requests && Date.now() - begin < spec.maxMs) {
        started++;
        await once();
      }
    }),
  );
  const elapsed = (Date.now() - begin) / 1000;
  agent.destroy();
  process.stdout.write(JSON.stringify({ rps: completed / elapsed, completed, statuses }));
}

const loadIndex = process.argv.indexOf('--load');
if (require.main === module && loadIndex >= 0) {
  load(JSON.parse(process.argv[loadIndex + 1]!)).catch(error => {
    console.error(error);
    process.exit(1);
  });
}
