// One child run shared by every worker of a self-test run (SELF_TEST_RUN, set by
// tests/self/playwright.config.ts): the first worker to ask makes it, the others wait for its verdicts.
// A worker-scoped fixture alone runs once per worker, and the tests that read it land on different ones.
import fs from 'node:fs';
import type { ConformanceRun } from './child-run';

type Kept = { run: string; result?: ConformanceRun; error?: string };

export async function sharedRun(file: string, make: () => Promise<ConformanceRun>, timeoutMs: number): Promise<ConformanceRun> {
  const run = process.env.SELF_TEST_RUN ?? `${process.pid}`;
  const lock = `${file}.lock`;
  // Written aside and renamed: a waiting worker never reads half a result.
  const keep = (kept: Kept) => {
    fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(kept));
    fs.renameSync(`${file}.${process.pid}`, file);
  };
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    try {
      fs.mkdirSync(lock, { recursive: false });
      fs.writeFileSync(`${lock}/run`, run);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Held: by this self-test run (wait for its result), or left by an earlier one (take it over).
      const owner = fs.readFileSync(`${lock}/run`, { encoding: 'utf8', flag: 'a+' });
      if (owner && owner !== run) fs.rmSync(lock, { recursive: true, force: true });
      const kept = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Kept) : undefined;
      if (kept?.run === run) {
        if (kept.error !== undefined) throw new Error(`the shared run failed in another worker: ${kept.error}`);
        return kept.result!;
      }
      await new Promise(resolve => setTimeout(resolve, 250));
      continue;
    }
    try {
      const result = await make();
      keep({ run, result });
      return result;
    } catch (error) {
      keep({ run, error: String(error) });
      throw error;
    }
  }
  throw new Error(`no result of the shared run ${file} within ${timeoutMs} ms`);
}
