// Every identity operation through the real SDK clients against the fake Azure, signed in as a seed service
// principal through the fake's token endpoint. Each test checks the fake's state afterwards, not only a message.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { IdentityOperations } from '../../src/identity/operations';
import type { IdentityHostRef } from '../../src/identity/model';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, ids, loadTree, providerWith, rejectsWith, signInAs, startFake, stateVm, vm, vmReadsThrough, writes, type SignedIn } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const lower = (keys: string[]) => keys.map((k) => k.toLowerCase()).sort();

/** Operations over the real clients in which another session (`competitor`) changes the VM right after the
 *  operation's first read of it, before its write. */
function opsWithCompetitorAfterFirstRead(compete: (competitor: SignedIn, v: IdentityHostRef) => Promise<unknown>): IdentityOperations {
  const competitor = signInAs(fake);
  let raced = false;
  const racingProvider = providerWith(signInAs(fake), (clients) => ({
    virtualMachines: vmReadsThrough(clients.virtualMachines, async (read, v) => {
      if (!raced) {
        raced = true;
        await compete(competitor, v);
      }
      return read;
    }),
  }));
  return new IdentityOperations(racingProvider, { retryDelayMs: () => 10 });
}

describe('reads', () => {
  it('lists subscriptions, all VMs (per subscription), resource groups and user-assigned identities', async () => {
    const { ops } = signInAs(fake);
    const all = await loadTree(ops);
    assert.deepEqual(all.map((s) => s.subscription.displayName), ['Contoso Development', 'Contoso Production']);
    assert.deepEqual(all.map((s) => s.virtualMachines.length), [4, 9]);
    const web04 = all[1].virtualMachines.find((v) => v.name === 'vm-web-04')!;
    assert.equal(web04.identity.type, 'SystemAssigned, UserAssigned');
    assert.equal(web04.resourceGroup.toLowerCase(), 'rg-web');
    assert.ok(web04.etag);
    assert.deepEqual((await ops.listResourceGroups(demo.production)).map((g) => g.name), ['rg-data', 'rg-web']);
    assert.deepEqual((await ops.listUserAssignedIdentities(demo.production)).map((i) => i.name), ['id-backend', 'id-monitor', 'id-storage']);
  });

  it('getIdentityJson: type, principalId, tenantId and each user-assigned identity with name, clientId, principalId', async () => {
    const { ops } = signInAs(fake);
    const json = await ops.getIdentityJson(vm('vm-data-01'));
    const state = stateVm(fake, 'vm-data-01');
    assert.equal(json.type, 'SystemAssigned, UserAssigned');
    assert.deepEqual(json.systemAssigned, { principalId: state.identity.principalId, tenantId: demo.tenantId });
    assert.deepEqual(
      json.userAssigned.map((u) => [u.name, u.clientId, u.principalId]).sort(),
      Object.entries(state.identity.userAssignedIdentities).map(([id, v]) => [id.split('/').pop(), v.clientId, v.principalId]).sort(),
    );
    assert.equal((await ops.getIdentityJson(vm('vm-web-01'))).systemAssigned, null);
  });

  // Through the REST pipeline Azure's own message survives; arm-resources' pager replaced it with "Pagination failed
  // with unexpected statusCode 403", so the role and action could not be named.
  it("a refused resource-group list is an authorization error naming the role and action, with Azure's words and request id", async () => {
    const scope = `/subscriptions/${demo.production}`;
    const azureMessage = `The client 'sp-reader' with object id '${demo.reader.id}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/read' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;
    fake.addFaults([{ method: 'GET', path: `^${scope}/resourcegroups$`, kind: 'status', status: 403, errorCode: 'AuthorizationFailed', errorMessage: azureMessage, times: 0 }]);
    const { ops } = signInAs(fake, demo.reader);
    await rejectsWith(ops.listResourceGroups(demo.production), (error) => {
      assert.equal(error.kind, 'authorization');
      assert.equal(error.code, 'AuthorizationFailed');
      assert.equal(error.statusCode, 403);
      assert.equal(error.action, 'Microsoft.Resources/subscriptions/resourceGroups/read');
      assert.equal(error.missingRole, 'Reader');
      assert.equal(error.serviceMessage, azureMessage);
      assert.match(error.message, /^You need the Reader role on subscription .*\(Microsoft\.Resources\/subscriptions\/resourceGroups\/read was refused\)\. If access was granted recently, sign in again\.$/);
      assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/, 'the request id is kept for the log');
    });
  });
});

describe('a refused VM or scale-set list', () => {
  // arm-compute's pager reported "Pagination failed with unexpected statusCode 403" and dropped Azure's message, so
  // the role, the action and the scope could not be named.
  for (const [what, type, list] of [
    ['VM', 'virtualMachines', (ops: ReturnType<typeof signInAs>['ops']) => ops.listVirtualMachines(demo.production)],
    ['scale-set', 'virtualMachineScaleSets', (ops: ReturnType<typeof signInAs>['ops']) => ops.listScaleSets(demo.production)],
  ] as const) {
    it(`a refused ${what} list names the role and the action, with Azure's words`, async () => {
      const scope = `/subscriptions/${demo.production}`;
      const action = `Microsoft.Compute/${type}/read`;
      const azureMessage = `The client 'sp-reader' with object id '${demo.reader.id}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;
      fake.addFaults([{ method: 'GET', path: `^${scope}/providers/Microsoft.Compute/${type}$`, kind: 'status', status: 403, errorCode: 'AuthorizationFailed', errorMessage: azureMessage, times: 0 }]);
      try {
        const { ops } = signInAs(fake, demo.reader);
        await rejectsWith(list(ops), (error) => {
          assert.equal(error.kind, 'authorization');
          assert.equal(error.code, 'AuthorizationFailed');
          assert.equal(error.action, action);
          assert.equal(error.missingRole, 'Reader');
          assert.equal(error.serviceMessage, azureMessage);
          assert.match(error.message, new RegExp(`^You need the Reader role on subscription .*\\(${action.replace(/\//g, '\\/')} was refused\\)`));
        });
      } finally {
        fake.clearFaults();
      }
    });
  }
});

