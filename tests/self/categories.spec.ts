// The Allure categories sort failures by cause from their messages: each kind of failure the suite
// produces lands in its own category, whatever port or id its URL happens to contain.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect } from './fixtures';
import { PROJECT_ROOT } from '../../support/run/paths';

interface Category {
  name: string;
  matchers: { message: RegExp }[];
}

async function categoryOf(message: string): Promise<string | undefined> {
  const config = (await import(pathToFileURL(path.join(PROJECT_ROOT, 'allurerc.mjs')).href)) as { default: { categories: Category[] } };
  return config.default.categories.find(category => category.matchers.some(matcher => matcher.message.test(message)))?.name;
}

const url = 'PUT http://127.0.0.1:50321/synchronization/imodels/storageconnections/a5003Zkeepsrestor429xQ';
const cases: [string, string][] = [
  [`${url}\n- status 503 is a server error; the operation must never answer 5xx`, 'Transport or server error'],
  ['apiRequestContext.fetch: connect ECONNREFUSED 127.0.0.1:4010', 'Transport or server error'],
  [`${url}\n- body breaks StorageConnectionResponse:\n  at "/connection/iModelId": must match format "uuid"`, 'Schema violation'],
  ['a 429 must carry retry-after, a whole number of seconds', 'Throttling'],
  ['the connection is unchanged after requests refused with 422: displayName and authenticationType\nExpected: "x"', 'State not preserved'],
  ['the connection read back\nExpected: "conformance rename"', 'State not preserved'],
  [`${url}\n- status 400, expected 422`, 'Unexpected status'],
];

for (const [message, expected] of cases) {
  test(`${expected}: ${message.split('\n').at(-1)!.slice(0, 60)}`, async () => {
    expect(await categoryOf(message)).toBe(expected);
  });
}
