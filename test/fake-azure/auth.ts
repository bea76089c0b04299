// The Microsoft Entra face of the fake (OpenID configuration, JWKS, client-credentials token endpoint; the
// interactive sign-in is in authorize.ts) and the bearer-token check that ARM and Graph run on every request.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { Caller, FakeResponse, FakeState, SeedPrincipal } from './types';
import { graphErrorBody } from './graph';
import { sameId } from './state';
import { aliasOpenIdConfiguration, handleAuthorize, instanceDiscovery, isTenantAlias, redeemAuthorizationCode, redeemRefreshToken, type SignInSessions } from './authorize';

export const tokenLifetimeSeconds = 3599;

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
  sub: string;
  tid: string;
  appid?: string;
  azp?: string;
  idtyp: 'app' | 'user';
  upn?: string;
  name?: string;
  roles?: string[];
  /** v1.0 tokens (what IMDS gives managed identities, imds.ts): appidacr, idp and the managed identity's xms_mirid. */
  appidacr?: string;
  idp?: string;
  xms_mirid?: string;
  /** Users' delegated permissions, space-separated. */
  scp?: string;
  ver: '1.0' | '2.0';
}

/** Signs and checks RS256 tokens with a key made when the fake starts, so no token outlives its fake. */
export class TokenService {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly keyId = randomUUID();

  constructor(
    private readonly authorityHost: string,
    readonly audiences: { arm: string; graph: string },
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    this.publicKey = publicKey;
  }

  issuer(tenantId: string): string {
    return `${this.authorityHost}/${tenantId}/v2.0`;
  }

  /** Makes a token; tests use the overrides to make expired or wrong-audience tokens. */
  mint(principal: SeedPrincipal, audience: string, overrides: Partial<TokenClaims> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const isGraph = normalizeAudience(audience) === normalizeAudience(this.audiences.graph);
    const claims: TokenClaims = {
      aud: audience,
      iss: this.issuer(principal.tenantId),
      iat: now,
      nbf: now,
      exp: now + tokenLifetimeSeconds,
      oid: principal.id,
      sub: principal.id,
      tid: principal.tenantId,
      ...(principal.kind === 'ServicePrincipal' ? { appid: principal.appId, azp: principal.appId } : {}),
      idtyp: principal.kind === 'ServicePrincipal' ? 'app' : 'user',
      ...(principal.userPrincipalName ? { upn: principal.userPrincipalName } : {}),
      // Application permissions reach only Graph tokens, as in Entra: ARM tokens carry no Graph roles.
      ...(isGraph ? { roles: [...(principal.graphPermissions ?? [])] } : {}),
      ver: '2.0',
      ...overrides,
    };
    return this.sign(claims);
  }

  /** Signs any claims (access and id tokens) with this fake's key. */
  sign(claims: object): string {
    const header = { alg: 'RS256', typ: 'JWT', kid: this.keyId };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(unsigned), this.privateKey);
    return `${unsigned}.${signature.toString('base64url')}`;
  }

  /** The claims of a token this fake signed, or undefined when the signature or format is wrong. */
  read(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!ok) return undefined;
    try {
      return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
  }

  jwks(): unknown {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.keyId, n: jwk.n, e: jwk.e, alg: 'RS256' }] };
  }
}

