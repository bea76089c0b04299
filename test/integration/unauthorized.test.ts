// A token Azure rejects (401) does not stick (issue 13 item 6): the pipeline drops the cached token and sends the
// request once more with a fresh one, on ARM (the SDK clients), Microsoft Graph and the REST pipeline alike; and
// Sign In rebuilds the clients even when already signed in.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AcceptedWriteError } from '../../src/identity/identityError';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, signInAs, startFake, stateVm, vm } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const expired = { kind: 'status' as const, status: 401, errorCode: 'ExpiredAuthenticationToken', errorMessage: 'The access token expiry UTC time is earlier than current UTC time.' };
const tokenRequests = () => fake.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/login')).length;

describe('a 401 from Azure', () => {
  it('on a read: a fresh token is fetched and the read sent once more', async () => {
    const { ops } = signInAs(fake);
    await ops.getHost(vm('vm-web-01'));
    const before = tokenRequests();
    fake.addFaults([{ method: 'GET', path: '/virtualMachines/vm-web-02$', ...expired }]);
    const host = await ops.getHost(vm('vm-web-02'));
    assert.equal(host.identity.type, 'SystemAssigned');
    assert.ok(tokenRequests() > before, 'a new token was asked for');
    assert.deepEqual(fake.requests().filter((r) => r.path.endsWith('/vm-web-02')).map((r) => r.status), [401, 200]);
  });

  it('on the status poll of a write (the token expired mid-operation): the write completes', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'GET', path: '/operations/', ...expired }]);
    const result = await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' });
    assert.equal(result.status, 'changed');
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'SystemAssigned');
  });

  it('always (a token that stays rejected): retried once only, then an honest outcome with what the VM has', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'GET', path: '/operations/', ...expired, times: 0 }]);
    await assert.rejects(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }), (error: unknown) => {
      assert.ok(error instanceof AcceptedWriteError, String(error));
      assert.equal(error.end, 'outcomeUnknown');
      assert.match(error.message, /'vm-web-01' now has a system-assigned identity/);
      return true;
    });
    // One poll, then its single retry.
    assert.equal(fake.requests().filter((r) => r.path.includes('/operations/')).length, 2);
  });

  it('on the resource-group list (the REST pipeline): a fresh token is fetched and the list sent once more', async () => {
    const { ops } = signInAs(fake);
    await ops.listSubscriptions();
    const before = tokenRequests();
    fake.addFaults([{ method: 'GET', path: '/resourcegroups$', ...expired }]);
    assert.deepEqual((await ops.listResourceGroups(demo.production)).map((g) => g.name), ['rg-data', 'rg-web']);
    assert.ok(tokenRequests() > before, 'a new token was asked for');
    assert.deepEqual(fake.requests().filter((r) => /\/resourcegroups$/i.test(r.path)).map((r) => r.status), [401, 200]);
  });

  it('on Microsoft Graph: the search is sent once more with a fresh token', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ path: '^/graph/', ...expired }]);
    const page = await ops.searchGroups(demo.production, 'sg');
    assert.ok(page.groups.length > 0);
  });
});

describe('Sign In when already signed in', () => {
  it('rebuilds the clients', async () => {
    const { account } = signInAs(fake);
    await account.signIn();
    const first = await account.clients.forSubscription(demo.production);
    await account.signIn();
    const second = await account.clients.forSubscription(demo.production);
    assert.notEqual(second, first);
  });
});