describe('identity writes', () => {
  it('enables the system-assigned identity on a VM without one', async () => {
    const { ops } = signInAs(fake);
    const progress: string[] = [];
    const { identity } = (await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }, { onProgress: (m) => progress.push(m) })).host;
    const state = stateVm(fake, 'vm-web-01');
    assert.equal(state.identity.type, 'SystemAssigned');
    assert.ok(state.identity.principalId);
    assert.equal(identity.principalId, state.identity.principalId);
    assert.ok(fake.getState().servicePrincipals.some((sp) => sp.id === state.identity.principalId && sp.servicePrincipalType === 'ManagedIdentity'));
    assert.ok(progress.some((m) => /Waiting for Azure/.test(m)), progress.join(' | '));
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 200']);
  });

  it('works on a deallocated VM too', async () => {
    const { ops } = signInAs(fake);
    await ops.changeIdentity(vm('vm-data-03'), { kind: 'assignUserAssigned', ids: [ids.monitor] });
    const state = stateVm(fake, 'vm-data-03');
    assert.equal(state.powerState, 'deallocated');
    assert.equal(state.identity.type, 'UserAssigned');
  });

  it('enabling system on a UserAssigned VM keeps its user-assigned identities', async () => {
    const { ops } = signInAs(fake);
    const before = Object.keys(stateVm(fake, 'vm-web-03').identity.userAssignedIdentities);
    await ops.changeIdentity(vm('vm-web-03'), { kind: 'enableSystemAssigned' });
    const state = stateVm(fake, 'vm-web-03');
    assert.equal(state.identity.type, 'SystemAssigned, UserAssigned');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower(before));
    assert.equal(before.length, 2);
  });

  it('enabling an enabled identity sends nothing and says so', async () => {
    const { ops } = signInAs(fake);
    const principalBefore = stateVm(fake, 'vm-web-02').identity.principalId;
    const result = await ops.changeIdentity(vm('vm-web-02'), { kind: 'enableSystemAssigned' });
    assert.equal(result.status, 'unchanged');
    assert.match(result.message, /already enabled/);
    assert.deepEqual(writes(fake), []);
    assert.equal(stateVm(fake, 'vm-web-02').identity.principalId, principalBefore);
  });

  it('disables the system-assigned identity keeping the user-assigned ones', async () => {
    const { ops } = signInAs(fake);
    const oldPrincipal = stateVm(fake, 'vm-web-04').identity.principalId!;
    const { identity } = (await ops.changeIdentity(vm('vm-web-04'), { kind: 'disableSystemAssigned' })).host;
    const state = stateVm(fake, 'vm-web-04');
    assert.equal(state.identity.type, 'UserAssigned');
    assert.equal(identity.type, 'UserAssigned');
    assert.equal(state.identity.principalId, undefined);
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.backend]));
    assert.ok(!fake.getState().servicePrincipals.some((sp) => sp.id === oldPrincipal), 'the service principal goes with the identity');
  });

  it('disabling deletes the service principal and with it its group memberships', async () => {
    const { ops } = signInAs(fake);
    const principal = stateVm(fake, 'vm-web-02').identity.principalId!;
    assert.ok(fake.getState().groups.find((g) => g.displayName === 'sg-keyvault-readers')!.members.includes(principal));
    await ops.changeIdentity(vm('vm-web-02'), { kind: 'disableSystemAssigned' });
    assert.equal(stateVm(fake, 'vm-web-02').identity.type, 'None');
    assert.ok(!fake.getState().groups.find((g) => g.displayName === 'sg-keyvault-readers')!.members.includes(principal));
  });

  it('assigns a user-assigned identity keeping those already there', async () => {
    const { ops } = signInAs(fake);
    await ops.changeIdentity(vm('vm-web-03'), { kind: 'assignUserAssigned', ids: [ids.monitor] });
    const state = stateVm(fake, 'vm-web-03');
    assert.equal(state.identity.type, 'UserAssigned');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.backend, ids.storage, ids.monitor]));
    const monitor = fake.getState().userAssignedIdentities.find((u) => u.name === 'id-monitor')!;
    const attached = Object.entries(state.identity.userAssignedIdentities).find(([id]) => id.toLowerCase() === ids.monitor.toLowerCase())![1];
    assert.equal(attached.clientId, monitor.clientId);
  });

  it('assigning to a SystemAssigned VM keeps its system identity (same principal)', async () => {
    const { ops } = signInAs(fake);
    const principal = stateVm(fake, 'vm-web-02').identity.principalId;
    const { identity } = (await ops.changeIdentity(vm('vm-web-02'), { kind: 'assignUserAssigned', ids: [ids.backend, ids.storage] })).host;
    const state = stateVm(fake, 'vm-web-02');
    assert.equal(state.identity.type, 'SystemAssigned, UserAssigned');
    assert.equal(state.identity.principalId, principal);
    assert.equal(identity.principalId, principal);
    assert.equal(Object.keys(state.identity.userAssignedIdentities).length, 2);
  });

  it('assigning an identity already there in another casing sends nothing', async () => {
    const { ops } = signInAs(fake);
    const result = await ops.changeIdentity(vm('vm-web-04'), { kind: 'assignUserAssigned', ids: [ids.backend.toUpperCase()] });
    assert.equal(result.status, 'unchanged');
    assert.deepEqual(writes(fake), []);
  });

  it('removes one user-assigned identity (asked in another casing), keeping the rest and the system identity', async () => {
    const { ops } = signInAs(fake);
    const principal = stateVm(fake, 'vm-data-01').identity.principalId;
    await ops.changeIdentity(vm('vm-data-01'), { kind: 'removeUserAssigned', ids: [ids.storage.toLowerCase()] });
    const state = stateVm(fake, 'vm-data-01');
    assert.equal(state.identity.type, 'SystemAssigned, UserAssigned');
    assert.equal(state.identity.principalId, principal);
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.backend]));
  });

  it('removing the last user-assigned identity of a UserAssigned VM leaves None', async () => {
    const { ops } = signInAs(fake);
    const { identity } = (await ops.changeIdentity(vm('vm-data-02'), { kind: 'removeUserAssigned', ids: [ids.monitor] })).host;
    assert.equal(identity.type, 'None');
    assert.equal(stateVm(fake, 'vm-data-02').identity.type, 'None');
    assert.deepEqual(stateVm(fake, 'vm-data-02').identity.userAssignedIdentities, {});
  });

  it('removes all user-assigned identities, keeping the system identity', async () => {
    const { ops } = signInAs(fake);
    const principal = stateVm(fake, 'vm-data-01').identity.principalId;
    await ops.changeIdentity(vm('vm-data-01'), { kind: 'removeAllUserAssigned' });
    const state = stateVm(fake, 'vm-data-01');
    assert.equal(state.identity.type, 'SystemAssigned');
    assert.equal(state.identity.principalId, principal);
    assert.deepEqual(state.identity.userAssignedIdentities, {});
  });

  // Issue 3: "No operation ever drops an identity that it was not asked to drop." The command shows the VM's
  // identities, the user confirms, and meanwhile someone else assigns id-monitor.
  it('removing every identity the user saw, by id, keeps one assigned behind their back before the write', async () => {
    const { ops } = signInAs(fake);
    const seen = Object.keys((await ops.getVirtualMachine(vm('vm-web-03'))).identity.userAssignedIdentities);
    await signInAs(fake).ops.changeIdentity(vm('vm-web-03'), { kind: 'assignUserAssigned', ids: [ids.monitor] });
    await ops.changeIdentity(vm('vm-web-03'), { kind: 'removeUserAssigned', ids: seen });
    const state = stateVm(fake, 'vm-web-03');
    assert.equal(state.identity.type, 'UserAssigned');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.monitor]));
  });

  it('...and one assigned between the operation\'s own read and its write (412, re-read, explicit ids again)', async () => {
    const ops = opsWithCompetitorAfterFirstRead((competitor, v) => competitor.ops.changeIdentity(v, { kind: 'assignUserAssigned', ids: [ids.monitor] }));
    await ops.changeIdentity(vm('vm-web-03'), { kind: 'removeUserAssigned', ids: [ids.backend, ids.storage] });
    const state = stateVm(fake, 'vm-web-03');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.monitor]));
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 200', 'PATCH 412', 'PATCH 200']);
  });

  it('remove all with the reviewed ids refuses, naming id-monitor, when it was assigned behind the user\'s back; nothing is sent', async () => {
    const { ops } = signInAs(fake);
    const seen = Object.keys((await ops.getVirtualMachine(vm('vm-web-03'))).identity.userAssignedIdentities);
    await signInAs(fake).ops.changeIdentity(vm('vm-web-03'), { kind: 'assignUserAssigned', ids: [ids.monitor] });
    await rejectsWith(ops.changeIdentity(vm('vm-web-03'), { kind: 'removeAllUserAssigned', expectedIds: seen }), (error) => {
      assert.equal(error.kind, 'conflict');
      assert.match(error.message, /'id-monitor' appeared/);
      assert.match(error.message, /review them again/);
    });
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 200'], "only the other session's assignment was written");
    assert.deepEqual(lower(Object.keys(stateVm(fake, 'vm-web-03').identity.userAssignedIdentities)), lower([ids.backend, ids.storage, ids.monitor]));
  });

  it('remove all with the reviewed ids refuses when the change lands between its read and its write', async () => {
    const ops = opsWithCompetitorAfterFirstRead((competitor, v) => competitor.ops.changeIdentity(v, { kind: 'assignUserAssigned', ids: [ids.monitor] }));
    await rejectsWith(ops.changeIdentity(vm('vm-web-03'), { kind: 'removeAllUserAssigned', expectedIds: [ids.backend, ids.storage] }), (error) => {
      assert.equal(error.kind, 'conflict');
      assert.match(error.message, /'id-monitor' appeared/);
    });
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 200', 'PATCH 412']);
    assert.equal(Object.keys(stateVm(fake, 'vm-web-03').identity.userAssignedIdentities).length, 3);
  });

  it('remove all with the reviewed ids (in another casing) removes them when nothing changed', async () => {
    const { ops } = signInAs(fake);
    await ops.changeIdentity(vm('vm-web-03'), { kind: 'removeAllUserAssigned', expectedIds: [ids.storage.toUpperCase(), ids.backend] });
    assert.equal(stateVm(fake, 'vm-web-03').identity.type, 'None');
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 200']);
  });

  it('removing an identity that is not on the VM is refused before any request', async () => {
    const { ops } = signInAs(fake);
    await rejectsWith(ops.changeIdentity(vm('vm-web-03'), { kind: 'removeUserAssigned', ids: [ids.monitor] }), (error) => {
      assert.equal(error.kind, 'invalid');
      assert.equal(error.message, "'id-monitor' is not associated with 'vm-web-03'.");
    });
    assert.deepEqual(writes(fake), []);
    assert.equal(Object.keys(stateVm(fake, 'vm-web-03').identity.userAssignedIdentities).length, 2);
  });

  it('creates a user-assigned identity', async () => {
    const { ops } = signInAs(fake);
    const created = await ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: 'id-new_01', location: 'eastus', tags: { team: 'web' } });
    const stored = fake.getState().userAssignedIdentities.find((u) => u.name === 'id-new_01');
    assert.ok(stored);
    assert.equal(created.id.toLowerCase(), stored.id.toLowerCase());
    assert.equal(created.clientId, stored.clientId);
    assert.equal(created.principalId, stored.principalId);
    assert.equal(created.resourceGroup.toLowerCase(), 'rg-web');
    assert.deepEqual(stored.tags, { team: 'web' });
    // ...and it can be assigned at once.
    await ops.changeIdentity(vm('vm-web-01'), { kind: 'assignUserAssigned', ids: [created.id] });
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'UserAssigned');
  });

  it('creating a name taken in the resource group is refused and leaves that identity as it was', async () => {
    const { ops } = signInAs(fake);
    const before = fake.getState().userAssignedIdentities.find((u) => u.name === 'id-backend')!;
    await rejectsWith(
      ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: 'ID-Backend', location: 'eastus', tags: { owner: 'someone-else' } }),
      (error) => {
        assert.equal(error.kind, 'invalid');
        assert.equal(error.message, "An identity named 'id-backend' already exists in resource group 'rg-web'. Choose another name.");
      },
    );
    assert.deepEqual(writes(fake), [], 'no PUT was sent');
    const after = fake.getState().userAssignedIdentities.find((u) => u.name === 'id-backend')!;
    assert.deepEqual(after, before, 'tags, clientId and principalId unchanged');
  });

  it('the same name in another resource group is created', async () => {
    const { ops } = signInAs(fake);
    const created = await ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-data', name: 'id-backend', location: 'westeurope' });
    const both = fake.getState().userAssignedIdentities.filter((u) => u.name === 'id-backend');
    assert.deepEqual(both.map((u) => u.resourceGroup.toLowerCase()).sort(), ['rg-data', 'rg-web']);
    assert.equal(created.resourceGroup.toLowerCase(), 'rg-data');
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PUT 201']);
  });

  it('a missing resource group is named, not mistaken for a free name', async () => {
    const { ops } = signInAs(fake);
    await rejectsWith(ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-nope', name: 'id-x', location: 'eastus' }), (error) => {
      assert.equal(error.kind, 'notFound');
      assert.match(error.message, /rg-nope/);
    });
    assert.deepEqual(writes(fake), []);
  });

  it('an invalid name is refused before any request', async () => {
    const { ops } = signInAs(fake);
    for (const name of ['ab', 'bad name', '-starts-with-hyphen', 'x'.repeat(129)]) {
      await rejectsWith(ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name, location: 'eastus' }), (error) => {
        assert.equal(error.kind, 'invalid');
      });
    }
    assert.deepEqual(fake.requests(), [], 'not even a token request');
    assert.equal(fake.getState().userAssignedIdentities.length, 4);
  });

  it('creating in a missing resource group names it', async () => {
    const { ops } = signInAs(fake);
    await rejectsWith(ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-missing', name: 'id-x', location: 'eastus' }), (error) => {
      assert.equal(error.kind, 'notFound');
      assert.match(error.message, /rg-missing/);
    });
    assert.equal(fake.getState().userAssignedIdentities.length, 4);
  });
});

