// Searches every file under a folder for a secret, as it is and base64-encoded, looking inside zip
// archives too (Playwright's HTML report embeds its data as a base64 zip in index.html).
import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';

export interface Finding {
  file: string;
  form: string;
}

function needles(secret: string): [string, string][] {
  return [
    ['plain', secret],
    ['base64', Buffer.from(secret).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(secret).toString('base64url')],
    ['URL-encoded', encodeURIComponent(secret)],
  ];
}

function searchBuffer(buffer: Buffer, where: string, secret: string, findings: Finding[]): void {
  const text = buffer.toString('utf8');
  for (const [form, needle] of needles(secret)) if (text.includes(needle)) findings.push({ file: where, form });
  if (buffer.subarray(0, 2).toString('latin1') === 'PK') searchZip(buffer, where, secret, findings);
  for (const match of text.matchAll(/data:application\/zip;base64,([A-Za-z0-9+/=]+)/g))
    searchZip(Buffer.from(match[1]!, 'base64'), `${where} (embedded zip)`, secret, findings);
}

function searchZip(buffer: Buffer, where: string, secret: string, findings: Finding[]): void {
  for (const entry of new AdmZip(buffer).getEntries())
    if (!entry.isDirectory) searchBuffer(entry.getData(), `${where}!${entry.entryName}`, secret, findings);
}

/** Every place under `root` where `secret` appears, in any of the encodings above. */
export function findSecret(root: string, secret: string): { findings: Finding[]; filesSearched: number } {
  const findings: Finding[] = [];
  let filesSearched = 0;
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    filesSearched++;
    searchBuffer(fs.readFileSync(file), path.relative(root, file), secret, findings);
  }
  return { findings, filesSearched };
}
