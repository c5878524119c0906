// Faults only generated requests find: each breaks the contract for a structure or a class of
// characters that none of the fixed checks sends (tests/conformance/ besides generated.spec.ts), so
// only the property-based checks (tests/conformance/generated.spec.ts) can catch it. Each trigger is a
// predicate on the request body, exported for the self-tests, which measure how surely the generated
// cases of one run reach it (tests/self/e2e/seed-replay.spec.ts).
import { bodyObject, isPut, onStatus, serverError, type Behaviour } from './behaviour-kit';
import type { Fault } from './faults';
import { parseUpdate } from './operation';

/** Private-use code points: the BMP's area and planes 15 and 16 (icon fonts, vendor symbols). */
const PRIVATE_USE = /[\ue000-\uf8ff\u{f0000}-\u{ffffd}\u{100000}-\u{10fffd}]/u;
/** A code point outside the Basic Multilingual Plane (a surrogate pair in UTF-16, four bytes in UTF-8). */
const BEYOND_BMP = /[\u{10000}-\u{10ffff}]/u;
/** How long a name must be before the buffer of 5xx-long-name-beyond-bmp overflows. */
const LONG_NAME_UNITS = 100;

const isContainer = (value: unknown) => value !== null && typeof value === 'object';

/** The body as a JSON object, or undefined when it is not one. */
function objectIn(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isContainer(parsed) && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
const UPDATE_PROPERTIES = ['displayName', 'authenticationType'];

/** Whether a JSON text ends inside a string literal (an unterminated string). */
export function endsInsideString(text: string): boolean {
  let inside = false;
  for (let i = 0; i < text.length; i++) {
    if (inside && text[i] === '\\') i++;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}

/** The request bodies each fault is triggered by (with the mock's seed connection as the stored state). */
export const TRIGGERS = {
  '5xx-name-private-use': (text: string) => {
    const name = objectIn(text)?.displayName;
    return typeof name === 'string' && PRIVATE_USE.test(name);
  },
  '5xx-long-name-beyond-bmp': (text: string) => {
    const name = objectIn(text)?.displayName;
    return typeof name === 'string' && name.length > LONG_NAME_UNITS && BEYOND_BMP.test(name);
  },
  '5xx-nested-value': (text: string) =>
    Object.values(objectIn(text) ?? {}).some(value => isContainer(value) && Object.values(value as object).some(isContainer)),
  '422-partial-write-with-unknown-property': (
    text: string,
    stored = { displayName: 'Conformance seed connection', authenticationType: 'User' },
  ) => {
    const body = objectIn(text);
    if (!body || !('details' in parseUpdate(text)) || !Object.keys(body).some(key => !UPDATE_PROPERTIES.includes(key))) return false;
    return UPDATE_PROPERTIES.some(key => {
      const single = key in body ? parseUpdate(JSON.stringify({ [key]: body[key] })) : undefined;
      return single !== undefined && 'changes' in single && single.changes[key as 'displayName'] !== stored[key as 'displayName'];
    });
  },
  '5xx-unterminated-string': (text: string) => endsInsideString(text) && objectIn(text) === undefined,
} satisfies Record<string, (text: string, ...rest: never[]) => boolean>;

/** An authenticated PUT to the operation's path whose body meets `trigger` fails with 500 before anything is written. */
const crashesOn =
  (trigger: (text: string) => boolean): Behaviour =>
  (request, next, context) =>
    isPut(request) && request.headers['authorization'] === `Bearer ${context.token}` && trigger(request.body) ? serverError() : next();

export const GENERATED_FAULTS: Record<string, Fault> = {
  '5xx-name-private-use': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@generated-update', '@generated-invalid'],
    description:
      'a displayName with a private-use character (U+E000-U+F8FF, planes 15 and 16: icon-font glyphs, vendor symbols) makes the server fail with 500: a valid update no fixed check sends',
    behaviour: crashesOn(TRIGGERS['5xx-name-private-use']),
  },
  '5xx-long-name-beyond-bmp': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@generated-update', '@generated-invalid'],
    description: `a displayName longer than ${LONG_NAME_UNITS} UTF-16 units holding a character beyond the BMP (emoji, historic scripts) makes the server fail with 500 (a UTF-8 buffer sized per character): the fixed checks send long names in ASCII and astral characters in short ones`,
    behaviour: crashesOn(TRIGGERS['5xx-long-name-beyond-bmp']),
  },
  '5xx-nested-value': {
    path: 422,
    breaks: 'responses.documented',
    caughtBy: ['@generated-invalid'],
    description:
      'a property whose value is an array or object holding another array or object ({"displayName": [[]]}, {"x": {"y": {}}}) makes the server fail with 500 instead of 422: the fixed checks nest one level only',
    behaviour: crashesOn(TRIGGERS['5xx-nested-value']),
  },
  '422-partial-write-with-unknown-property': {
    path: 422,
    breaks: '422.invalid',
    caughtBy: ['@generated-invalid'],
    description:
      'a refused update that also carries a property the server does not know applies its valid displayName or authenticationType before refusing: the 422 hides a partial write (the fixed partial-write check sends no unknown property)',
    behaviour: (request, next, context) => {
      const response = next();
      const body = bodyObject(request);
      if (response.status !== 422 || !isPut(request) || !body || request.connectionId === undefined) return response;
      const stored = context.store.get(request.connectionId);
      if (!stored || !Object.keys(body).some(key => !UPDATE_PROPERTIES.includes(key))) return response;
      for (const key of UPDATE_PROPERTIES.filter(name => name in body)) {
        const single = parseUpdate(JSON.stringify({ [key]: body[key] }));
        if ('changes' in single) context.store.put({ ...context.store.get(request.connectionId)!, ...single.changes });
      }
      return response;
    },
  },
  '5xx-unterminated-string': {
    path: 422,
    breaks: 'responses.documented',
    caughtBy: ['@generated-invalid'],
    description:
      'a body cut off inside a string literal ({"displayName": "abc) makes the server fail with 500 instead of 422 InvalidRequestBody: the parser\'s end-of-input error inside a string escapes the handler; the fixed malformed bodies all end outside a string',
    behaviour: onStatus([422], (response, request) =>
      isPut(request) && bodyObject(request) === undefined && endsInsideString(request.body) ? serverError() : response,
    ),
  },
};
