// The client provider: one listing shared by concurrent callers, clients kept per subscription, clear errors.
import type { TokenCredential } from '@azure/core-auth';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CredentialAccount } from '../../src/azure/account';
import { CachingClientProvider, type SubscriptionWithCredential } from '../../src/azure/clientProvider';
import { azurePublicCloud } from '../../src/azure/cloud';
import { silentLogger } from '../../src/azure/logger';
import { toIdentityError } from '../../src/identity/errorWording';
import { SubscriptionNotAvailableError } from '../../src/identity/serviceError';

const credential: TokenCredential = { getToken: async () => null };
const sub = (id: string, tenantId = 't1'): SubscriptionWithCredential => ({ subscription: { subscriptionId: id, displayName: id, tenantId }, credential });

function source(entries: () => SubscriptionWithCredential[], delayMs = 20) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    list: async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, delayMs));
      return entries();
    },
  };
}

describe('CachingClientProvider', () => {
  it('concurrent first calls share one subscription listing, and clients are kept', async () => {
    const src = source(() => [sub('a'), sub('b')]);
    const provider = new CachingClientProvider(azurePublicCloud, src.list, silentLogger);
    const [a1, b, a2] = await Promise.all([provider.forSubscription('a'), provider.forSubscription('b'), provider.forSubscription('A')]);
    assert.equal(src.calls, 1);
    assert.equal(a1, a2, 'subscription ids compare without case, and clients are reused');
    assert.equal(b.subscription.subscriptionId, 'b');
    assert.ok(a1.virtualMachines && a1.graph && a1.userAssignedIdentities && a1.resourceGroups);
    await provider.forSubscription('a');
    assert.equal(src.calls, 1);
  });

  it('an unknown subscription is a SubscriptionNotAvailableError, which the domain words as notFound', async () => {
    const provider = new CachingClientProvider(azurePublicCloud, source(() => [sub('a')]).list, silentLogger);
    await assert.rejects(provider.forSubscription('zzz'), (e: unknown) => {
      assert.ok(e instanceof SubscriptionNotAvailableError);
      assert.equal(e.subscriptionId, 'zzz');
      const worded = toIdentityError(e);
      assert.equal(worded.kind, 'notFound');
      assert.equal(worded.message, 'Subscription zzz is not available to this sign-in.');
      return true;
    });
  });

  it("one caller's cancellation does not cancel the others sharing the listing", async () => {
    const provider = new CachingClientProvider(azurePublicCloud, source(() => [sub('a')], 100).list, silentLogger);
    const abort = new AbortController();
    const cancelled = provider.forSubscription('a', { signal: abort.signal });
    const other = provider.forSubscription('a');
    abort.abort();
    await assert.rejects(cancelled, (e: unknown) => e instanceof Error && e.name === 'AbortError' && toIdentityError(e).kind === 'cancelled');
    assert.equal((await other).subscription.subscriptionId, 'a');
  });

  it('clients are rebuilt when a subscription moves to another tenant, and clear() forgets everything', async () => {
    let tenant = 't1';
    const src = source(() => [sub('a', tenant)]);
    const provider = new CachingClientProvider(azurePublicCloud, src.list, silentLogger);
    const first = await provider.forSubscription('a');
    tenant = 't2';
    await provider.listSubscriptions();
    const second = await provider.forSubscription('a');
    assert.notEqual(first, second);
    assert.equal(second.subscription.tenantId, 't2');
    provider.clear();
    await provider.forSubscription('a');
    assert.equal(src.calls, 3);
  });

  it('clear() during a listing: the old listing neither answers new callers nor refills the cache', async () => {
    let account = 'old';
    const src = source(() => [sub('a', account === 'old' ? 't-old' : 't-new')], 30);
    const provider = new CachingClientProvider(azurePublicCloud, src.list, silentLogger);
    const before = provider.forSubscription('a');
    await new Promise((r) => setTimeout(r, 5));
    account = 'new';
    provider.clear();
    const after = await provider.forSubscription('a');
    assert.equal(after.subscription.tenantId, 't-new', 'a caller after clear() waits for a listing of the new sign-in');
    assert.equal(src.calls, 2);
    await before;
    assert.equal((await provider.forSubscription('a')).subscription.tenantId, 't-new', 'the old listing did not overwrite the new one');
  });
});

describe('CredentialAccount.isSignedIn', () => {
  it('does not keep "signed in" forever: refresh asks the credential again and reports the change', async () => {
    let valid = true;
    let asked = 0;
    const credential: TokenCredential = {
      getToken: async () => {
        asked += 1;
        if (!valid) throw Object.assign(new Error('Please run az login.'), { name: 'CredentialUnavailableError' });
        return { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const account = new CredentialAccount('azureCli', azurePublicCloud, credential, 'Azure CLI', silentLogger);
    let changes = 0;
    account.onDidChange(() => changes++);
    assert.equal(await account.isSignedIn(), true);
    assert.equal(await account.isSignedIn(), true);
    assert.equal(asked, 1, 'a recent answer stands');
    valid = false;
    assert.equal(await account.isSignedIn({ refresh: true }), false);
    assert.equal(asked, 2);
    assert.equal(changes, 1, 'going from signed in to signed out is reported');
  });
});
