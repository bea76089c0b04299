// A 401 from Azure means the token it was sent is no longer good (expired during a long operation, after a suspend,
// or revoked). The SDKs' bearer policy keeps a cached token until shortly before its stated expiry, so without help
// every later request would carry the same rejected token. This wraps a credential so that its issued tokens can be
// dropped, and a pipeline policy that, on a 401, drops them and sends the request once more with a fresh token.
// Note: a credential's own cache (MSAL) may still hand back a token it considers valid; a revoked one then fails again
// and the 401 is reported as a sign-in problem.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

export class RenewableCredential implements TokenCredential {
  /** The token objects handed to the bearer policies, which keep them as their cache. */
  private issued = new Set<AccessToken>();

  constructor(private readonly inner: TokenCredential) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const token = await this.inner.getToken(scopes, options);
    if (!token) {
      return null;
    }
    const copy: AccessToken = { ...token };
    this.issued.add(copy);
    return copy;
  }

  /** Marks every token issued so far as expired, so each bearer policy asks for a new one on its next request. */
  invalidate(): void {
    for (const token of this.issued) {
      token.expiresOnTimestamp = 0;
      token.refreshAfterTimestamp = 0;
    }
    this.issued.clear();
  }
}

const wrapped = new WeakMap<TokenCredential, RenewableCredential>();

/** The one renewable wrapper of a credential, shared by every client built on it. */
export function renewableCredential(credential: TokenCredential): RenewableCredential {
  if (credential instanceof RenewableCredential) {
    return credential;
  }
  let renewable = wrapped.get(credential);
  if (!renewable) {
    renewable = new RenewableCredential(credential);
    wrapped.set(credential, renewable);
  }
  return renewable;
}

/** On a 401, drops the cached tokens and sends the request once more with a fresh token. It runs after the bearer
 *  policy has signed the request (both SDK pipelines put that policy first), so it signs the retry itself. */
export function renewTokenOnUnauthorizedPolicy(credential: RenewableCredential, scope: string): PipelinePolicy {
  return {
    name: 'renewTokenOnUnauthorized',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 401) {
        return response;
      }
      credential.invalidate();
      const token = await credential.getToken(scope, { abortSignal: request.abortSignal });
      if (!token) {
        return response;
      }
      request.headers.set('authorization', `Bearer ${token.token}`);
      return next(request);
    },
  };
}
