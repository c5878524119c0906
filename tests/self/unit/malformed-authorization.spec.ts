// The malformed Authorization headers of the 401's causes are built around the token, and each is
// redacted from reports like the token itself.
import { test, expect } from '../fixtures';
import { malformed } from '../../../support/checks/forged-tokens';
import { redactText } from '../../../support/report/redact';

test('malformed headers are built around the token, and each is redacted like the token itself', () => {
  const token = 'aaaa.bbbbbbbbbbbb.cccccccccccccccccccc';
  const headers = {
    trailingText: malformed.trailingText(token),
    spaceInside: malformed.spaceInside(token),
    nonAscii: malformed.nonAscii(token),
    noScheme: malformed.noScheme(token),
    lowerCaseScheme: malformed.lowerCaseScheme(token),
  };
  expect(headers).toEqual({
    trailingText: `Bearer ${token} conformance`,
    spaceInside: 'Bearer aaaa.bbbbbbbbbbbb.c ccccccccccccccccccc',
    nonAscii: 'Bearer aaaa.bbbbbbbbbbbb.ccccccccccÃ©cccccccccc',
    noScheme: token,
    lowerCaseScheme: `bearer ${token}`,
  });
  for (const [name, value] of Object.entries(headers))
    expect(redactText(`echoed: ${value}`), name).not.toContain(value.replace(/^bearer /i, '').slice(0, 12));
});
