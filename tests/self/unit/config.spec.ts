// Bad input to the tool stops it before any request, with one line that names the variable and the
// fix: checked on readConfig/readDotEnv directly (e2e/setup-errors.spec.ts: end to end on the real command). The configuration
// is one resolved, frozen value with every default, and knows which of its values are secret.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import {
  CONFIG_VARIABLES,
  ConfigError,
  DEFAULTS,
  readConfig,
  readDotEnv,
  secretsOf,
  suiteEnvironment,
  type SuiteConfig,
} from '../../../support/run/config';
import { SECRET_VARIABLES } from '../../../support/run/config-defaults';
import { PROJECT_ROOT } from '../../../support/report/paths';

const LIVE = {
  API_BASE_URL: 'https://dev-api.bentley.com',
  API_ACCESS_TOKEN: 'eyJ0eXAiOiJKV1Qi.token',
  STORAGE_CONNECTION_ID: 'MWplZe9Uf0iR1IDMqyOMLuL24kbZK4VNvgn4ev3etXI',
};

const invalid: [string, NodeJS.ProcessEnv, string][] = [
  ['a base URL that is not a URL', { ...LIVE, API_BASE_URL: 'dev-api.bentley.com' }, 'API_BASE_URL'],
  ['a base URL with another scheme', { ...LIVE, API_BASE_URL: 'ftp://dev-api.bentley.com' }, 'API_BASE_URL'],
  ['a base URL with a query', { ...LIVE, API_BASE_URL: 'https://dev-api.bentley.com/?x=1' }, 'API_BASE_URL'],
  ['plain http to a remote host', { ...LIVE, API_BASE_URL: 'http://dev-api.bentley.com' }, 'API_BASE_URL'],
  ['a mock behaviour with a live target', { ...LIVE, MOCK_BEHAVIOUR: 'lost-update' }, 'MOCK_BEHAVIOUR'],
  [
    "a request budget below the probe's bound",
    { ...LIVE, CONFORMANCE_REQUEST_BUDGET: '5', RATE_LIMIT_PROBE_MAX_REQUESTS: '400' },
    'CONFORMANCE_REQUEST_BUDGET',
  ],
  ['a live target with no token', { ...LIVE, API_ACCESS_TOKEN: '' }, 'API_ACCESS_TOKEN'],
  ['a token with the word Bearer', { ...LIVE, API_ACCESS_TOKEN: 'Bearer abc.def' }, 'API_ACCESS_TOKEN'],
  ['a token with white space', { ...LIVE, API_ACCESS_TOKEN: 'abc def' }, 'API_ACCESS_TOKEN'],
  ['a live target with no connection id', { ...LIVE, STORAGE_CONNECTION_ID: '' }, 'STORAGE_CONNECTION_ID'],
  ['a connection id with a slash', { ...LIVE, STORAGE_CONNECTION_ID: 'abc/def' }, 'STORAGE_CONNECTION_ID'],
  ['a probe bound that is not a number', { RATE_LIMIT_PROBE_MAX_REQUESTS: 'lots' }, 'RATE_LIMIT_PROBE_MAX_REQUESTS'],
  ['a negative probe bound', { RATE_LIMIT_PROBE_MAX_REQUESTS: '-1' }, 'RATE_LIMIT_PROBE_MAX_REQUESTS'],
  ['a token without a target', { API_ACCESS_TOKEN: 'abc' }, 'API_ACCESS_TOKEN'],
  ['a connection named twice', { ...LIVE, STORAGE_CONNECTION_ID: 'abc,abc' }, 'STORAGE_CONNECTION_ID'],
  ['a request budget of zero', { CONFORMANCE_REQUEST_BUDGET: '0' }, 'CONFORMANCE_REQUEST_BUDGET'],
  ['an unknown target profile', { TARGET_PROFILE: 'dredd' }, 'TARGET_PROFILE'],
  ['a token and client credentials at once', { ...LIVE, IMS_CLIENT_ID: 'id', IMS_CLIENT_SECRET: 'secret' }, 'API_ACCESS_TOKEN'],
];

