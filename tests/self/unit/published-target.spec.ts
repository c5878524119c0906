// What global setup hands to the workers: the target's runtime data crosses in the environment, its
// token and client secret in a file of the run's own (mode 0600), so no dump of process.env shows them;
// a worker (a fresh process) reads both, registers the secrets for redaction, and the file is gone after
// teardown.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { PROJECT_ROOT } from '../../../support/report/paths';
import { publishTarget, withdrawTarget, type Target } from '../../../support/run/target';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.published-target-token';
const CLIENT_SECRET = 'client-secret-of-the-published-target';

const TARGET: Target = {
  baseUrl: 'https://dev-api.bentley.com',
  connectionId: 'MWplZe9Uf0iR1IDMqyOMLuL24kbZK4VNvgn4ev3etXI',
  token: TOKEN,
  credentials: { clientId: 'service-app', clientSecret: CLIENT_SECRET, authority: 'https://ims.bentley.com', scope: 'itwin-platform' },
  isEmbeddedMock: false,
  readMethod: 'GET',
  readLagMs: 3000,
  original: { displayName: 'original' },
  probeMaxRequests: 0,
  deadlineMs: 30_000,
  maxResponseBytes: 1 << 20,
  breaker: { file: '/dev/null', threshold: 3 },
  pace: { file: '/dev/null', perMinute: 400, concurrency: 8 },
  generatedCases: 5,
};

/** A worker's view: a fresh process with the given environment reads the published target. */
function inWorker(env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const code = `
    const { publishedTarget } = require('./support/run/target');
    const { redactText } = require('./support/report/redact');
    const target = publishedTarget();
    console.log(JSON.stringify({ token: target.token, clientSecret: target.credentials.clientSecret,
      redacted: redactText('Bearer ${TOKEN} and ${CLIENT_SECRET}'), clientId: target.credentials.clientId }));`;
  const child = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['-e', code], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return { status: child.status, out: `${child.stdout}${child.stderr}`.trim() };
}

test('the token and the client secret stay out of the environment, and a worker still gets them, registered as secrets', () => {
  const runDir = test.info().outputPath('run');
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const before = process.env.CONFORMANCE_TARGET;
  try {
    publishTarget(TARGET, runDir);
    const published = process.env.CONFORMANCE_TARGET!;
    expect(published, 'the environment holds no secret').not.toContain(TOKEN);
    expect(published).not.toContain(CLIENT_SECRET);
    const { secretsFile } = JSON.parse(published) as { secretsFile: string };
    expect(path.dirname(secretsFile)).toBe(runDir);
    expect(fs.statSync(secretsFile).mode & 0o777, 'readable by this user alone').toBe(0o600);

    const worker = inWorker({ CONFORMANCE_TARGET: published });
    expect(worker.status, worker.out).toBe(0);
    expect(JSON.parse(worker.out)).toEqual({
      token: TOKEN,
      clientSecret: CLIENT_SECRET,
      clientId: 'service-app',
      redacted: expect.not.stringMatching(/published-target-token|client-secret-of/),
    });

    withdrawTarget();
    expect(fs.existsSync(secretsFile), 'the file of secrets is removed at teardown').toBe(false);
    const late = inWorker({ CONFORMANCE_TARGET: published });
    expect(late.status).not.toBe(0);
    expect(late.out).toContain("the run's secrets could not be read");
  } finally {
    withdrawTarget();
    if (before === undefined) delete process.env.CONFORMANCE_TARGET;
    else process.env.CONFORMANCE_TARGET = before;
  }
});
