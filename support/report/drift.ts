// Drift: what the target's responses carry beyond the operation's document. Properties the schemas do
// not name, headers beyond the documented and the standard HTTP ones, error codes the document does
// not give, other media types. Information only: drift never fails a check or a run. The drift
// reporter (contract-reporter.ts) collects it from the responses every check records, marks what the
// history of earlier runs against the same source has not seen, and writes reports/drift.json and
// drift.md; the summary (scripts/summary.ts) lists it.
import fs from 'node:fs';
import path from 'node:path';
import { DOCUMENTED_RESPONSES, ERROR_CODES, OTHER_RATE_LIMIT_CODES, RECOMMENDED_ACCEPT } from '../contract/operation';
import { loadSchema, SCHEMA_DIR, type ModelName } from '../contract/schemas';

export type DriftKind = 'property' | 'header' | 'error code' | 'media type';

export interface DriftItem {
  kind: DriftKind;
  /** property: its path in the body (connection.lastModified); header: its name; the error code; the media type. */
  name: string;
  /** The responses that carried it: 'PUT 200', 'PUT 422', ... */
  seenOn: string[];
  /** One value seen, shortened. */
  example?: string;
  /** The checks whose responses carried it. */
  checks: string[];
  /** Never seen before by a run against the same source (drift-history.json). */
  new: boolean;
}

export interface DriftReport {
  /** What was tested: the history is kept per source (each live base URL, each embedded mock behaviour). */
  source: { key: string; kind: string; baseUrl?: string };
  generated: string;
  /** When the history last recorded a run against this source; absent on the first run. */
  previousRun?: string;
  /** Responses of the operation (PUT) read. */
  responses: number;
  items: DriftItem[];
  /** Seen by the previous run, not by this one. */
  gone: { kind: DriftKind; name: string }[];
}

interface HistoryEntry {
  kind: DriftKind;
  name: string;
  firstSeen: string;
  lastSeen: string;
}
export interface DriftHistory {
  version: 1;
  sources: Record<string, { runs: string[]; items: Record<string, HistoryEntry> }>;
}

/** The document's headers, and standard HTTP ones any server may send: neither is drift. */
const DOCUMENTED_HEADERS = ['content-type', 'retry-after'];
const STANDARD_HEADERS = [
  'date',
  'content-length',
  'content-encoding',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'vary',
  'server',
  'cache-control',
  'pragma',
  'expires',
  'age',
  'via',
];
const MEDIA_TYPES = ['application/json', RECOMMENDED_ACCEPT];

/** Every `code` in the document's error examples (details included), and the codes operation.ts names. */
function documentedErrorCodes(): Set<string> {
  const codes = new Set<string>([...Object.values(ERROR_CODES), ...OTHER_RATE_LIMIT_CODES]);
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'code' && typeof inner === 'string') codes.add(inner);
        else collect(inner);
      }
  };
  const examples = path.join(SCHEMA_DIR, 'examples');
  for (const file of fs.readdirSync(examples).filter(name => name.startsWith('ErrorResponse.')))
    collect(JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8')));
  return codes;
}
const ERROR_CODES_KNOWN = documentedErrorCodes();

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}
const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(loadSchema(path.basename(schema.$ref, '.schema.json') as ModelName) as Schema) : schema;

/** Calls found(path, value) for each property of value that its schema does not name. */
function undocumentedProperties(value: unknown, schema: Schema, at: string, found: (path: string, value: unknown) => void): void {
  const known = resolve(schema);
  if (Array.isArray(value)) {
    if (known.items) for (const item of value) undocumentedProperties(item, known.items, `${at}[]`, found);
  } else if (value && typeof value === 'object' && known.properties) {
    for (const [key, inner] of Object.entries(value)) {
      const where = at ? `${at}.${key}` : key;
      if (known.properties[key]) undocumentedProperties(inner, known.properties[key], where, found);
      else found(where, inner);
    }
  }
}

const shorten = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A response as the recording layer attaches it (support/checks/recorder.ts). */
export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Collects the drift of the responses of one run (or of the merged shards of one). */
export class DriftCollector {
  private readonly found = new Map<string, Omit<DriftItem, 'new'>>();
  responses = 0;