test.describe('readConfig', () => {
  for (const [name, env, variable] of invalid) {
    test(`${name} is refused with one line naming ${variable}`, () => {
      const error = (() => {
        try {
          readConfig(env);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain(variable);
      expect(message).not.toContain('\n');
      expect(message, 'the message says what to do').toMatch(/: (set|unset|copy)/);
    });
  }

  test('a valid live configuration is read, with the trailing slash dropped and the probe off by default', () => {
    expect(readConfig({ ...LIVE, API_BASE_URL: 'https://dev-api.bentley.com/' })).toEqual({
      ...RESOLVED_DEFAULTS,
      baseUrl: 'https://dev-api.bentley.com',
      accessToken: LIVE.API_ACCESS_TOKEN,
      connectionIds: [LIVE.STORAGE_CONNECTION_ID],
      embeddedMock: false,
      live: true,
      probeMaxRequests: 0,
      requestBudget: 300,
      generatedCases: 5,
      ratePerMinute: 400,
    });
  });

  test('no target means the embedded mock', () => {
    expect(readConfig({})).toEqual({
      ...RESOLVED_DEFAULTS,
      embeddedMock: true,
      live: false,
      probeMaxRequests: 800,
      generatedCases: 15,
      ratePerMinute: 4000,
    });
    expect(readConfig({ RATE_LIMIT_PROBE_MAX_REQUESTS: '0', CONFORMANCE_REQUEST_BUDGET: '50', TARGET_PROFILE: 'prism' })).toMatchObject({
      embeddedMock: false,
      live: false,
      probeMaxRequests: 0,
      requestBudget: 50,
      profile: 'prism',
    });
  });

  test('one connection per shard may be given, comma-separated', () => {
    expect(readConfig({ ...LIVE, STORAGE_CONNECTION_ID: 'aaa, bbb' }).connectionIds).toEqual(['aaa', 'bbb']);
  });
});

// Every default in one place (support/run/config-defaults.ts), resolved into the one frozen value.
const RESOLVED_DEFAULTS = {
  readLagSeconds: 3,
  requestDeadlineSeconds: 30,
  unresponsiveAfter: 3,
  maxResponseBytes: 10 * 1024 * 1024,
  concurrency: 8,
  mockLatencyMs: 0,
  reportsDir: path.join(PROJECT_ROOT, 'reports'),
  driftHistoryFile: path.join(PROJECT_ROOT, 'reports', 'drift-history.json'),
  stateDir: path.join(PROJECT_ROOT, '.conformance-state'),
  reportPrintedAfter: false,
};

test.describe('the resolved configuration', () => {
  const defaults: [string, NodeJS.ProcessEnv, Partial<SuiteConfig>][] = [
    ['the embedded mock: probe on, no budget, 15 cases', {}, { probeMaxRequests: 800, requestBudget: undefined, generatedCases: 15 }],
    ['a pace of its own', { CONFORMANCE_RATE_PER_MINUTE: '120', CONFORMANCE_CONCURRENCY: '2' }, { ratePerMinute: 120, concurrency: 2 }],
    [
      'Prism started for the run: probe off, a budget, 5 cases',
      { TARGET_PROFILE: 'prism' },
      { probeMaxRequests: 0, requestBudget: 300, generatedCases: 5 },
    ],
    ['a live target: probe off, a budget of 300, 5 cases', LIVE, { probeMaxRequests: 0, requestBudget: 300, generatedCases: 5 }],
    [
      'a live target with the probe on: the budget is 300 besides it',
      { ...LIVE, RATE_LIMIT_PROBE_MAX_REQUESTS: '400' },
      { requestBudget: 700 },
    ],
    ['a live stand-in (a URL and a profile) is not live', { ...LIVE, TARGET_PROFILE: 'prism' }, { live: false, embeddedMock: false }],
    [
      'a given value wins over the default',
      { CONFORMANCE_GENERATED_CASES: '0', CONFORMANCE_REQUEST_BUDGET: '20' },
      { generatedCases: 0, requestBudget: 20 },
    ],
    [
      'the output folders from the project root, the drift history in the reports folder',
      { CONFORMANCE_REPORTS_DIR: 'out/r', CONFORMANCE_STATE_DIR: '/tmp/s' },
      {
        reportsDir: path.join(PROJECT_ROOT, 'out/r'),
        driftHistoryFile: path.join(PROJECT_ROOT, 'out/r/drift-history.json'),
        stateDir: '/tmp/s',
      },
    ],
    ['a drift history of its own', { CONFORMANCE_DRIFT_HISTORY: 'h.json' }, { driftHistoryFile: path.join(PROJECT_ROOT, 'h.json') }],
    ['npm run conformance prints the report', { CONFORMANCE_REPORT_PRINTED_AFTER: '1' }, { reportPrintedAfter: true }],
  ];
  for (const [name, env, expected] of defaults)
    test(`defaults: ${name}`, () => {
      expect(readConfig(env)).toMatchObject(expected);
    });

  test('the one-line messages quote the defaults the configuration applies', () => {
    const messageOf = (env: NodeJS.ProcessEnv) => {
      try {
        readConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(messageOf({ CONFORMANCE_READ_LAG_SECONDS: 'x' })).toContain(`(default ${DEFAULTS.readLagSeconds})`);
    expect(messageOf({ CONFORMANCE_REQUEST_DEADLINE_SECONDS: 'x' })).toContain(`(default ${DEFAULTS.requestDeadlineSeconds})`);
    expect(messageOf({ CONFORMANCE_UNRESPONSIVE_AFTER: 'x' })).toContain(`(default ${DEFAULTS.unresponsiveAfter})`);
    expect(messageOf({ CONFORMANCE_MAX_RESPONSE_BYTES: 'x' })).toContain(`(default ${DEFAULTS.maxResponseBytes})`);
    expect(messageOf({ CONFORMANCE_RATE_PER_MINUTE: '0' })).toContain(
      `(default ${DEFAULTS.ratePerMinute.other}, ${DEFAULTS.ratePerMinute.mock} against`,
    );
    expect(messageOf({ CONFORMANCE_CONCURRENCY: 'many' })).toContain(`(default ${DEFAULTS.concurrency})`);
    expect(messageOf({ CONFORMANCE_GENERATED_CASES: 'x' })).toContain(
      `(default ${DEFAULTS.generatedCases.mock} against the embedded mock, ${DEFAULTS.generatedCases.other} elsewhere)`,
    );
  });

  test('the value is frozen, to the last array', () => {
    const config = readConfig({ ...LIVE, HTTPS_PROXY: 'http://proxy.example.com:3128' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.connectionIds)).toBe(true);
    expect(Object.isFrozen(config.network?.httpsProxy)).toBe(true);
    expect(() => ((config as { probeMaxRequests: number }).probeMaxRequests = 5)).toThrow(TypeError);
  });

  test('it knows its secrets: the token, the client secret, the proxy password', () => {
    expect(SECRET_VARIABLES).toEqual(['API_ACCESS_TOKEN', 'IMS_CLIENT_SECRET', 'https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']);
    expect(secretsOf(readConfig({ ...LIVE, HTTPS_PROXY: 'http://user:pa%40ss@proxy.example.com:3128' }))).toEqual([
      LIVE.API_ACCESS_TOKEN,
      'pa@ss',
      'user:pa@ss',
    ]);
    const credentials = { ...LIVE, API_ACCESS_TOKEN: '', IMS_CLIENT_ID: 'client', IMS_CLIENT_SECRET: 'client-secret-value' };
    expect(secretsOf(readConfig(credentials))).toEqual(['client-secret-value']);
  });

  // The configuration module is the one reader of the suite's variables: everything else receives values.
  test('no other source file reads a suite variable from process.env', () => {
    const files = [
      'playwright.config.ts',
      ...['support', 'scripts'].flatMap(dir =>
        fs.readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' }).map(file => path.join(dir, file)),
      ),
    ].filter(file => file.endsWith('.ts') && file !== path.join('support', 'run', 'config.ts'));
    const readers = files.flatMap(file => {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      const read = CONFIG_VARIABLES.filter(name => new RegExp(`process\\.env(\\.${name}\\b|\\[['"\`]${name}['"\`]\\])`).test(text));
      const defaulted = /env: NodeJS\.ProcessEnv = process\.env/.test(text) ? ['a default of process.env'] : [];
      return [...read, ...defaulted].map(what => `${file}: ${what}`);
    });
    expect(readers).toEqual([]);
  });
});

test.describe('.env files', () => {
  const write = (name: string, text: string) => {
    const file = test.info().outputPath(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  test('a line that is not KEY=value is refused, naming the line', () => {
    const file = write('bad.env', '# target\nAPI_BASE_URL=https://dev-api.bentley.com\nAPI_ACCESS_TOKEN abc\n');
    expect(() => readDotEnv(file)).toThrow(/^\.env line 3 is not KEY=value: fix or remove that line/);
  });

  test('an unclosed quote is refused', () => {
    const file = write('quote.env', 'API_ACCESS_TOKEN="abc\n');
    expect(() => readDotEnv(file)).toThrow(/quote is never closed/);
  });

  test('a valid file is read under the environment, and stays out of process.env', () => {
    const file = write(
      'good.env',
      'export CONFORMANCE_SELFTEST_A="from file"\nCONFORMANCE_SELFTEST_B=from-file # comment\nCONFORMANCE_SELFTEST_C=x\n\n',
    );
    expect(readDotEnv(file)).toEqual({
      CONFORMANCE_SELFTEST_A: 'from file',
      CONFORMANCE_SELFTEST_B: 'from-file',
      CONFORMANCE_SELFTEST_C: 'x',
    });
    const env = suiteEnvironment({ CONFORMANCE_ENV_FILE: file, CONFORMANCE_SELFTEST_B: 'from environment', CONFORMANCE_SELFTEST_C: '' });
    expect([env.CONFORMANCE_SELFTEST_A, env.CONFORMANCE_SELFTEST_B, env.CONFORMANCE_SELFTEST_C]).toEqual([
      'from file',
      'from environment',
      '',
    ]);
    expect(process.env.CONFORMANCE_SELFTEST_A).toBeUndefined();
  });

  test('the file configures the run as the environment would', () => {
    const file = write(
      'live.env',
      Object.entries(LIVE)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n'),
    );
    expect(readConfig(suiteEnvironment({ CONFORMANCE_ENV_FILE: file })).baseUrl).toBe(LIVE.API_BASE_URL);
    expect(
      readConfig(suiteEnvironment({ CONFORMANCE_ENV_FILE: file, API_BASE_URL: '', API_ACCESS_TOKEN: '', STORAGE_CONNECTION_ID: '' }))
        .embeddedMock,
    ).toBe(true);
  });
});
