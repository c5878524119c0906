// What of an exchange may be recorded: credentials never reach a report, a log or a trace. Header
// values and body fields with secret-looking names are replaced, and the secrets of the run
// (report/secrets.ts) are taken out of any text, wherever a server echoed them.
import { secretValues } from './secrets';

const SECRET_NAME = /authorization|token|secret|password|api[-_]?key|cookie|credential/i;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_NAME.test(name)) out[name] = value;
    else out[name] = /^authorization$/i.test(name) ? redactAuthorization(value) : '<redacted>';
  }
  return out;
}

/** Keeps the scheme ("Bearer <redacted>") so a reader sees what kind of credential was sent. */
function redactAuthorization(value: string): string {
  const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} <redacted>` : '<redacted>';
}

export function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_NAME.test(key) ? '<redacted>' : redactValue(item)]));
}

/** Removes every secret of the run (and any `extra` ones) from free text: error messages, raw bodies. */
export function redactText(text: string, extra: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of [...secretValues(), ...extra]) if (secret && secret.length >= 8) out = out.split(secret).join('<redacted>');
  return out;
}

/**
 * Removes the secrets and any credential after an Authorization scheme (as in a call log's
 * "authorization: Bearer ..." line), whatever token it is: refreshed tokens included.
 */
export function redactCredentials(text: string, extra: readonly (string | undefined)[] = []): string {
  return redactText(text, extra).replace(/\b(Bearer|Basic)\s+(?!<redacted>)[A-Za-z0-9._~+/=-]{6,}/g, '$1 <redacted>');
}