  add(check: string, method: string, response: RecordedResponse): void {
    // Drift of this operation: GET read-backs answer another one.
    if (method !== 'PUT') return;
    this.responses++;
    const seenOn = `${method} ${response.status}`;
    const note = (kind: DriftKind, name: string, example?: unknown) => {
      const key = `${kind}: ${name}`;
      const item = this.found.get(key) ?? { kind, name, seenOn: [], checks: [] };
      if (!item.seenOn.includes(seenOn)) item.seenOn.push(seenOn);
      if (!item.checks.includes(check)) item.checks.push(check);
      if (item.example === undefined && example !== undefined)
        item.example = shorten(typeof example === 'string' ? example : JSON.stringify(example));
      this.found.set(key, item);
    };
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      const header = name.toLowerCase();
      if (!DOCUMENTED_HEADERS.includes(header) && !STANDARD_HEADERS.includes(header)) note('header', header, value);
    }
    const mediaType = response.headers?.['content-type']?.split(';')[0]!.trim().toLowerCase();
    if (mediaType && !MEDIA_TYPES.includes(mediaType)) note('media type', mediaType, response.headers['content-type']);
    if (!response.body || typeof response.body !== 'object') return;
    const model = DOCUMENTED_RESPONSES[response.status] ?? (response.status < 300 ? 'StorageConnectionResponse' : 'ErrorResponse');
    undocumentedProperties(response.body, loadSchema(model) as Schema, '', (where, value) => note('property', where, value));
    const error = (response.body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
    const errors = [error, ...(Array.isArray(error?.details) ? error.details : [])] as { code?: unknown; message?: unknown }[];
    for (const entry of errors)
      if (typeof entry?.code === 'string' && !ERROR_CODES_KNOWN.has(entry.code)) note('error code', entry.code, entry.message);
  }

  /** The run's drift against the history, and the history extended by this run. */
  finish(
    source: DriftReport['source'],
    history: DriftHistory,
    now = new Date().toISOString(),
  ): { report: DriftReport; history: DriftHistory } {
    const earlier = history.sources[source.key] ?? { runs: [], items: {} };
    const previousRun = earlier.runs.at(-1);
    const items = [...this.found.entries()]
      .map(([key, item]) => ({ ...item, new: !earlier.items[key] }))
      .sort((a, b) => Number(b.new) - Number(a.new) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    const gone = Object.entries(earlier.items)
      .filter(([key, entry]) => previousRun && entry.lastSeen === previousRun && !this.found.has(key))
      .map(([, { kind, name }]) => ({ kind, name }));
    const next: DriftHistory = { version: 1, sources: { ...history.sources } };
    const kept = { ...earlier.items };
    for (const [key, item] of this.found)
      kept[key] = { kind: item.kind, name: item.name, firstSeen: earlier.items[key]?.firstSeen ?? now, lastSeen: now };
    next.sources[source.key] = { runs: [...earlier.runs, now].slice(-60), items: kept };
    return { report: { source, generated: now, previousRun, responses: this.responses, items, gone }, history: next };
  }
}

export function readDriftHistory(file: string): DriftHistory {
  try {
    const history = JSON.parse(fs.readFileSync(file, 'utf8')) as DriftHistory;
    if (history.version === 1 && history.sources) return history;
  } catch {
    // No history yet (the first run), or an unreadable one: start a new one.
  }
  return { version: 1, sources: {} };
}

/** Inline code in a Markdown table cell: one line, pipes escaped. */
const cell = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return flat.includes('`') ? `\`\` ${flat} \`\`` : `\`${flat}\``;
};

/** The drift as Markdown: the report's global attachment, reports/drift.md and the job summary's section. */
export function driftMarkdown(report: DriftReport): string {
  const fresh = report.items.filter(item => item.new).length;
  const since = report.previousRun
    ? `since the previous run (${report.previousRun.slice(0, 16).replace('T', ' ')} UTC)`
    : 'on the first run recorded';
  const lines = [
    `**Drift** (information, never a failure) from ${report.responses} responses of ${report.source.kind}${report.source.baseUrl ? ` ${cell(report.source.baseUrl)}` : ''}: ` +
      (report.items.length
        ? `${report.items.length} ${report.items.length === 1 ? 'thing' : 'things'} beyond the document, ${fresh} new ${since}.`
        : 'nothing beyond the document.'),
  ];
  if (report.items.length) {
    lines.push('', '| | kind | name | seen on | example | checks |', '| --- | --- | --- | --- | --- | ---: |');
    for (const item of report.items)
      lines.push(
        `| ${item.new ? '🆕 new' : ''} | ${item.kind} | ${cell(item.name)} | ${item.seenOn.join(', ')} | ${item.example !== undefined ? cell(item.example) : ''} | ${item.checks.length} |`,
      );
  }
  if (report.gone.length)
    lines.push('', `No longer seen ${since}: ${report.gone.map(item => `${item.kind} ${cell(item.name)}`).join(', ')}.`);
  return lines.join('\n') + '\n';
}
