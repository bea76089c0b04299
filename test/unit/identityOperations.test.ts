// changeIdentity reaches a host only through the client of its kind (clients.identityHosts[kind]), so a new kind of
// host plugs in without another planner: here a stand-in client records what the write loop asks of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../../src/identity/serviceError';
import type { IdentityHost, IdentityHostRef } from '../../src/identity/model';
import { IdentityOperations } from '../../src/identity/operations';
import type { AzureClientProvider, IdentityHostClient, IdentityPatch, SubscriptionClients } from '../../src/identity/ports';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const ref: IdentityHostRef = {
  kind: 'virtualMachine',
  subscriptionId: SUB,
  resourceGroup: 'rg-web',
  name: 'vm-web-01',
  id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`,
};

/** A host client over one stored host: each write checks If-Match against the stored ETag, as ARM does. */
function storedHost(conflictsFirst = 0) {
  let host: IdentityHost = { ...ref, location: 'eastus', etag: '"1"', identity: { type: 'None', userAssignedIdentities: {} } };
  const calls: string[] = [];
  let conflicts = conflictsFirst;
  const client: IdentityHostClient = {
    async get(asked) {
      calls.push(`get ${asked.name}`);
      return host;
    },
    async updateIdentity(asked, patch: IdentityPatch, options) {
      calls.push(`patch ${asked.name} ${patch.type} if-match ${options?.ifMatch}`);
      if (conflicts > 0) {
        conflicts -= 1;
        host = { ...host, etag: `"${Number(JSON.parse(host.etag!)) + 1}"` };
        throw new ServiceError('The ETag does not match.', { service: 'arm', status: 412, code: 'PreconditionFailed' });
      }
      host = { ...host, etag: `"${Number(JSON.parse(host.etag!)) + 1}"`, identity: { type: 'SystemAssigned', principalId: 'p-1', userAssignedIdentities: {} } };
      return host;
    },
  };
  const provider: AzureClientProvider = {
    listSubscriptions: async () => [],
    forSubscription: async () =>
      ({
        subscription: { subscriptionId: SUB, displayName: 'Sub', tenantId: 't' },
        identityHosts: { virtualMachine: client },
      }) as unknown as SubscriptionClients,
  };
  return { calls, provider };
}

describe('IdentityOperations.changeIdentity over identityHosts', () => {
  it("reads and writes the host through its kind's client, with If-Match, and returns the host Azure reported", async () => {
    const { calls, provider } = storedHost();
    const result = await new IdentityOperations(provider).changeIdentity(ref, { kind: 'enableSystemAssigned' });
    assert.equal(result.status, 'changed');
    assert.equal(result.host.etag, '"2"');
    assert.equal(result.host.identity.principalId, 'p-1');
    assert.deepEqual(calls, ['get vm-web-01', 'patch vm-web-01 SystemAssigned if-match "1"']);
  });

  it('a 412 re-reads and re-plans with the new ETag; a host already as asked sends nothing', async () => {
    const { calls, provider } = storedHost(1);
    const operations = new IdentityOperations(provider, { retryDelayMs: () => 0 });
    await operations.changeIdentity(ref, { kind: 'enableSystemAssigned' });
    assert.deepEqual(calls, [
      'get vm-web-01',
      'patch vm-web-01 SystemAssigned if-match "1"',
      'get vm-web-01',
      'patch vm-web-01 SystemAssigned if-match "2"',
    ]);
    const again = await operations.changeIdentity(ref, { kind: 'enableSystemAssigned' });
    assert.equal(again.status, 'unchanged');
    assert.equal(again.host.etag, '"3"');
    assert.equal(calls.length, 5, 'one more read, no write');
  });
});
