// The interactive sign-in of the fake Entra: authorize + PKCE with MSAL node (as VS Code's Microsoft account signs
// in) and with plain HTTPS, refresh tokens, tokens per tenant, the tenant that asks for its own sign-in, Entra's
// error shapes, ARM /tenants for each seeded user and the Graph-limited user's 403.
import { createHash, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InteractionRequiredAuthError, PublicClientApplication, type AccountInfo } from '@azure/msal-node';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/core-auth';
import type { RunningFakeAzure } from '../server';
import { collect, decodeJwt, demo, rawFetch, useFakeAzure } from './sdk';

const contoso = demo.tenantId;
const fabrikam = demo.seed.tenants.find((t) => t.displayName === 'Fabrikam')!.tenantId;
const northwind = demo.seed.tenants.find((t) => t.displayName === 'Northwind Traders')!.tenantId;
const fabrikamProduction = demo.seed.subscriptions.find((s) => s.displayName === 'Fabrikam Production')!.subscriptionId;
const user = (name: string) => demo.seed.users!.find((u) => u.displayName === name)!;
const megan = user('Megan Bowen'); // Contoso and Fabrikam (Fabrikam asks for its own sign-in)
const lee = user('Lee Gu'); // Graph token without GroupMember.ReadWrite.All
const nestor = user('Nestor Wilke'); // 12 tenants
const vscodeClientId = 'aebc6443-996d-45c2-90f0-388ff96faa56';
const loopback = 'http://localhost:53117';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function armScope(fake: RunningFakeAzure): string {
  return `${fake.info.url}/.default offline_access openid profile`;
}

