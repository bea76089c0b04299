// Guarantee (issue 13): a targeted race for each write operation. Another window's write lands between this
// operation's read (or check) and its write, and the operation must still end honestly: what it says is what Azure now
// holds (the fake's state), nothing of the other window's is lost, and nothing is reported done that was not.
// The identity changes' races after the first read are in identityWrites.test.ts and acceptedWrites.test.ts; here are
// the other writes, and a scale set's identity change.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AccessPrincipal } from '../../src/identity/accessOperations';
import { IdentityError } from '../../src/identity/identityError';
import type { CreateVirtualMachineRequest } from '../../src/identity/newVirtualMachine';
import { IdentityOperations, type IdentityChangeResult } from '../../src/identity/operations';
import type { SubscriptionClients } from '../../src/identity/ports';
import { BUILT_IN_ROLE_IDS } from '../../src/identity/roles';
import type { RunningFakeAzure } from '../fake-azure/server';
import { beforeCall, demo, ids, newVmRequest, once, providerWith, rejectsWith, scaleSet, signInAs, startFake, stateScaleSet, stateVm, vm, writes, type SignedIn } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

/** This window's operations, with `other`'s write run once just before `method` of one of its clients is sent. */
function raced<K extends keyof SubscriptionClients>(client: K, method: string, other: (competitor: SignedIn) => Promise<unknown>): IdentityOperations {
  const competitor = signInAs(fake);
  const otherWrite = once(() => other(competitor));
  const provider = providerWith(signInAs(fake), (clients) => ({
    [client]: beforeCall(clients[client] as object, method as never, otherWrite),
  }));
  return new IdentityOperations(provider, { retryDelayMs: () => 10 });
}

const group = (displayName: string) => fake.getState().groups.find((g) => g.displayName === displayName)!;
const lower = (keys: string[]) => keys.map((k) => k.toLowerCase()).sort();
const production = `/subscriptions/${demo.production}`;
const reader = { id: `${production}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS.reader}`, roleName: 'Reader' };
const systemOf = (name: string): AccessPrincipal => ({ kind: 'systemAssigned', host: vm(name), principalId: stateVm(fake, name).identity.principalId! });
const assignments = (principalId: string, scope: string) =>
  fake.getState().roleAssignments.filter((ra) => ra.principalId === principalId && ra.scope.toLowerCase() === scope.toLowerCase() && ra.roleDefinitionName === 'Reader');

describe('group membership', () => {
  it('add: the other window adds the same VM first; "already a member", and it is a member once', async () => {
    const target = group('sg-monitoring');
    const principalId = stateVm(fake, 'vm-web-02').identity.principalId!;
    assert.ok(!target.members.includes(principalId));
    const ops = raced('graph', 'addMember', (other) => other.ops.addToGroup(vm('vm-web-02'), target.id));
    await rejectsWith(ops.addToGroup(vm('vm-web-02'), target.id, { groupName: 'sg-monitoring' }), (error) => {
      assert.equal(error.kind, 'alreadyMember');
      assert.match(error.message, /'vm-web-02' is already a member of 'sg-monitoring'/);
    });
    assert.equal(group('sg-monitoring').members.filter((m) => m === principalId).length, 1);
  });

  it('add: the other window disables the system-assigned identity after this read; nothing is added, and the message says why', async () => {
    const target = group('sg-monitoring');
    const ops = raced('graph', 'addMember', (other) => other.ops.changeIdentity(vm('vm-web-02'), { kind: 'disableSystemAssigned' }));
    await rejectsWith(ops.addToGroup(vm('vm-web-02'), target.id, { groupName: 'sg-monitoring' }), (error) => {
      assert.equal(error.code, 'NoSystemAssignedIdentity', error.message);
      assert.match(error.message, /'vm-web-02' no longer has the system-assigned identity this was for \(it was turned off or replaced meanwhile\), so it is not in 'sg-monitoring'\./);
    });
    assert.equal(stateVm(fake, 'vm-web-02').identity.type, 'None');
    assert.deepEqual(group('sg-monitoring').members, target.members, 'nothing was added');
  });

  it('remove: the other window removes it first; this one says it was not a member, and it is not', async () => {
    const target = group('sg-keyvault-readers');
    const principalId = stateVm(fake, 'vm-web-02').identity.principalId!;
    assert.ok(target.members.includes(principalId));
    const ops = raced('graph', 'removeMember', (other) => other.ops.removeFromGroup(vm('vm-web-02'), target.id));
    const outcome = await ops.removeFromGroup(vm('vm-web-02'), target.id, { groupName: 'sg-keyvault-readers' }).then(
      () => 'removed',
      (error: unknown) => error,
    );
    assert.ok(!group('sg-keyvault-readers').members.includes(principalId));
    // Either the removal reports success (the membership is gone, as asked) or it says it was no longer a member;
    // never a failure that suggests the membership is still there.
    if (outcome !== 'removed') {
      assert.ok(outcome instanceof IdentityError, String(outcome));
      assert.equal(outcome.kind, 'notMember', outcome.message);
      assert.match(outcome.message, /The identity of 'vm-web-02' is not a member of 'sg-keyvault-readers': nothing to remove\./);
    }
  });
});

