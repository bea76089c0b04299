// What an interactive sign-in needs from the fake Entra: the authorize endpoint (authorization-code grant with PKCE,
// consent given automatically for seeded users), the authorization_code and refresh_token grants with tokens per
// tenant, id_token and client_info as MSAL reads them, OpenID configuration for `common`/`organizations`, instance
// discovery, and a tenant whose Conditional Access asks for its own interactive sign-in. See README.md,
// "Interactive sign-in", for the behaviour and the choices where the sources were silent.
import { createHash, randomBytes } from 'node:crypto';
import type { FakeResponse, FakeState, SeedTenant } from './types';
import { entraError, normalizeAudience, tokenLifetimeSeconds, type TokenService } from './auth';
import { findUser, membershipIn, type SeedUser, type SeedUserMembership } from './tenants';
import { sameId, stableGuid } from './state';

/** Entra keeps an authorization code for 10 minutes. */
const codeLifetimeMs = 10 * 60_000;

/** The well-known application ids Entra names in messages about a resource. */
const resourceAppIds = { arm: '797f4846-ba00-4fd7-ba43-dac1f8f63013', graph: '00000003-0000-0000-c000-000000000000' };

const oidcScopes = ['openid', 'profile', 'email', 'offline_access'];

interface AuthorizationCode {
  userId: string;
  clientId: string;
  tenantId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  nonce?: string;
  expiresAt: number;
  redeemed: boolean;
}

interface RefreshGrant {
  userId: string;
  clientId: string;
  /** Tenants whose Conditional Access this sign-in satisfied (an interactive sign-in to that tenant). */
  interactiveTenants: string[];
}

/** The sign-in state of a running fake: codes, refresh tokens and the test browser's account. Cleared by reset. */
export class SignInSessions {
  readonly codes = new Map<string, AuthorizationCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  /** The account the test's browser is signed in to (control route), used when a request names no login_hint. */
  browserUser: string | undefined;

  clear(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.browserUser = undefined;
  }
}

/** The tenant aliases that let the user's own tenant decide. `consumers` (Microsoft accounts) is not modelled. */
export function isTenantAlias(tenant: string): boolean {
  return ['common', 'organizations'].includes(tenant.toLowerCase());
}

function findTenant(state: FakeState, tenant: string): SeedTenant | undefined {
  return state.tenants.find((t) => sameId(t.tenantId, tenant) || sameId(t.defaultDomain, tenant));
}

function opaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

// ---------- Discovery ----------

/** OpenID configuration of `common`/`organizations`: the issuer keeps Entra's `{tenantid}` placeholder. */
export function aliasOpenIdConfiguration(authorityHost: string, tenantConfiguration: Record<string, unknown>): Record<string, unknown> {
  return { ...tenantConfiguration, issuer: `${authorityHost}/{tenantid}/v2.0`, tenant_region_scope: null };
}

