// Faults of token validation: each is a validator lenient in one way (mock/tokens.ts, Leniency), the
// classic ways an API gateway's validation breaks. A request whose token only the lenient validator
// takes is served as if it carried the run's valid token. Each must be caught by the check of the 401
// cause it opens (tests/conformance/401-token-causes.spec.ts).
import { withAuthorization, type Behaviour } from './behaviour-kit';
import type { Fault } from './faults';
import type { Leniency } from './tokens';

/** Serves a request as authenticated when the lenient validator takes its token and the real one does not. */
const lenient =
  (leniency: Leniency): Behaviour =>
  (request, next, context) => {
    const header = request.headers['authorization'];
    if (header === undefined || context.tokens.check(header).valid || !context.tokens.check(header, leniency).valid) return next();
    return next(withAuthorization(request, `Bearer ${context.token}`));
  };

export const AUTH_FAULTS: Record<string, Fault> = {
  'token-alg-none-accepted': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@alg-none'],
    description:
      'an unsigned token (alg: none) is accepted when its claims hold: anyone who has seen a token, or can guess its claims, can write its own',
    behaviour: lenient({ algNone: true }),
  },
  'token-signature-unchecked': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@altered-signature'],
    description: "the token's signature is never verified, only its claims: a token with any signature, or an edited claim, is accepted",
    behaviour: lenient({ signature: true }),
  },
  'token-expiry-ignored': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@expired-token'],
    description: 'an expired token is accepted: a token that leaked once works for ever',
    behaviour: lenient({ expiry: true }),
  },
  'token-issuer-ignored': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@wrong-issuer'],
    description:
      'the issuer is not checked, only that the key signed the token: a token the same signing service issued for another issuer (tenant, environment) is accepted',
    behaviour: lenient({ issuer: true }),
  },
  'token-scope-ignored': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@missing-scope'],
    description: 'the scope is not checked: a token issued for another API (without itwin-platform) is accepted here',
    behaviour: lenient({ scope: true }),
  },
};