describe('access', () => {
  it('grant: the other window grants the same role first; "already has the role", one assignment', async () => {
    const principal = systemOf('vm-web-02');
    const scope = `${production}/resourceGroups/rg-data`;
    const ops = raced('roleAssignments', 'create', (other) => other.ops.access.grantAccess(principal, scope, reader));
    const result = await ops.access.grantAccess(principal, scope, reader);
    assert.equal(result.status, 'unchanged');
    assert.match(result.message, /already has 'Reader'/);
    assert.equal(assignments(principal.kind === 'systemAssigned' ? principal.principalId : '', scope).length, 1);
  });

  it('revoke: the other window revokes it first; "no longer had", and it is gone', async () => {
    const { ops: admin } = signInAs(fake);
    const principal = systemOf('vm-web-02');
    const scope = `${production}/resourceGroups/rg-data`;
    const granted = await admin.access.grantAccess(principal, scope, reader);
    const assignment = granted.assignment!;
    const ops = raced('roleAssignments', 'delete', (other) => other.ops.access.revokeAccess(principal, assignment, 'Reader'));
    const result = await ops.access.revokeAccess(principal, assignment, 'Reader');
    assert.equal(result.status, 'unchanged');
    assert.match(result.message, /no longer had 'Reader'/);
    assert.equal(assignments(stateVm(fake, 'vm-web-02').identity.principalId!, scope).length, 0);
  });
});

describe('creating and deleting', () => {
  const request = (overrides: Partial<CreateVirtualMachineRequest> = {}) => newVmRequest({ name: 'vm-race-01', userAssignedIdentityIds: [], ...overrides });

  it('create VM: the other window creates the same name first; "already exists", and its VM stays as it made it', async () => {
    const ops = raced('virtualMachines', 'create', (other) => other.ops.createVirtualMachine(request({ systemAssigned: false, userAssignedIdentityIds: [ids.backend], vmSize: 'Standard_B1s' })));
    await rejectsWith(ops.createVirtualMachine(request()), (error) => {
      assert.equal(error.code, 'VirtualMachineNameTaken', `${error.code}: ${error.message}`);
      assert.match(error.message, /'vm-race-01' already exists in resource group 'rg-web'/);
    });
    const made = stateVm(fake, 'vm-race-01');
    assert.equal(made.identity.type, 'UserAssigned', "the other window's VM was not overwritten");
    assert.equal(made.vmSize, 'Standard_B1s');
  });

  it('delete identity: the other window deletes it first; "already deleted", and it is gone', async () => {
    const identity = fake.getState().userAssignedIdentities.find((u) => u.name === 'id-monitor')!;
    const ref = { id: ids.monitor, name: 'id-monitor', subscriptionId: demo.production, resourceGroup: identity.resourceGroup };
    const ops = raced('userAssignedIdentities', 'delete', (other) => other.ops.access.deleteUserAssignedIdentity(ref));
    const result = await ops.access.deleteUserAssignedIdentity(ref);
    assert.equal(result.status, 'unchanged');
    assert.match(result.message, /was already deleted/);
    assert.ok(!fake.getState().userAssignedIdentities.some((u) => u.name === 'id-monitor'));
  });
});

describe('identity changes', () => {
  it('remove user-assigned: the other window removes the same identity first; the rest stays, and the outcome says it is gone', async () => {
    const ops = raced('virtualMachines', 'updateIdentity', (other) => other.ops.changeIdentity(vm('vm-web-03'), { kind: 'removeUserAssigned', ids: [ids.backend] }));
    const outcome: IdentityChangeResult | unknown = await ops.changeIdentity(vm('vm-web-03'), { kind: 'removeUserAssigned', ids: [ids.backend] }).catch((error: unknown) => error);
    const state = stateVm(fake, 'vm-web-03');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.storage]), 'id-storage stays');
    if (outcome instanceof IdentityError) {
      assert.equal(outcome.code, 'notAssociated', outcome.message);
      assert.match(outcome.message, /id-backend/);
    } else {
      assert.doesNotMatch((outcome as IdentityChangeResult).message, /Could not/);
    }
  });

  it('a scale set: the other window assigns an identity between this read and write; both changes hold', async () => {
    const ops = raced('scaleSets', 'updateIdentity', (other) => other.ops.changeIdentity(scaleSet('vmss-web'), { kind: 'assignUserAssigned', ids: [ids.backend] }));
    const result = await ops.changeIdentity(scaleSet('vmss-web'), { kind: 'assignUserAssigned', ids: [ids.storage] });
    assert.equal(result.status, 'changed');
    const state = stateScaleSet(fake, 'vmss-web');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.backend, ids.storage]));
    assert.equal(state.identity.type, 'SystemAssigned, UserAssigned');
    assert.ok(writes(fake).some((w) => w.method === 'PATCH' && w.status === 412), 'the stale write was refused by its ETag');
  });
});
