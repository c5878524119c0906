// Reads `.env` through dotenv, after checking its shape line by line: dotenv silently skips lines it
// cannot read, which would turn a typo into a run against the wrong target. The values are returned,
// never written into process.env: support/run/config.ts reads them under the environment's own.
import fs from 'node:fs';
import dotenv from 'dotenv';
import { ConfigError } from '../client/config-error';

/** The file's variables, checked; none when it does not exist. */
export function readDotEnv(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const text = fs.readFileSync(file, 'utf8');
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
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
  return dotenv.parse(text);
}