/** `GET {authorityHost}/{tenant}/discovery/instance`: the fake's host is its own only alias. */
export function instanceDiscovery(authorityHost: string, query: URLSearchParams): FakeResponse {
  const host = new URL(authorityHost).host;
  const authorizationEndpoint = query.get('authorization_endpoint') ?? `${authorityHost}/common/oauth2/v2.0/authorize`;
  const tenant = /\/([^/]+)\/oauth2\/v2\.0\/authorize$/i.exec(authorizationEndpoint)?.[1] ?? 'common';
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

// ---------- The authorize endpoint ----------

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function errorPage(status: number, code: number, message: string): FakeResponse {
  const escaped = escapeHtml(`AADSTS${code}: ${message}`);
  return { status, html: `<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1><p id="error">${escaped}</p></body></html>` };
}

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** Entra's redirect URI rule: exact match, except that a loopback address may use any port. */
function redirectUriRegistered(registered: string[], requested: string): boolean {
  let wanted: URL;
  try {
    wanted = new URL(requested);
  } catch {
    return false;
  }
  const path = (url: URL) => (url.pathname === '/' ? '' : url.pathname);
  return registered.some((entry) => {
    const candidate = new URL(entry);
    if (isLoopback(candidate) && isLoopback(wanted)) {
      return candidate.hostname === wanted.hostname && path(candidate) === path(wanted);
    }
    return candidate.href === wanted.href || (candidate.origin === wanted.origin && path(candidate) === path(wanted) && !wanted.search);
  });
}

function unknownClient(clientId: string, tenant: string): string {
  return `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`;
}

function notInTenant(user: SeedUser, tenant: SeedTenant, clientId: string, clientName: string): string {
  return `User account '${user.userPrincipalName}' from identity provider 'https://sts.windows.net/${user.homeTenantId}/' does not exist in tenant '${tenant.displayName}' and cannot access the application '${clientId}'(${clientName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`;
}

/** Sends the answer back to the client: a redirect with the parameters in the query, or a self-posting form. */
function redirectBack(redirectUri: string, responseMode: string, params: Record<string, string>): FakeResponse {
  if (responseMode === 'form_post') {
    const inputs = Object.entries(params)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    return { status: 200, html: `<!DOCTYPE html><html><body onload="document.forms[0].submit()"><form method="POST" action="${escapeHtml(redirectUri)}">${inputs}</form></body></html>` };
  }
  const target = new URL(redirectUri);
  if (responseMode === 'fragment') target.hash = new URLSearchParams(params).toString();
  else for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return { status: 302, headers: { Location: target.href } };
}

/** The account picker: one link per seeded user who may sign in here; a test (or a person) clicks one. */
function accountPicker(requestUrl: URL, state: FakeState, tenant: SeedTenant | undefined): FakeResponse {
  const users = (state.users ?? []).filter((u) => !tenant || membershipIn(u, tenant.tenantId));
  const items = users.map((u) => {
    const link = new URL(requestUrl.href);
    link.searchParams.set('login_hint', u.userPrincipalName);
    link.searchParams.delete('prompt');
    return `<li><a data-user="${escapeHtml(u.userPrincipalName)}" href="${escapeHtml(link.href)}">${escapeHtml(`${u.displayName} (${u.userPrincipalName})`)}</a></li>`;
  });
  return { status: 200, html: `<!DOCTYPE html><html><head><title>Pick an account</title></head><body><h1>Pick an account</h1><ul id="accounts">${items.join('')}</ul></body></html>` };
}

/**
 * `GET {authorityHost}/{tenant}/oauth2/v2.0/authorize`. Errors Entra cannot send back (unknown client, redirect URI
 * not registered, user not in the tenant) are an HTML page; the others go to the redirect URI as `error` parameters.
 */
export function handleAuthorize(
  tenantName: string,
  query: URLSearchParams,
  requestUrl: URL,
  state: FakeState,
  sessions: SignInSessions,
  correlationId: string,
): FakeResponse {
  const clientId = query.get('client_id') ?? '';
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!clientId) return errorPage(400, 900144, "The request body must contain the following parameter: 'client_id'.");
  const client = (state.publicClients ?? []).find((c) => sameId(c.appId, clientId));
  const confidential = state.principals.find((p) => p.appId !== undefined && sameId(p.appId, clientId));
  if (!client && !confidential) return errorPage(400, 700016, unknownClient(clientId, tenantName));
  if (!redirectUri || !redirectUriRegistered(client?.redirectUris ?? [], redirectUri)) {
    return errorPage(400, 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`);
  }
  const stateParam = query.get('state');
  const responseMode = query.get('response_mode') ?? 'query';
  const fail = (error: string, code: number, description: string): FakeResponse => {
    const body = entraError(400, error, code, description, correlationId).body as Record<string, string>;
    return redirectBack(redirectUri, responseMode, { error, error_description: body['error_description']!, ...(stateParam ? { state: stateParam } : {}) });
  };
  if (query.get('response_type') !== 'code') {
    return fail('unsupported_response_type', 700054, `response_type '${query.get('response_type') ?? ''}' is not enabled for the application.`);
  }
  const codeChallenge = query.get('code_challenge') ?? undefined;
  const method = query.get('code_challenge_method') ?? (codeChallenge ? 'plain' : undefined);
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return fail('invalid_request', 501491, `Invalid value '${method}' for the code_challenge_method parameter: use S256 or plain.`);
  }
  const tenant = isTenantAlias(tenantName) ? undefined : findTenant(state, tenantName);

  // Who signs in: the login_hint, else the test browser's account, else the account picker.
  const hint = query.get('login_hint');
  const user = (hint ? findUser(state, hint) : undefined) ?? (sessions.browserUser ? findUser(state, sessions.browserUser) : undefined);
  if (!user) {
    if (query.get('prompt') === 'none') {
      return fail('login_required', 50058, 'A silent sign-in request was sent but no user is signed in.');
    }
    return accountPicker(requestUrl, state, tenant);
  }
  const signInTenant = tenant ?? findTenant(state, user.homeTenantId)!;
  if (!membershipIn(user, signInTenant.tenantId)) {
    return errorPage(400, 50020, notInTenant(user, signInTenant, clientId, client?.displayName ?? clientId));
  }
  const code = opaqueToken();
  sessions.codes.set(code, {
    userId: user.id,
    clientId,
    tenantId: signInTenant.tenantId,
    redirectUri,
    ...(codeChallenge ? { codeChallenge, codeChallengeMethod: method as 'S256' | 'plain' } : {}),
    ...(query.get('nonce') ? { nonce: query.get('nonce')! } : {}),
    expiresAt: Date.now() + codeLifetimeMs,
    redeemed: false,
  });
  return redirectBack(redirectUri, responseMode, {
    code,
    ...(query.get('client_info') === '1' ? { client_info: clientInfo(user) } : {}),
    ...(stateParam ? { state: stateParam } : {}),
    session_state: stableGuid(`session:${user.id}`),
  });
}

function clientInfo(user: SeedUser): string {
  return Buffer.from(JSON.stringify({ uid: user.id, utid: user.homeTenantId }), 'utf8').toString('base64url');
}

// ---------- The token endpoint: authorization_code and refresh_token ----------

interface UserGrant {
  user: SeedUser;
  clientId: string;
  tenant: SeedTenant;
  interactiveTenants: string[];
  nonce?: string;
}

/** `grant_type=authorization_code`: checks the code, its client, redirect URI and PKCE verifier, then issues tokens. */
export function redeemAuthorizationCode(tenantName: string, form: URLSearchParams, state: FakeState, tokens: TokenService, sessions: SignInSessions, authorityHost: string, correlationId: string): FakeResponse {
  const clientId = form.get('client_id') ?? '';
  const client = (state.publicClients ?? []).find((c) => sameId(c.appId, clientId));
  if (!client) return entraError(400, 'unauthorized_client', 700016, unknownClient(clientId, tenantName), correlationId);
  const code = sessions.codes.get(form.get('code') ?? '');
  if (!code || !sameId(code.clientId, clientId)) {
    return entraError(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.", correlationId);
  }
  if (code.redeemed) {
    return entraError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.', correlationId);
  }
  if (code.expiresAt <= Date.now()) {
    return entraError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.', correlationId);
  }
  const redirectUri = form.get('redirect_uri') ?? '';
  if (redirectUri !== code.redirectUri) {
    return entraError(400, 'invalid_grant', 500112, `The reply address '${redirectUri}' does not match the reply address '${code.redirectUri}' provided when requesting Authorization code.`, correlationId);
  }
  if (code.codeChallenge) {
    const verifier = form.get('code_verifier');
    if (!verifier) {
      return entraError(400, 'invalid_grant', 50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.', correlationId);
    }
    const derived = code.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (derived !== code.codeChallenge) {
      return entraError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.', correlationId);
    }
  }
  const user = (state.users ?? []).find((u) => sameId(u.id, code.userId));
  const tenant = findTenant(state, code.tenantId);
  if (!user || !tenant) return entraError(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.", correlationId);
  code.redeemed = true;
  return issueUserTokens({ user, clientId, tenant, interactiveTenants: [tenant.tenantId], ...(code.nonce ? { nonce: code.nonce } : {}) }, form, tokens, sessions, authorityHost, correlationId);
}

/** `grant_type=refresh_token`: a token for any tenant the user belongs to, unless that tenant asks for its own sign-in. */
export function redeemRefreshToken(tenantName: string, form: URLSearchParams, state: FakeState, tokens: TokenService, sessions: SignInSessions, authorityHost: string, correlationId: string): FakeResponse {
  const clientId = form.get('client_id') ?? '';
  const client = (state.publicClients ?? []).find((c) => sameId(c.appId, clientId));
  if (!client) return entraError(400, 'unauthorized_client', 700016, unknownClient(clientId, tenantName), correlationId);
  const grant = sessions.refreshTokens.get(form.get('refresh_token') ?? '');
  const user = grant && sameId(grant.clientId, clientId) ? (state.users ?? []).find((u) => sameId(u.id, grant.userId)) : undefined;
  if (!grant || !user) return entraError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', correlationId);
  const tenant = isTenantAlias(tenantName) ? findTenant(state, user.homeTenantId) : findTenant(state, tenantName);
  if (!tenant) {
    return entraError(400, 'invalid_tenant', 90002, `Tenant '${tenantName}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, correlationId);
  }
  if (!membershipIn(user, tenant.tenantId)) {
    return entraError(400, 'invalid_grant', 50020, notInTenant(user, tenant, clientId, client.displayName), correlationId);
  }
  if (tenant.requiresInteractiveSignIn && !grant.interactiveTenants.some((t) => sameId(t, tenant.tenantId))) {
    const resource = resourceOf(form.get('scope') ?? '', tokens);
    const appId = 'audience' in resource && resource.audience === tokens.audiences.arm ? resourceAppIds.arm : resourceAppIds.graph;
    const answer = entraError(400, 'interaction_required', 50076,
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${appId}'.`, correlationId);
    return { ...answer, body: { ...(answer.body as object), suberror: 'basic_action' } };
  }
  return issueUserTokens({ user, clientId, tenant, interactiveTenants: grant.interactiveTenants }, form, tokens, sessions, authorityHost, correlationId);
}

type Resource = { audience: string; names: string[]; prefix: string } | { error: FakeResponse };

/** The one resource the scopes name (ARM or Graph), with the permission names asked for (`.default` = all). */
function resourceOf(scopeParam: string, tokens: TokenService, correlationId = ''): Resource {
  const scopes = scopeParam.split(' ').filter((s) => s && !oidcScopes.includes(s.toLowerCase()));
  // Only OIDC scopes: Entra answers with a Microsoft Graph token.
  if (scopes.length === 0) return { audience: tokens.audiences.graph, names: ['.default'], prefix: `${tokens.audiences.graph}/` };
  const parsed = scopes.map((scope) => {
    const cut = scope.lastIndexOf('/');
    // A bare permission (`User.Read`) is Microsoft Graph's.
    return cut < 0 ? { prefix: `${tokens.audiences.graph}/`, name: scope } : { prefix: scope.slice(0, cut + 1), name: scope.slice(cut + 1) };
  });
  const resources = new Set(parsed.map((p) => normalizeAudience(p.prefix)));
  if (resources.size > 1) {
    return { error: entraError(400, 'invalid_scope', 28000, `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scopes.join(' ')} is not valid.`, correlationId) };
  }
  const resource = parsed[0]!.prefix;
  const audience = [tokens.audiences.arm, tokens.audiences.graph].find((a) => normalizeAudience(a) === normalizeAudience(resource));
  if (!audience) {
    return { error: entraError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`, correlationId) };
  }
  return { audience, names: parsed.map((p) => p.name), prefix: resource };
}

/** Tokens for a signed-in user; `iss` names the authority host the client used (`/login` or the root). */
function issueUserTokens(grant: UserGrant, form: URLSearchParams, tokens: TokenService, sessions: SignInSessions, authorityHost: string, correlationId: string): FakeResponse {
  const scopeParam = form.get('scope') ?? '';
  const resource = resourceOf(scopeParam, tokens, correlationId);
  if ('error' in resource) return resource.error;
  const { user, clientId, tenant } = grant;
  const membership: SeedUserMembership = membershipIn(user, tenant.tenantId)!;
  const isGraph = resource.audience === tokens.audiences.graph;
  const issuer = `${authorityHost}/${tenant.tenantId}/v2.0`;
  const consented = isGraph ? (user.graphScopes ?? []) : ['user_impersonation'];
  const asked = resource.names.filter((n) => n !== '.default');
  const refused = asked.filter((n) => !consented.some((c) => c.toLowerCase() === n.toLowerCase()));
  if (refused.length > 0) {
    const answer = entraError(400, 'invalid_grant', 65001,
      `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource.`, correlationId);
    return { ...answer, body: { ...(answer.body as object), suberror: 'consent_required' } };
  }
  const granted = resource.names.includes('.default') ? consented : asked;
  const accessToken = tokens.mint(
    { id: membership.objectId, kind: 'User', tenantId: tenant.tenantId, displayName: user.displayName, userPrincipalName: user.userPrincipalName },
    resource.audience,
    { iss: issuer, roles: undefined, scp: granted.join(' '), azp: clientId, name: user.displayName },
  );
  const requested = scopeParam.split(' ').map((s) => s.toLowerCase());
  const now = Math.floor(Date.now() / 1000);
  const idToken = requested.includes('openid')
    ? tokens.sign({
        aud: clientId,
        iss: issuer,
        iat: now,
        nbf: now,
        exp: now + tokenLifetimeSeconds,
        name: user.displayName,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        oid: membership.objectId,
        preferred_username: user.userPrincipalName,
        sub: stableGuid(`sub:${membership.objectId}:${clientId}`),
        tid: tenant.tenantId,
        ver: '2.0',
      })
    : undefined;
  let refreshToken: string | undefined;
  if (requested.includes('offline_access')) {
    // A fresh refresh token every time; Entra does not revoke the old one, so neither does the fake.
    refreshToken = opaqueToken();
    sessions.refreshTokens.set(refreshToken, { userId: user.id, clientId, interactiveTenants: [...grant.interactiveTenants] });
  }
  const scopesGranted = [...granted.map((n) => `${resource.prefix}${n}`), ...(resource.names.includes('.default') ? [`${resource.prefix}.default`] : [])];
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      scope: scopesGranted.join(' '),
      expires_in: tokenLifetimeSeconds,
      ext_expires_in: tokenLifetimeSeconds,
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(idToken ? { id_token: idToken } : {}),
      ...(form.get('client_info') === '1' ? { client_info: clientInfo(user) } : {}),
    },
  };
}

// ---------- Control route: the test browser's account ----------

/** `GET|POST /_control/browser-user`: which seeded user the authorize endpoint signs in when no login_hint is sent. */
export function browserUserControl(method: string, rawBody: string, state: FakeState, sessions: SignInSessions): FakeResponse {
  if (method === 'GET') return { status: 200, body: { user: sessions.browserUser ?? null } };
  if (method !== 'POST') return { status: 405, body: { error: { code: 'MethodNotAllowed', message: 'Use GET or POST.' } } };
  let wanted: unknown;
  try {
    wanted = (JSON.parse(rawBody) as { user?: unknown }).user;
  } catch {
    return { status: 400, body: { error: { code: 'InvalidBody', message: 'Send {"user": "<userPrincipalName or id>"} or {"user": null}.' } } };
  }
  if (wanted === null) {
    sessions.browserUser = undefined;
    return { status: 204 };
  }
  const user = typeof wanted === 'string' ? findUser(state, wanted) : undefined;
  if (!user) {
    const known = (state.users ?? []).map((u) => u.userPrincipalName).join(', ');
    return { status: 400, body: { error: { code: 'UnknownUser', message: `No seeded user ${JSON.stringify(wanted)}. Users: ${known}.` } } };
  }
  sessions.browserUser = user.userPrincipalName;
  return { status: 204 };
}

