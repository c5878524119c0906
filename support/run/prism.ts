// Stoplight Prism serving the operation's OpenAPI definition on a free loopback port: the stand-in
// the `prism` target profile runs against when no API_BASE_URL is given (npm run mock:prism starts
// the same server alone, on port 4010).
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../report/paths';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

export async function startPrism(timeoutMs = 60_000): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'prism');
  const child = spawn(bin, ['mock', '--host', '127.0.0.1', '--port', String(port), path.join(PROJECT_ROOT, 'schemas', 'openapi.json')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', chunk => (errors += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Prism stopped at start (exit ${child.exitCode}): ${errors.trim().split('\n').at(-1)}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return { url, stop };
    } catch {
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }
  await stop();
  throw new Error(`Prism did not answer on ${url} within ${timeoutMs / 1000} s`);
}
