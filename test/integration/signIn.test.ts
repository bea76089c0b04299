// Sign-in through the extension's own code (service principal from the environment, Azure CLI), permissions, and
// the promise that tokens and secrets never reach the log.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createAzureCliAccount, createServicePrincipalAccount } from '../../src/azure/account';
import { resolveCloud } from '../../src/azure/settings';
import { toIdentityError } from '../../src/identity/errorWording';
import { ServicePrincipalEnvironmentMissingError, SignInFailedError } from '../../src/identity/serviceError';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, environmentFor, loadTree, recordingLogger, signInAs, startFake, vm } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

describe('service principal from the environment', () => {
  it('signs in through the fake token endpoint without instance discovery', async () => {
    const { account } = signInAs(fake);
    assert.equal(account.signInMethod, 'servicePrincipal');
    assert.ok(await account.isSignedIn());
    assert.match(account.description, new RegExp(demo.admin.appId!));
    const changes: number[] = [];
    account.onDidChange(() => changes.push(1));
    assert.equal(await account.signIn(), true);
    // Issue 13 (item 6): Sign In rebuilds the clients even when already signed in, so a token Azure rejected is dropped.
    assert.deepEqual(changes, [1], 'signing in again rebuilt the clients once');
    const fresh = signInAs(fake).account;
    const freshChanges: number[] = [];
    const listener = fresh.onDidChange(() => freshChanges.push(1));
    assert.equal(await fresh.signIn(), true);
    assert.deepEqual(freshChanges, [1], 'signing in tells listeners once');
    listener.dispose();
    await fresh.signIn();
    assert.deepEqual(freshChanges, [1]);
    // MSAL read the fake's own metadata and token endpoint; nothing else was needed (it would fail offline).
    const login = fake.requests().filter((r) => r.path.startsWith('/login'));
    assert.ok(login.some((r) => r.path.endsWith('/.well-known/openid-configuration') && r.status === 200));
    assert.ok(login.some((r) => r.path.endsWith('/oauth2/v2.0/token') && r.status === 200));
    assert.ok(!login.some((r) => r.status >= 400));
  });

  it('the cloud comes from AZURE_RESOURCE_MANAGER_ENDPOINT / AZURE_GRAPH_ENDPOINT / AZURE_AUTHORITY_HOST', () => {
    const { cloud } = resolveCloud({ method: 'servicePrincipal', warnings: [] }, environmentFor(fake));
    assert.equal(cloud.resourceManagerScope, `${fake.info.url}/.default`);
    assert.equal(cloud.graphScope, `${fake.info.url}/graph/.default`);
    assert.equal(cloud.authorityHost, fake.info.authorityHost);
  });

  it('a wrong secret: not signed in, and signIn says what to check without echoing the secret', async () => {
    const logger = recordingLogger();
    const env = { ...environmentFor(fake), AZURE_CLIENT_SECRET: 'definitely-wrong-secret-value' };
    const { cloud } = resolveCloud({ method: 'servicePrincipal', warnings: [] }, env);
    const account = createServicePrincipalAccount(env, cloud, logger);
    assert.equal(await account.isSignedIn(), false);
    await assert.rejects(account.signIn(), (thrown: unknown) => {
      assert.ok(thrown instanceof SignInFailedError);
      const error = toIdentityError(thrown);
      assert.equal(error.kind, 'authentication');
      assert.match(error.message, /AZURE_CLIENT_SECRET/);
      assert.ok(!error.message.includes('definitely-wrong-secret-value'));
      return true;
    });
    assert.ok(!logger.lines.join('\n').includes('definitely-wrong-secret-value'));
  });

  it('missing variables are named (never their values), before any request', () => {
    const { cloud } = resolveCloud({ method: 'servicePrincipal', warnings: [] }, {});
    assert.throws(
      () => createServicePrincipalAccount({ AZURE_TENANT_ID: demo.tenantId, AZURE_CLIENT_ID: 'abc' }, cloud, recordingLogger()),
      (error: unknown) =>
        error instanceof ServicePrincipalEnvironmentMissingError &&
        toIdentityError(error).kind === 'authentication' &&
        /variable AZURE_CLIENT_SECRET\b/.test(toIdentityError(error).message),
    );
    assert.deepEqual(fake.requests(), []);
  });
});

describe('Azure CLI sign-in', () => {
  it('without a signed-in Azure CLI, signIn says to run az login', async () => {
    const account = createAzureCliAccount(resolveCloud({ method: 'azureCli', warnings: [] }, {}).cloud, recordingLogger());
    assert.equal(account.signInMethod, 'azureCli');
    assert.equal(await account.isSignedIn(), false);
    await assert.rejects(
      account.signIn(),
      (error: unknown) => error instanceof SignInFailedError && toIdentityError(error).kind === 'authentication' && /az login/.test(toIdentityError(error).message),
    );
  });
});

describe('the log', () => {
  it('holds method, URL, status and request id of every call, and no token or secret', async () => {
    const { ops, logger } = signInAs(fake);
    await loadTree(ops);
    await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' });
    await ops.addToGroup(vm('vm-web-01'), 'e6000000-0000-4000-8000-000000000003');
    await ops.searchGroups(demo.production, 'sg');
    // The permissions cannot be read, so the write goes ahead and Azure's own refusal reaches the log.
    fake.addFaults([{ path: '/providers/Microsoft\\.Authorization/permissions$', kind: 'status', status: 403, errorCode: 'AuthorizationFailed', times: 0 }]);
    const reader = signInAs(fake, demo.reader);
    await assert.rejects(reader.ops.changeIdentity(vm('vm-web-03'), { kind: 'enableSystemAssigned' }));
    const lines = [...logger.lines, ...reader.logger.lines];
    assert.ok(lines.some((l) => /^debug: PATCH https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*vm-web-01\?api-version=[\d-]+ -> 200 \(\d+ ms, request id [0-9a-f-]{36}\)$/.test(l)));
    assert.ok(lines.some((l) => /^debug: POST .*\/graph\/v1\.0\/groups\/.*\/members\/\$ref -> 204/.test(l)));
    assert.ok(reader.logger.lines.some((l) => /^warn: PATCH .* -> 403 .*AuthorizationFailed$/.test(l)));
    const all = lines.join('\n');
    for (const forbidden of [/eyJ[A-Za-z0-9_-]{10,}/, /Bearer /i, /authorization\s*[:=]/i, new RegExp(demo.admin.secret!), new RegExp(demo.reader.secret!)]) {
      assert.ok(!forbidden.test(all), `the log matched ${forbidden}`);
    }
  });
});