export function normalizeAudience(audience: string): string {
  return audience.replace(/\/+$/, '').toLowerCase();
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

// ---------- The token service's routes, below authorityHost ----------

/** Entra's error body (no error_uri: the real one would point at login.microsoftonline.com, away from the fake). */
export function entraError(status: number, error: string, code: number, description: string, correlationId: string): FakeResponse {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const traceId = randomUUID();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}

function findTenant(state: FakeState, tenant: string) {
  return state.tenants.find((t) => sameId(t.tenantId, tenant) || sameId(t.defaultDomain, tenant));
}

/**
 * Where an Entra request's authority host ends: `/login` (the fake's authorityHost), or the root for Entra-shaped
 * paths (`/{tenant}/oauth2/...`, `/{tenant}/v2.0/...`, `/{tenant}/discovery/...`), because MSAL takes an authority's
 * first path segment as its tenant and so cannot tell tenants apart under `/login` (see README). Undefined otherwise.
 */
export function entraAuthorityPrefix(path: string): '/login' | '' | undefined {
  if (path === '/login' || path.startsWith('/login/')) return '/login';
  return /^\/[^/]+\/(oauth2|v2\.0|discovery)\//i.test(path) ? '' : undefined;
}

/**
 * Handles `{authorityHost}/...`; `path` is below authorityHost, e.g. `/{tenant}/oauth2/v2.0/token`.
 * `form` is the url-encoded body of a POST, or the query of a GET.
 */
export function handleLoginRequest(
  method: string,
  path: string,
  form: URLSearchParams,
  state: FakeState,
  tokens: TokenService,
  authorityHost: string,
  correlationId: string,
  sessions: SignInSessions,
): FakeResponse {
  const match = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/instance|oauth2\/v2\.0\/token|oauth2\/v2\.0\/authorize|oauth2\/v2\.0\/logout)$/i.exec(path);
  if (!match) return { status: 404, body: { error: 'not_found', error_description: `No such endpoint: ${path}` } };
  const tenantName = match[1]!;
  const endpoint = match[2]!.toLowerCase();
  if (endpoint === 'discovery/instance' && method === 'GET') return instanceDiscovery(authorityHost, form);
  const alias = isTenantAlias(tenantName);
  const tenant = alias ? undefined : findTenant(state, tenantName);
  if (!alias && !tenant) {
    return entraError(400, 'invalid_tenant', 90002, `Tenant '${tenantName}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, correlationId);
  }
  const base = `${authorityHost}/${tenantName}`;
  if (endpoint === 'v2.0/.well-known/openid-configuration' && method === 'GET') {
    const configuration = {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${authorityHost}/${tenant?.tenantId ?? tenantName}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${authorityHost.replace(/\/login$/, '/graph')}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'oid', 'tid', 'roles', 'nonce', 'preferred_username', 'name', 'ver'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'fake-azure.invalid',
    };
    return { status: 200, body: tenant ? configuration : aliasOpenIdConfiguration(authorityHost, configuration) };
  }
  if (endpoint === 'discovery/v2.0/keys' && method === 'GET') return { status: 200, body: tokens.jwks() };
  if (endpoint === 'oauth2/v2.0/authorize' && method === 'GET') {
    return handleAuthorize(tenantName, form, new URL(`${authorityHost}${path}?${form.toString()}`), state, sessions, correlationId);
  }
  if (endpoint === 'oauth2/v2.0/token' && method === 'POST') {
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return redeemAuthorizationCode(tenantName, form, state, tokens, sessions, authorityHost, correlationId);
    if (grantType === 'refresh_token') return redeemRefreshToken(tenantName, form, state, tokens, sessions, authorityHost, correlationId);
    if (!tenant) {
      return entraError(400, 'invalid_request', 50059, 'No tenant-identifying information found in either the request or implied by any provided credentials.', correlationId);
    }
    return issueToken(form, state, tokens, tenant.tenantId, correlationId);
  }
  return { status: 405, body: { error: 'invalid_request', error_description: `AADSTS900561: The endpoint only accepts POST requests.` } };
}

function issueToken(form: URLSearchParams, state: FakeState, tokens: TokenService, tenantId: string, correlationId: string): FakeResponse {
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`, correlationId);
  }
  const clientId = form.get('client_id') ?? '';
  const principal = state.principals.find((p) => p.kind === 'ServicePrincipal' && p.appId !== undefined && sameId(p.appId, clientId));
  if (!principal || !sameId(principal.tenantId, tenantId)) {
    return entraError(400, 'unauthorized_client', 700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      correlationId);
  }
  if (form.get('client_secret') !== principal.secret) {
    return entraError(401, 'invalid_client', 7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      correlationId);
  }
  const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
  const scope = scopes[0] ?? '';
  if (scopes.length !== 1 || !scope.endsWith('/.default')) {
    return entraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`, correlationId);
  }
  const resource = scope.slice(0, -'.default'.length);
  const audience = [tokens.audiences.arm, tokens.audiences.graph].find((a) => normalizeAudience(a) === normalizeAudience(resource));
  if (!audience) {
    return entraError(400, 'invalid_resource', 500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      correlationId);
  }
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: tokenLifetimeSeconds, ext_expires_in: tokenLifetimeSeconds, access_token: tokens.mint(principal, audience) },
  };
}

// ---------- Checking the bearer token of an ARM or Graph request ----------

export type TokenCheck = { caller: Caller } | { failure: 'missing' | 'invalid' | 'expired' | 'audience'; detail: string };

export function checkBearerToken(authorization: string | undefined, expectedAudience: string, state: FakeState, tokens: TokenService): TokenCheck {
  if (!authorization) return { failure: 'missing', detail: '' };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) return { failure: 'invalid', detail: '' };
  const claims = tokens.read(match[1]!);
  if (!claims) return { failure: 'invalid', detail: '' };
  if (claims.exp * 1000 <= Date.now()) return { failure: 'expired', detail: new Date(claims.exp * 1000).toISOString() };
  if (normalizeAudience(claims.aud) !== normalizeAudience(expectedAudience)) return { failure: 'audience', detail: claims.aud };
  const principal = state.principals.find((p) => sameId(p.id, claims.oid));
  return {
    caller: {
      oid: claims.oid,
      tid: claims.tid,
      ...(claims.appid ? { appid: claims.appid } : {}),
      displayName: principal?.userPrincipalName ?? claims.upn ?? claims.appid ?? claims.oid,
      aud: claims.aud,
      roles: claims.roles ?? (claims.scp ? claims.scp.split(' ') : []),
    },
  };
}

/** ARM's 401 answers. */
export function armAuthenticationFailure(check: Exclude<TokenCheck, { caller: Caller }>, audience: string, authorityHost: string): FakeResponse {
  const [code, message] = {
    missing: ['AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."],
    invalid: ['InvalidAuthenticationToken', 'The access token is invalid.'],
    expired: ['ExpiredAuthenticationToken', `The access token expiry UTC time '${check.detail}' is earlier than current UTC time '${new Date().toISOString()}'.`],
    audience: ['InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${check.detail}'. It should exactly match with one of the allowed audiences '${audience}','${audience.replace(/\/$/, '')}'.`],
  }[check.failure];
  const description = check.failure === 'missing' ? "The authentication failed because of missing 'Authorization' header." : message;
  return {
    status: 401,
    headers: { 'WWW-Authenticate': `Bearer authorization_uri="${authorityHost}/", error="invalid_token", error_description="${description.replace(/"/g, "'")}"` },
    body: { error: { code, message } },
  };
}

/** Graph's 401 answers. */
export function graphAuthenticationFailure(check: Exclude<TokenCheck, { caller: Caller }>, authorityHost: string, requestId: string): FakeResponse {
  const message = {
    missing: 'Access token is empty.',
    invalid: 'Access token validation failure.',
    expired: 'Lifetime validation failed, the token is expired.',
    audience: 'Access token validation failure. Invalid audience.',
  }[check.failure];
  return {
    status: 401,
    headers: { 'WWW-Authenticate': `Bearer realm="", authorization_uri="${authorityHost}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` },
    body: graphErrorBody('InvalidAuthenticationToken', message, requestId, requestId),
  };
}