/** GET the authorize endpoint as a browser would, without following the redirect. */
async function authorize(fake: RunningFakeAzure, tenant: string, params: Record<string, string>) {
  const query = new URLSearchParams({ client_id: vscodeClientId, response_type: 'code', redirect_uri: loopback, scope: armScope(fake), state: 's-1', ...params });
  const response = await fetch(`${fake.info.authorityHost}/${tenant}/oauth2/v2.0/authorize?${query}`, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

/** Signs `who` in interactively to `tenant` (consent is automatic) and returns the code with its verifier. */
async function signIn(fake: RunningFakeAzure, who: { userPrincipalName: string }, tenant = 'organizations', extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const { status, location } = await authorize(fake, tenant, { login_hint: who.userPrincipalName, code_challenge: challenge, code_challenge_method: 'S256', client_info: '1', ...extra });
  assert.equal(status, 302);
  const redirect = new URL(location!);
  assert.equal(redirect.origin + redirect.pathname, `${loopback}/`);
  assert.equal(redirect.searchParams.get('state'), 's-1');
  return { code: redirect.searchParams.get('code')!, verifier, redirect };
}

async function tokenRequest(fake: RunningFakeAzure, tenant: string, form: Record<string, string>) {
  const response = await fetch(`${fake.info.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: vscodeClientId, ...form }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function redeem(fake: RunningFakeAzure, code: string, verifier: string | undefined, tenant = 'organizations', scope = armScope(fake)) {
  return tokenRequest(fake, tenant, { grant_type: 'authorization_code', code, redirect_uri: loopback, scope, client_info: '1', ...(verifier ? { code_verifier: verifier } : {}) });
}

async function refresh(fake: RunningFakeAzure, refreshToken: string, tenant: string, scope = armScope(fake)) {
  return tokenRequest(fake, tenant, { grant_type: 'refresh_token', refresh_token: refreshToken, scope, client_info: '1' });
}

/** A refresh token of `who` after an interactive sign-in to their home tenant. */
async function refreshTokenOf(fake: RunningFakeAzure, who: { userPrincipalName: string }): Promise<string> {
  const { code, verifier } = await signIn(fake, who);
  const { status, body } = await redeem(fake, code, verifier);
  assert.equal(status, 200);
  return body['refresh_token'];
}

function credentialOf(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_000_000 }) };
}

/** The browser MSAL node opens: follows the authorize answer and posts the form_post page back to MSAL's loopback. */
async function browse(url: string): Promise<void> {
  const answer = await fetch(url, { redirect: 'manual' });
  const html = await answer.text();
  assert.equal(answer.status, 200, html);
  const unescape = (text: string) => text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = unescape(/<form method="POST" action="([^"]+)"/.exec(html)![1]!);
  const fields = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [unescape(m[1]!), unescape(m[2]!)]));
  const posted = await fetch(action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: fields });
  await posted.text();
}

describe('fake Entra interactive sign-in', () => {
  const fake = useFakeAzure({ pageSize: 5 });

  it('serves OpenID configuration for common/organizations and instance discovery naming only its own host', async () => {
    const organizations = await rawFetch(fake(), '/login/organizations/v2.0/.well-known/openid-configuration');
    assert.equal(organizations.status, 200);
    assert.equal(organizations.body.issuer, `${fake().info.authorityHost}/{tenantid}/v2.0`);
    assert.equal(organizations.body.authorization_endpoint, `${fake().info.authorityHost}/organizations/oauth2/v2.0/authorize`);
    assert.equal(organizations.body.token_endpoint, `${fake().info.authorityHost}/organizations/oauth2/v2.0/token`);
    const tenant = await rawFetch(fake(), `/login/${fabrikam}/v2.0/.well-known/openid-configuration`);
    assert.equal(tenant.body.issuer, `${fake().info.authorityHost}/${fabrikam}/v2.0`);
    const authorizationEndpoint = encodeURIComponent(`${fake().info.authorityHost}/organizations/oauth2/v2.0/authorize`);
    const discovery = await rawFetch(fake(), `/login/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorizationEndpoint}`);
    const host = new URL(fake().info.url).host;
    assert.deepEqual(discovery.body.metadata, [{ preferred_network: host, preferred_cache: host, aliases: [host] }]);
    assert.equal(discovery.body.tenant_discovery_endpoint, `${fake().info.authorityHost}/organizations/v2.0/.well-known/openid-configuration`);
    // The same face at the root, where the tenant is the first path segment (what MSAL needs).
    const root = await rawFetch(fake(), `/${contoso}/v2.0/.well-known/openid-configuration`);
    assert.equal(root.body.issuer, `${fake().info.url}/${contoso}/v2.0`);
    assert.equal(root.body.token_endpoint, `${fake().info.url}/${contoso}/oauth2/v2.0/token`);
    assert.equal((await rawFetch(fake(), '/tenants?api-version=2022-12-01')).body.error.code, 'AuthenticationFailed', 'ARM keeps its own paths');
  });

  it('signs in with MSAL node (loopback, PKCE), then needs an interactive sign-in for Fabrikam before its subscriptions show', async () => {
    const info = fake().info;
    // MSAL takes an authority's first path segment as its tenant, so it signs in against the root form of the Entra face.
    const authorityHost = info.url;
    const discovery = await rawFetch(fake(), `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${authorityHost}/organizations/oauth2/v2.0/authorize`)}`);
    const pca = new PublicClientApplication({
      auth: { clientId: vscodeClientId, authority: `${authorityHost}/organizations`, cloudDiscoveryMetadata: JSON.stringify(discovery.body) },
    });
    const scopes = [`${info.url}/.default`];
    const interactive = async (authority: string) => {
      let browsing: Promise<void> = Promise.resolve();
      const result = await pca.acquireTokenInteractive({
        scopes,
        authority,
        loginHint: megan.userPrincipalName,
        openBrowser: async (url) => {
          browsing = browse(url);
        },
      });
      await browsing;
      return result;
    };

    const home = await interactive(`${authorityHost}/organizations`);
    assert.equal(home.account?.username, megan.userPrincipalName);
    assert.equal(home.account?.homeAccountId, `${megan.id}.${contoso}`);
    assert.equal(home.idTokenClaims['tid' as keyof object], contoso);
    const homeClaims = decodeJwt(home.accessToken);
    assert.equal(homeClaims['tid'], contoso);
    assert.equal(homeClaims['oid'], megan.id);
    assert.equal(homeClaims['scp'], 'user_impersonation');
    const homeSubscriptions = await collect(new SubscriptionClient(credentialOf(home.accessToken), { endpoint: info.url }).subscriptions.list());
    assert.deepEqual(homeSubscriptions.map((s) => s.displayName).sort(), ['Contoso Development', 'Contoso Production']);

    // Fabrikam asks for MFA: the silent attempt (what @microsoft/vscode-azext-azureauth's isSignedIn does) fails.
    // MSAL looks its cache up by the account's tenantId, so a request for another tenant names that tenant there.
    const inTenant = (account: AccountInfo, tenantId: string): AccountInfo => ({ ...account, tenantId });
    const account = home.account as AccountInfo;
    const silentFabrikam = await pca.acquireTokenSilent({ account: inTenant(account, fabrikam), scopes, authority: `${authorityHost}/${fabrikam}` }).then(
      () => assert.fail('Fabrikam needs its own sign-in first'),
      (e: unknown) => e,
    );
    assert.ok(silentFabrikam instanceof InteractionRequiredAuthError, String(silentFabrikam));
    assert.match((silentFabrikam as Error).message, /AADSTS50076/);

    const second = await interactive(`${authorityHost}/${fabrikam}`);
    const fabrikamClaims = decodeJwt(second.accessToken);
    assert.equal(fabrikamClaims['tid'], fabrikam);
    assert.equal(fabrikamClaims['oid'], megan.guestOf![0]!.objectId, "the guest's own object id in Fabrikam");
    const fabrikamSubscriptions = await collect(new SubscriptionClient(credentialOf(second.accessToken), { endpoint: info.url }).subscriptions.list());
    assert.deepEqual(fabrikamSubscriptions.map((s) => s.subscriptionId), [fabrikamProduction]);

    // Now silent works for both tenants, through the refresh token.
    const again = await pca.acquireTokenSilent({ account: inTenant(account, fabrikam), scopes, authority: `${authorityHost}/${fabrikam}`, forceRefresh: true });
    assert.equal(decodeJwt(again.accessToken)['tid'], fabrikam);
    const homeAgain = await pca.acquireTokenSilent({ account: inTenant(account, contoso), scopes, authority: `${authorityHost}/${contoso}`, forceRefresh: true });
    assert.equal(decodeJwt(homeAgain.accessToken)['tid'], contoso);
  });

  it('redeems a code once with the right PKCE verifier (S256 and plain) and answers errors in Entra shape', async () => {
    const { code, verifier, redirect } = await signIn(fake(), megan, 'organizations', { nonce: 'n-42' });
    const clientInfo = JSON.parse(Buffer.from(redirect.searchParams.get('client_info')!, 'base64url').toString());
    assert.deepEqual(clientInfo, { uid: megan.id, utid: contoso });

    const missing = await redeem(fake(), code, undefined);
    assert.equal(missing.status, 400);
    assert.equal(missing.body['error'], 'invalid_grant');
    assert.deepEqual(missing.body['error_codes'], [50148]);
    const wrong = await redeem(fake(), code, pkce().verifier);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body['error'], 'invalid_grant');
    assert.deepEqual(wrong.body['error_codes'], [501481]);
    assert.match(wrong.body['error_description'], /^AADSTS501481: .* Trace ID: \S+ Correlation ID: \S+ Timestamp: /);
    for (const key of ['timestamp', 'trace_id', 'correlation_id']) assert.ok(wrong.body[key], key);

    const good = await redeem(fake(), code, verifier);
    assert.equal(good.status, 200);
    assert.equal(good.body['token_type'], 'Bearer');
    assert.ok(good.body['refresh_token']);
    assert.deepEqual(JSON.parse(Buffer.from(good.body['client_info'], 'base64url').toString()), { uid: megan.id, utid: contoso });
    const idToken = decodeJwt(good.body['id_token']);
    assert.equal(idToken['aud'], vscodeClientId);
    assert.equal(idToken['iss'], `${fake().info.authorityHost}/${contoso}/v2.0`);
    assert.equal(idToken['nonce'], 'n-42');
    assert.equal(idToken['oid'], megan.id);
    assert.equal(idToken['tid'], contoso);
    assert.equal(idToken['preferred_username'], megan.userPrincipalName);
    assert.equal(idToken['name'], 'Megan Bowen');
    assert.match(good.body['scope'], /\/user_impersonation/);

    const reused = await redeem(fake(), code, verifier);
    assert.equal(reused.status, 400);
    assert.equal(reused.body['error'], 'invalid_grant');
    assert.deepEqual(reused.body['error_codes'], [54005]);

    const plainVerifier = randomBytes(32).toString('base64url');
    const plain = await authorize(fake(), 'organizations', { login_hint: lee.userPrincipalName, code_challenge: plainVerifier, code_challenge_method: 'plain' });
    const plainCode = new URL(plain.location!).searchParams.get('code')!;
    assert.equal((await redeem(fake(), plainCode, `${plainVerifier}x`)).body['error_codes'][0], 501481);
    assert.equal((await redeem(fake(), plainCode, plainVerifier)).status, 200);
  });

  it('refuses an unknown client and an unregistered redirect URI on its own page, and an unknown client at the token endpoint', async () => {
    const unknown = await authorize(fake(), 'organizations', { client_id: '00000000-0000-4000-8000-00000000dead', login_hint: megan.userPrincipalName });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.location, null, 'no redirect to an address nobody registered');
    assert.match(unknown.html, /AADSTS700016: Application with identifier '00000000-0000-4000-8000-00000000dead' was not found/);
    const badRedirect = await authorize(fake(), 'organizations', { redirect_uri: 'https://evil.example/callback', login_hint: megan.userPrincipalName });
    assert.equal(badRedirect.status, 400);
    assert.match(badRedirect.html, /AADSTS50011: The redirect URI 'https:\/\/evil.example\/callback' specified in the request does not match/);
    const token = await tokenRequest(fake(), 'organizations', { client_id: '00000000-0000-4000-8000-00000000dead', grant_type: 'refresh_token', refresh_token: 'x', scope: armScope(fake()) });
    assert.equal(token.status, 400);
    assert.equal(token.body['error'], 'unauthorized_client');
    assert.deepEqual(token.body['error_codes'], [700016]);
    const other = await authorize(fake(), 'organizations', { response_type: 'token', login_hint: megan.userPrincipalName });
    assert.equal(new URL(other.location!).searchParams.get('error'), 'unsupported_response_type');
  });

  it('rotates refresh tokens, gives tokens per tenant, and keeps Fabrikam behind its own interactive sign-in', async () => {
    const first = await refreshTokenOf(fake(), megan);
    const rotated = await refresh(fake(), first, 'organizations');
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body['refresh_token'], first, 'a new refresh token every time');
    assert.equal((await refresh(fake(), first, 'organizations')).status, 200, 'the old one is not revoked (as in Entra)');
    assert.equal(decodeJwt(rotated.body['access_token'])['tid'], contoso);
    const common = await refresh(fake(), first, 'common');
    assert.equal(decodeJwt(common.body['access_token'])['tid'], contoso, '/common, like /organizations, means the home tenant');
    assert.equal(decodeJwt((await refresh(fake(), first, contoso)).body['access_token'])['oid'], megan.id);

    const blocked = await refresh(fake(), rotated.body['refresh_token'], fabrikam);
    assert.equal(blocked.status, 400);
    assert.equal(blocked.body['error'], 'interaction_required');
    assert.equal(blocked.body['suberror'], 'basic_action');
    assert.deepEqual(blocked.body['error_codes'], [50076]);
    assert.match(blocked.body['error_description'], /^AADSTS50076: .*multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'/);
    const byDomain = await refresh(fake(), first, 'fabrikam.onmicrosoft.com');
    assert.deepEqual(byDomain.body['error_codes'], [50076]);

    const { code, verifier } = await signIn(fake(), megan, fabrikam);
    const fabrikamSignIn = await redeem(fake(), code, verifier, fabrikam);
    assert.equal(fabrikamSignIn.status, 200);
    assert.equal(decodeJwt(fabrikamSignIn.body['access_token'])['tid'], fabrikam);
    const later = await refresh(fake(), fabrikamSignIn.body['refresh_token'], fabrikam);
    assert.equal(later.status, 200);
    assert.equal(decodeJwt(later.body['access_token'])['oid'], megan.guestOf![0]!.objectId);
    assert.equal((await refresh(fake(), first, fabrikam)).status, 400, 'an older sign-in still does not satisfy Fabrikam');

    // A Contoso token never lists Fabrikam's subscription.
    const contosoToken = rotated.body['access_token'];
    const contosoList = await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token: contosoToken });
    assert.ok(!contosoList.body.value.some((s: { subscriptionId: string }) => s.subscriptionId === fabrikamProduction));
    const fabrikamGet = await rawFetch(fake(), `/subscriptions/${fabrikamProduction}/resourcegroups?api-version=2025-04-01`, { token: contosoToken });
    assert.equal(fabrikamGet.status, 401);
    assert.equal(fabrikamGet.body.error.code, 'InvalidAuthenticationTokenTenant');
    const fabrikamVms = await rawFetch(fake(), `/subscriptions/${fabrikamProduction}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`, { token: later.body['access_token'] });
    assert.deepEqual(fabrikamVms.body.value.map((v: { name: string }) => v.name).sort(), ['vm-fab-01', 'vm-fab-02']);
  });

  it("refuses a tenant the user is not in with Entra's AADSTS50020, on the page and at the token endpoint", async () => {
    const page = await authorize(fake(), fabrikam, { login_hint: lee.userPrincipalName });
    assert.equal(page.status, 400);
    assert.match(page.html, /AADSTS50020: User account 'lee@contoso.onmicrosoft.com' .* does not exist in tenant 'Fabrikam'/);
    const token = await refresh(fake(), await refreshTokenOf(fake(), lee), northwind);
    assert.equal(token.status, 400);
    assert.deepEqual(token.body['error_codes'], [50020]);
  });

  it('picks the user from login_hint, the control route or the account picker page', async () => {
    const picker = await authorize(fake(), 'organizations', {});
    assert.equal(picker.status, 200);
    const links = [...picker.html.matchAll(/<a data-user="([^"]+)" href="([^"]+)">/g)];
    assert.deepEqual(links.map((l) => l[1]), demo.seed.users!.map((u) => u.userPrincipalName));
    const leeLink = links.find((l) => l[1] === lee.userPrincipalName)![2]!.replace(/&amp;/g, '&');
    const clicked = await fetch(leeLink, { redirect: 'manual' });
    assert.equal(clicked.status, 302);
    const clickedCode = new URL(clicked.headers.get('location')!).searchParams.get('code')!;
    assert.equal(decodeJwt((await redeem(fake(), clickedCode, undefined)).body['access_token'])['oid'], lee.id);

    const fabrikamPicker = await authorize(fake(), fabrikam, {});
    assert.deepEqual([...fabrikamPicker.html.matchAll(/data-user="([^"]+)"/g)].map((m) => m[1]), [megan.userPrincipalName], 'only members are offered');

    const silentNobody = await authorize(fake(), 'organizations', { prompt: 'none' });
    assert.equal(new URL(silentNobody.location!).searchParams.get('error'), 'login_required');

    const control = `${fake().info.url}/_control/browser-user`;
    const set = await fetch(control, { method: 'POST', body: JSON.stringify({ user: nestor.userPrincipalName }) });
    assert.equal(set.status, 204);
    assert.deepEqual(await (await fetch(control)).json(), { user: nestor.userPrincipalName });
    const asBrowserUser = await authorize(fake(), 'organizations', { prompt: 'select_account' });
    const code = new URL(asBrowserUser.location!).searchParams.get('code')!;
    assert.equal(decodeJwt((await redeem(fake(), code, undefined)).body['access_token'])['oid'], nestor.id);
    assert.equal((await fetch(control, { method: 'POST', body: JSON.stringify({ user: 'nobody@contoso.onmicrosoft.com' }) })).status, 400);
    fake().reset();
    assert.deepEqual(await (await fetch(control)).json(), { user: null }, 'reset forgets the browser user');
  });

  it('lists each user\'s tenants at ARM /tenants (paged), and the subscriptions of each tenant the user holds a role in', async () => {
    const tenantNames = async (who: { userPrincipalName: string }) => {
      const token = (await refresh(fake(), await refreshTokenOf(fake(), who), 'organizations')).body['access_token'];
      const tenants = await collect(new SubscriptionClient(credentialOf(token), { endpoint: fake().info.url }).tenants.list());
      for (const t of tenants) {
        assert.equal(t.tenantCategory, 'Home');
        assert.ok(t.defaultDomain && t.tenantId && t.id === `/tenants/${t.tenantId}`);
      }
      return tenants.map((t) => t.displayName);
    };
    assert.deepEqual(await tenantNames(megan), ['Contoso', 'Fabrikam']);
    assert.deepEqual(await tenantNames(lee), ['Contoso']);
    const nestorTenants = await tenantNames(nestor);
    assert.equal(nestorTenants.length, 12, 'more than one page of 5');
    assert.equal(new Set(nestorTenants).size, 12);
    assert.ok(nestorTenants.includes('Relecloud'));

    const raw = await rawFetch(fake(), '/tenants?api-version=2022-12-01', { token: (await refresh(fake(), await refreshTokenOf(fake(), nestor), 'organizations')).body['access_token'] });
    assert.equal(raw.body.value.length, 5);
    // The keys of Microsoft's GetTenants example (azure-rest-api-specs, Microsoft.Resources 2022-12-01), whose optional
    // tenantBrandingLogoUrl the fake leaves out.
    assert.deepEqual(Object.keys(raw.body.value[0]).sort(), ['countryCode', 'defaultDomain', 'displayName', 'domains', 'id', 'tenantCategory', 'tenantId', 'tenantType']);
    assert.match(raw.body.nextLink, /^https:\/\/127\.0\.0\.1:\d+\/tenants\?/);
    const admin = await rawFetch(fake(), '/tenants?api-version=2022-12-01', { token: fake().mintToken(demo.admin.id, fake().info.resourceManagerEndpoint) });
    assert.deepEqual(admin.body.value.map((t: { tenantId: string }) => t.tenantId), [contoso], 'an application lists its own tenant');

    const nestorRefresh = await refreshTokenOf(fake(), nestor);
    const northwindToken = (await refresh(fake(), nestorRefresh, northwind)).body['access_token'];
    const northwindList = await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token: northwindToken });
    assert.deepEqual(northwindList.body.value.map((s: { displayName: string }) => s.displayName), ['Northwind Production']);
    const woodgrove = demo.seed.tenants.find((t) => t.displayName === 'Woodgrove Bank')!.tenantId;
    const woodgroveList = await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token: (await refresh(fake(), nestorRefresh, woodgrove)).body['access_token'] });
    assert.deepEqual(woodgroveList.body.value, [], 'a tenant where the user holds no role has no subscriptions for them');
  });

  it("gives the Graph-limited user a Graph token without GroupMember.ReadWrite.All, so Graph refuses a member add with 403", async () => {
    const graphScope = `${fake().info.graphEndpoint}/.default offline_access openid profile`;
    const group = demo.seed.groups.find((g) => g.displayName === 'sg-monitoring')!;
    const member = { '@odata.id': `${fake().info.graphEndpoint}/v1.0/directoryObjects/${demo.admin.id}` };
    const graphToken = async (who: { userPrincipalName: string }) => {
      const answer = await refresh(fake(), await refreshTokenOf(fake(), who), 'organizations', graphScope);
      assert.equal(answer.status, 200);
      return answer.body['access_token'] as string;
    };
    const leeToken = await graphToken(lee);
    const claims = decodeJwt(leeToken);
    assert.equal(claims['aud'], fake().info.graphEndpoint);
    assert.equal(claims['roles'], undefined, 'a user token carries delegated scopes, not roles');
    assert.ok(!String(claims['scp']).split(' ').includes('GroupMember.ReadWrite.All'));
    assert.equal((await rawFetch(fake(), `/graph/v1.0/groups/${group.id}/members`, { token: leeToken })).status, 200, 'reading is allowed');
    const refused = await rawFetch(fake(), `/graph/v1.0/groups/${group.id}/members/$ref`, { method: 'POST', token: leeToken, body: member });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'Authorization_RequestDenied');
    const asked = await refresh(fake(), await refreshTokenOf(fake(), lee), 'organizations', `${fake().info.graphEndpoint}/GroupMember.ReadWrite.All offline_access`);
    assert.equal(asked.status, 400);
    assert.deepEqual(asked.body['error_codes'], [65001]);
    const allowed = await rawFetch(fake(), `/graph/v1.0/groups/${group.id}/members/$ref`, { method: 'POST', token: await graphToken(megan), body: member });
    assert.equal(allowed.status, 204);
  });

  it('never logs a code, a token or a login hint', async () => {
    const lines: string[] = [];
    const { startFakeAzureForTests } = await import('../testing');
    const logged = await startFakeAzureForTests({ log: (line) => lines.push(line) });
    try {
      const { code, verifier } = await signIn(logged, megan);
      const tokens = await redeem(logged, code, verifier);
      await refresh(logged, tokens.body['refresh_token'], 'organizations');
      const all = lines.join('\n');
      assert.match(all, /GET \/login\/organizations\/oauth2\/v2.0\/authorize 302/);
      for (const secret of [code, verifier, tokens.body['refresh_token'], tokens.body['access_token'].slice(-20), megan.userPrincipalName]) {
        assert.ok(!all.includes(secret), 'nothing secret in the log');
      }
    } finally {
      await logged.stop();
    }
  });
});
