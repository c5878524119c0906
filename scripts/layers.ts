// `npm run layers`: the imports in support/ that run against its layers, contract < report < client <
// run < checks < generate (a folder may import from its own layer and those below it, never above).
// Fails when more than ALLOWED do; npm test runs it.
import fs from 'node:fs';
import path from 'node:path';

const ORDER = ['contract', 'report', 'client', 'run', 'checks', 'generate'];
const ALLOWED = 1;
const SUPPORT = path.resolve(__dirname, '..', 'support');

const upward: string[] = [];
for (const layer of ORDER)
  for (const file of fs.readdirSync(path.join(SUPPORT, layer)).filter(name => name.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(SUPPORT, layer, file), 'utf8');
    for (const [, target] of text.matchAll(/^(?:import|export)\b[^;]*?from '(\.\.?\/[^']+)'/gms)) {
      const to = path.relative(SUPPORT, path.resolve(SUPPORT, layer, target!)).split(path.sep)[0]!;
      if (ORDER.indexOf(to) > ORDER.indexOf(layer)) upward.push(`support/${layer}/${file} imports ${target} (${to} is above ${layer})`);
    }
  }
for (const line of upward) console.log(line);
console.log(`${upward.length} import(s) against the layers (${ORDER.join(' < ')}); at most ${ALLOWED} allowed.`);
process.exitCode = upward.length > ALLOWED ? 1 : 0;
