// Reads `.env` through dotenv, after checking its shape line by line: dotenv silently skips lines it
// cannot read, which would turn a typo into a run against the wrong target.
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { ConfigError } from '../client/config-error';

/** Checks the file and loads it without overriding variables that are already set in the environment. */
export function loadDotEnv(file = path.resolve(process.cwd(), process.env.CONFORMANCE_ENV_FILE || '.env')): void {
  if (!fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  let openQuote: string | undefined;
  lines.forEach((line, index) => {
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    if (/^\s*(#.*)?$/.test(line)) return;
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(`.env line ${index + 1} is not KEY=value: fix or remove that line in ${file}.`);
    const value = match[2]!;
    const quote = /^(["'`])/.exec(value)?.[1];
    if (quote && !value.slice(1).includes(quote)) openQuote = quote;
  });
  if (openQuote) throw new ConfigError(`.env has a value whose ${openQuote} quote is never closed: close it in ${file}.`);
  dotenv.config({ path: file, quiet: true });
}
