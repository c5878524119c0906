// Tokens only the target's side can provide, asked for through one small typed helper: the embedded
// mock issues them on request (POST /_mock/tokens: another scope, another issuer, a short life long
// past); a live target gives a token for another scope through the run's client credentials and
// IMS_OTHER_SCOPE. What the target cannot provide comes back as the reason to skip, never a guess.
// Every token obtained here is a real one of the target's authority: registered as a secret.
import type { StorageConnectionsClient } from '../client/client';
import { networkFetch } from '../client/network';
import { fetchClientCredentialsToken } from '../client/token';
import { REQUIRED_SCOPE } from '../contract/tokens';
import { registerSecret } from '../report/secrets';
import type { Target } from '../run/target';
import { MOCK_TOKENS_PATH, type IssuedToken, type TokenRequest } from '../../mock/tokens';
import { carriesRequiredScope, decodeJwt, type DecodedJwt } from './forged-tokens';

/** A token, with a line saying where it came from (for an annotation), or why there is none. */
export type Provided<T = string> = { token: T; source: string } | { skip: string };

/** A scope no real authority grants, for the mock's token without itwin-platform. */
export const MOCK_OTHER_SCOPE = 'conformance-other-scope';
/** The issuer the embedded mock signs for in the wrong-issuer check: another tenant of the same signing service. */
export const MOCK_OTHER_ISSUER = 'https://other-tenant.conformance.invalid';

const NOT_A_JWT =
  "the target's token is not a JWT (an opaque token): it has no signature or claims to forge from, so this cause cannot be shown with it";

export class TargetTokens {
  constructor(
    private readonly api: StorageConnectionsClient,
    private readonly target: Target,
  ) {}

  /** The token the run authenticates with now (refreshed with client credentials when due). */
  async current(): Promise<string> {
    const token = await this.api.options.token();
    registerSecret(token);
    return token;
  }

  /** The run's token decoded, or why it cannot be: it is not a JWT. */
  async currentJwt(): Promise<Provided<DecodedJwt>> {
    const jwt = decodeJwt(await this.current());
    return jwt ? { token: jwt, source: "the target's own token" } : { skip: NOT_A_JWT };
  }

  /** A token the embedded mock issues on request; a live target has no such helper. */
  async issuedByMock(request: TokenRequest, why: string): Promise<Provided> {
    if (!this.target.isEmbeddedMock)
      return { skip: `only the embedded mock issues tokens on request (${why}); a live target's authority does not` };
    const response = await networkFetch(`${this.target.baseUrl}${MOCK_TOKENS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status !== 201)
      throw new Error(`the embedded mock refused to issue a token (${response.status}: ${await response.text()})`);
    const { access_token: token } = (await response.json()) as IssuedToken;
    registerSecret(token);
    return { token, source: `issued by the embedded mock: ${why}` };
  }

  /**
   * A token without itwin-platform: on the embedded mock, one it issues for another scope; on a live
   * target, one the run's client credentials obtain for IMS_OTHER_SCOPE, a scope the service app holds.
   */
  async withoutRequiredScope(): Promise<Provided> {
    if (this.target.isEmbeddedMock) return this.issuedByMock({ scope: MOCK_OTHER_SCOPE }, `scope ${MOCK_OTHER_SCOPE}`);
    const credentials = this.target.credentials;
    if (!credentials)
      return {
        skip: `the run's token is given as it is (API_ACCESS_TOKEN), so no token for another scope can be obtained: run with client credentials (IMS_CLIENT_ID, IMS_CLIENT_SECRET) and IMS_OTHER_SCOPE, another scope the service app holds`,
      };
    if (!credentials.otherScope)
      return {
        skip: `IMS_OTHER_SCOPE is not set: set it to a scope the service app holds other than ${REQUIRED_SCOPE}, to obtain a token without ${REQUIRED_SCOPE} through the run's client credentials`,
      };
    const { accessToken } = await fetchClientCredentialsToken({ ...credentials, scope: credentials.otherScope });
    if (carriesRequiredScope(accessToken))
      return {
        skip: `the authority's token for IMS_OTHER_SCOPE "${credentials.otherScope}" carries ${REQUIRED_SCOPE} too, so it cannot show the cause: choose another scope`,
      };
    return { token: accessToken, source: `obtained with the run's client credentials for IMS_OTHER_SCOPE "${credentials.otherScope}"` };
  }
}
