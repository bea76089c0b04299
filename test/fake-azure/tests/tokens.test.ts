// The token service and the bearer-token checks of ARM and Graph.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAzureForTests } from '../testing';
import type { RunningFakeAzure } from '../server';
import { armToken, clientsFor, collect, credentialFor, decodeJwt, demo, rawFetch, rejection } from './sdk';

describe('fake Azure token service', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFakeAzureForTests();
  });
  after(() => fake.stop());

  it('serves the OpenID configuration MSAL needs', async () => {
    const { status, body } = await rawFetch(fake, `/login/${demo.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(status, 200);
    for (const key of ['token_endpoint', 'authorization_endpoint', 'issuer', 'jwks_uri', 'end_session_endpoint']) {
      assert.match(body[key], /^https:\/\/127\.0\.0\.1:\d+\/login\//, key);
    }
    const keys = await rawFetch(fake, new URL(body.jwks_uri).pathname);
    assert.equal(keys.body.keys[0].kty, 'RSA');
  });

  it('gives ClientSecretCredential a signed JWT naming the principal and the audience', async () => {
    const arm = await credentialFor(fake).getToken(`${fake.info.url}/.default`);
    const claims = decodeJwt(arm!.token);
    assert.equal(claims['oid'], demo.admin.id);
    assert.equal(claims['tid'], demo.tenantId);
    assert.equal(claims['appid'], demo.admin.appId);
    assert.equal(claims['aud'], fake.info.resourceManagerEndpoint);
    assert.ok((claims['exp'] as number) > Date.now() / 1000 + 3000);
    assert.equal(JSON.parse(Buffer.from(arm!.token.split('.')[0]!, 'base64url').toString()).alg, 'RS256');
    const graph = decodeJwt((await credentialFor(fake).getToken(`${fake.info.graphEndpoint}/.default`))!.token);
    assert.equal(graph['aud'], fake.info.graphEndpoint);
    assert.deepEqual(graph['roles'], demo.admin.graphPermissions);
  });

  it("answers a wrong secret with Entra's invalid_client error", async () => {
    const raw = await fetch(`${fake.info.authorityHost}/${demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: demo.admin.appId!, client_secret: 'wrong', scope: `${fake.info.url}/.default` }),
    });
    assert.equal(raw.status, 401);
    const body = (await raw.json()) as Record<string, unknown>;
    assert.equal(body['error'], 'invalid_client');
    assert.deepEqual(body['error_codes'], [7000215]);
    assert.match(String(body['error_description']), /^AADSTS7000215: Invalid client secret provided/);
    const { ClientSecretCredential } = await import('@azure/identity');
    const wrong = new ClientSecretCredential(demo.tenantId, demo.admin.appId!, 'wrong', { authorityHost: fake.info.authorityHost, disableInstanceDiscovery: true });
    const error = await rejection(wrong.getToken(`${fake.info.url}/.default`));
    assert.match(error.message, /AADSTS7000215/);
    assert.ok(!error.message.includes(demo.admin.secret!), 'the real secret never appears in the error');
  });

  it('makes ARM answer 401 with WWW-Authenticate for no token, a bad, expired or wrong-audience token', async () => {
    const path = '/subscriptions?api-version=2022-12-01';
    const cases: [string | undefined, string][] = [
      [undefined, 'AuthenticationFailed'],
      ['not-a-jwt', 'InvalidAuthenticationToken'],
      [fake.mintToken(demo.admin.id, fake.info.resourceManagerEndpoint, { exp: Math.floor(Date.now() / 1000) - 60 }), 'ExpiredAuthenticationToken'],
      [fake.mintToken(demo.admin.id, fake.info.graphEndpoint), 'InvalidAuthenticationTokenAudience'],
    ];
    for (const [token, code] of cases) {
      const { status, headers, body } = await rawFetch(fake, path, token ? { token } : {});
      assert.equal(status, 401, code);
      assert.equal(body.error.code, code);
      assert.match(headers.get('www-authenticate') ?? '', /^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/login\/", error="invalid_token"/);
    }
    // A token signed by someone else (here: a re-signed copy with a forged signature) is refused too.
    const good = await armToken(fake);
    const forged = `${good.split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`;
    assert.equal((await rawFetch(fake, path, { token: forged })).body.error.code, 'InvalidAuthenticationToken');
    assert.equal((await rawFetch(fake, path, { token: good })).status, 200);
  });

  it("makes Graph answer 401 InvalidAuthenticationToken in Graph's shape", async () => {
    const armAudience = fake.mintToken(demo.admin.id, fake.info.resourceManagerEndpoint);
    for (const token of [undefined, armAudience]) {
      const { status, headers, body } = await rawFetch(fake, '/graph/v1.0/groups', token ? { token } : {});
      assert.equal(status, 401);
      assert.equal(body.error.code, 'InvalidAuthenticationToken');
      assert.ok(body.error.innerError['request-id']);
      assert.match(headers.get('www-authenticate') ?? '', /^Bearer /);
    }
  });

  it('refuses an ARM request without api-version with 400 MissingApiVersionParameter', async () => {
    const { status, body } = await rawFetch(fake, `/subscriptions/${demo.production}/resourcegroups`, { token: await armToken(fake) });
    assert.equal(status, 400);
    assert.equal(body.error.code, 'MissingApiVersionParameter');
  });

  it('never logs a token, a secret or a query string', async () => {
    const lines: string[] = [];
    const logged = await startFakeAzureForTests({ log: (line) => lines.push(line) });
    try {
      const { subscriptions } = clientsFor(logged);
      assert.equal((await collect(subscriptions.subscriptions.list())).length, 2);
      const token = await armToken(logged);
      await rawFetch(logged, `/subscriptions?api-version=2022-12-01&secret=${demo.admin.secret}`, { token });
      assert.ok(lines.length >= 3);
      const all = lines.join('\n');
      assert.ok(!all.includes(token.slice(-20)), 'no token in the log');
      assert.ok(!all.includes(demo.admin.secret!), 'no secret in the log');
      assert.ok(!all.includes('api-version'), 'no query string in the log');
      assert.match(all, /GET \/subscriptions 200/);
    } finally {
      await logged.stop();
    }
  });
});