describe('identity write errors', () => {
  it('a reader is refused before anything is sent, naming Virtual Machine Contributor and the VM', async () => {
    const { ops } = signInAs(fake, demo.reader);
    const before = stateVm(fake, 'vm-web-01');
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }), (error) => {
      assert.equal(error.kind, 'authorization');
      assert.equal(error.code, 'MissingPermission');
      assert.equal(error.missingRole, 'Virtual Machine Contributor');
      assert.equal(error.action, 'Microsoft.Compute/virtualMachines/write');
      assert.match(error.message, /^You need the Virtual Machine Contributor role on virtual machine 'vm-web-01' in resource group 'rg-web' \(Microsoft\.Compute\/virtualMachines\/write was refused\)/);
    });
    assert.deepEqual(writes(fake), [], 'no write was sent');
    assert.ok(fake.requests().some((r) => /\/virtualMachines\/vm-web-01\/providers\/Microsoft\.Authorization\/permissions$/i.test(r.path)), 'the permissions were asked on the VM');
    assert.deepEqual(stateVm(fake, 'vm-web-01'), before);
  });

  it("when the permissions cannot be read the write goes ahead, and Azure's own 403 names the role and keeps the request id", async () => {
    fake.addFaults([{ path: '/providers/Microsoft\\.Authorization/permissions$', kind: 'status', status: 403, errorCode: 'AuthorizationFailed', times: 0 }]);
    const { ops } = signInAs(fake, demo.reader);
    const before = stateVm(fake, 'vm-web-01');
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }), (error) => {
      assert.equal(error.kind, 'authorization');
      assert.equal(error.statusCode, 403);
      assert.equal(error.missingRole, 'Virtual Machine Contributor');
      assert.match(error.message, /Virtual Machine Contributor role on virtual machine 'vm-web-01' in resource group 'rg-web'/);
      assert.ok(error.requestId, 'the request id is kept for the log');
    });
    assert.deepEqual(writes(fake).map((w) => `${w.method} ${w.status}`), ['PATCH 403']);
    assert.deepEqual(stateVm(fake, 'vm-web-01'), before);
  });

  it('a VM contributor without Managed Identity Operator is refused before anything is sent, naming the role and id-backend', async () => {
    const { ops } = signInAs(fake, demo.vmContributor);
    const before = stateVm(fake, 'vm-web-01');
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'assignUserAssigned', ids: [ids.backend] }), (error) => {
      assert.equal(error.kind, 'authorization');
      assert.equal(error.missingRole, 'Managed Identity Operator');
      assert.match(error.message, /^You need the Managed Identity Operator role on user-assigned identity 'id-backend' in resource group 'rg-web' \(Microsoft\.ManagedIdentity\/userAssignedIdentities\/assign\/action was refused\)/);
    });
    assert.deepEqual(writes(fake), [], 'no write was sent');
    assert.deepEqual(stateVm(fake, 'vm-web-01'), before);
  });

  it("...and when the permissions cannot be read, Azure's LinkedAuthorizationFailed names the same role and identity", async () => {
    fake.addFaults([{ path: '/providers/Microsoft\\.Authorization/permissions$', kind: 'status', status: 403, errorCode: 'AuthorizationFailed', times: 0 }]);
    const { ops } = signInAs(fake, demo.vmContributor);
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'assignUserAssigned', ids: [ids.backend] }), (error) => {
      assert.equal(error.kind, 'linkedAuthorization');
      assert.equal(error.missingRole, 'Managed Identity Operator');
      assert.match(error.message, /Managed Identity Operator role on user-assigned identity 'id-backend' in resource group 'rg-web'/);
    });
    assert.deepEqual(writes(fake).map((w) => `${w.method} ${w.status}`), ['PATCH 403']);
  });

  it('...while the same VM contributor may enable the system-assigned identity', async () => {
    const { ops } = signInAs(fake, demo.vmContributor);
    await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' });
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'SystemAssigned');
  });

  it('an identity that does not exist is named, and nothing changes', async () => {
    const { ops } = signInAs(fake);
    const ghost = ids.backend.replace('id-backend', 'id-ghost');
    const before = stateVm(fake, 'vm-web-03');
    await rejectsWith(ops.changeIdentity(vm('vm-web-03'), { kind: 'assignUserAssigned', ids: [ghost] }), (error) => {
      assert.equal(error.kind, 'notFound');
      assert.match(error.message, /user-assigned identity 'id-ghost' was not found/);
    });
    assert.deepEqual(stateVm(fake, 'vm-web-03'), before);
  });

  it('a VM that does not exist is named', async () => {
    const { ops } = signInAs(fake);
    await rejectsWith(ops.changeIdentity({ ...vm('vm-web-01'), name: 'vm-gone' }, { kind: 'enableSystemAssigned' }), (error) => {
      assert.equal(error.kind, 'notFound');
      assert.match(error.message, /vm-gone/);
    });
  });

  it('409 while another operation runs on the VM: retried, then a clear message; our change is not made', async () => {
    const { ops } = signInAs(fake, demo.admin, { maxWriteAttempts: 3, retryDelayMs: () => 50 });
    const other = signInAs(fake);
    // Another client's write whose long-running operation never ends keeps the VM busy.
    fake.addFaults([{ method: 'PATCH', path: '/virtualMachines/vm-web-03$', kind: 'lroNeverEnds' }]);
    const abort = new AbortController();
    const started = new Promise<void>((resolve) => {
      other.ops.changeIdentity(vm('vm-web-03'), { kind: 'enableSystemAssigned' }, { signal: abort.signal, onProgress: (m) => /Waiting/.test(m) && resolve() }).catch(() => {});
    });
    await started;
    const progress: string[] = [];
    await rejectsWith(ops.changeIdentity(vm('vm-web-03'), { kind: 'assignUserAssigned', ids: [ids.monitor] }, { onProgress: (m) => progress.push(m) }), (error) => {
      assert.equal(error.kind, 'conflict');
      assert.equal(error.statusCode, 409);
      assert.match(error.message, /'vm-web-03' is being changed by someone else/);
    });
    abort.abort();
    assert.equal(progress.filter((m) => /reading it again/.test(m)).length, 2);
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 200', 'PATCH 409', 'PATCH 409', 'PATCH 409']);
    assert.ok(!Object.keys(stateVm(fake, 'vm-web-03').identity.userAssignedIdentities).some((id) => id.toLowerCase() === ids.monitor.toLowerCase()));
  });

  it("any other 409 (OperationNotAllowed) is not retried and shows Azure's own message with the request id", async () => {
    const { ops } = signInAs(fake, demo.admin, { maxWriteAttempts: 3, retryDelayMs: () => 10 });
    const azureSays = "Operation 'PATCH' is not allowed on VM 'vm-web-01' since the VM is marked for deletion.";
    fake.addFaults([{ method: 'PATCH', path: '/virtualMachines/vm-web-01$', kind: 'status', status: 409, errorCode: 'OperationNotAllowed', errorMessage: azureSays }]);
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }), (error) => {
      assert.equal(error.kind, 'invalid');
      assert.equal(error.code, 'OperationNotAllowed');
      assert.ok(error.requestId, 'the request id is kept');
      assert.equal(error.message, `Azure refused the request: ${azureSays} (request id ${error.requestId})`);
    });
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 409'], 'not retried');
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'None');
  });

  it('409 while another operation runs: succeeds once that operation ends, keeping its change', async () => {
    const { ops } = signInAs(fake, demo.admin, { maxWriteAttempts: 20, retryDelayMs: () => 700 });
    const other = signInAs(fake);
    let otherDone!: Promise<unknown>;
    await new Promise<void>((resolve) => {
      otherDone = other.ops.changeIdentity(vm('vm-web-03'), { kind: 'enableSystemAssigned' }, { onProgress: (m) => /Waiting/.test(m) && resolve() });
    });
    await ops.changeIdentity(vm('vm-web-03'), { kind: 'assignUserAssigned', ids: [ids.monitor] });
    await otherDone;
    const state = stateVm(fake, 'vm-web-03');
    assert.equal(state.identity.type, 'SystemAssigned, UserAssigned', "the other client's change survives");
    assert.equal(Object.keys(state.identity.userAssignedIdentities).length, 3);
    assert.ok(writes(fake).some((r) => r.status === 409), 'a 409 was met on the way');
  });

  it('412 If-Match race: the VM changes between our read and our write; we re-read, re-plan and keep both changes', async () => {
    const ops = opsWithCompetitorAfterFirstRead((competitor, v) => competitor.ops.changeIdentity(v, { kind: 'assignUserAssigned', ids: [ids.monitor] }));
    const { identity } = (await ops.changeIdentity(vm('vm-web-03'), { kind: 'removeUserAssigned', ids: [ids.storage] })).host;
    const state = stateVm(fake, 'vm-web-03');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.backend, ids.monitor]));
    assert.equal(Object.keys(identity.userAssignedIdentities).length, 2);
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 200', 'PATCH 412', 'PATCH 200']);
  });

  it('429 with Retry-After is retried by the pipeline and the change is made', async () => {
    const { ops, logger } = signInAs(fake);
    fake.addFaults([{ method: 'PATCH', path: '/virtualMachines/vm-web-01$', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 }]);
    await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' });
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'SystemAssigned');
    assert.deepEqual(writes(fake).map((r) => `${r.method} ${r.status}`), ['PATCH 429', 'PATCH 200']);
    assert.ok(logger.lines.some((l) => /^warn: PATCH .* -> 429/.test(l)), 'the throttled attempt is logged');
  });

  it('a failed long-running operation becomes an error with Azure\'s message', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'PATCH', path: '/virtualMachines/vm-web-01$', kind: 'lroFailed', errorCode: 'InternalExecutionError', errorMessage: 'Something broke inside.' }]);
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }), (error) => {
      assert.equal(error.code, 'InternalExecutionError');
      assert.match(error.message, /Something broke inside/);
      assert.match(error.message, /'vm-web-01' now has /, 'says what is true after the failure');
    });
  });

  it('cancellation before the call sends nothing', async () => {
    const { ops } = signInAs(fake);
    const abort = new AbortController();
    abort.abort();
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }, { signal: abort.signal }), (error) => assert.equal(error.kind, 'cancelled'));
    await rejectsWith(loadTree(ops, { signal: abort.signal }), (error) => assert.equal(error.kind, 'cancelled'));
    assert.deepEqual(fake.requests(), []);
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'None');
  });

  it('cancellation while waiting for a long-running operation stops waiting at once', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'PATCH', path: '/virtualMachines/vm-web-01$', kind: 'lroNeverEnds' }]);
    const abort = new AbortController();
    const write = ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }, { signal: abort.signal, onProgress: (m) => /Waiting/.test(m) && abort.abort() });
    await rejectsWith(write, (error) => assert.equal(error.kind, 'cancelled'));
  });

  it('a connection dropped on every attempt says so and how often it was tried, not "socket hang up"', async () => {
    // vm-web-02: the cancelled write above keeps re-reading vm-web-01 in the background until Azure's operation ends.
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'GET', path: '/virtualMachines/vm-web-02$', kind: 'drop', times: 0 }]);
    await rejectsWith(ops.getVirtualMachine(vm('vm-web-02')), (error) => {
      assert.equal(error.code, 'ConnectionDropped');
      assert.match(error.message, /^The connection to Azure Resource Manager dropped on each of 4 attempts \(the request was retried 3 times\)\./);
      assert.doesNotMatch(error.message, /socket hang up|ECONNRESET/);
    });
    const reads = fake.requests().filter((r) => r.method === 'GET' && /\/virtualMachines\/vm-web-02$/.test(r.path));
    assert.equal(reads.length, 4, 'the first attempt and the pipeline\'s three retries reached the fake');
  });

  it('cancellation while reading stops the read', async () => {
    const { ops } = signInAs(fake);
    // Every read of vm-web-01 is delayed: a background re-read left by the test above must not take a one-time fault.
    fake.addFaults([{ method: 'GET', path: '/virtualMachines/vm-web-01$', kind: 'delay', delayMs: 30_000, times: 0 }]);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    await rejectsWith(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }, { signal: abort.signal }), (error) => assert.equal(error.kind, 'cancelled'));
    assert.deepEqual(writes(fake), []);
  });
});
