// What an identity can reach (issue 9), through the extension's own REST clients against the fake Azure: role
// assignments listed, granted and revoked for a system-assigned and a user-assigned identity, the replication retry,
// "already has the role", inheritance, the permission check that refuses before any write, and where a user-assigned
// identity is used before it is deleted. Each test checks the fake's state and request log, not only a message.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AccessPrincipal } from '../../src/identity/accessOperations';
import { revokeConfirmation, BUILT_IN_ROLE_IDS } from '../../src/identity/roles';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, ids, rejectsWith, signInAs, startFake, stateVm, vm, writes } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const production = `/subscriptions/${demo.production}`;
const storageWeb = `${production}/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/stcontosoweb01`;
const registryWeb = `${production}/resourceGroups/rg-web/providers/Microsoft.ContainerRegistry/registries/crcontosoweb`;
const roleId = (guid: string) => `${production}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const blobReader = { id: roleId(BUILT_IN_ROLE_IDS.storageBlobDataReader), roleName: 'Storage Blob Data Reader' };
const reader = { id: roleId(BUILT_IN_ROLE_IDS.reader), roleName: 'Reader' };

/** vm-web-02's system-assigned identity (Key Vault Secrets User on kv-contoso-prod in the seed). */
function systemOf(name: string): AccessPrincipal & { kind: 'systemAssigned' } {
  return { kind: 'systemAssigned', host: vm(name), principalId: stateVm(fake, name).identity.principalId! };
}

function userAssigned(name: 'id-backend' | 'id-storage'): AccessPrincipal & { kind: 'userAssigned' } {
  const found = fake.getState().userAssignedIdentities.find((u) => u.name === name)!;
  return { kind: 'userAssigned', identity: { id: ids[name === 'id-backend' ? 'backend' : 'storage'], name, subscriptionId: demo.production, principalId: found.principalId } };
}

const assignmentsOf = (principalId: string) => fake.getState().roleAssignments.filter((ra) => ra.principalId.toLowerCase() === principalId.toLowerCase());
const roleAssignmentRequests = () => fake.requests().filter((r) => /\/providers\/Microsoft\.Authorization\/roleAssignments/i.test(r.path));

describe('role assignments of a system-assigned identity', () => {
  it('lists them with one request filtered by principalId, grants Storage Blob Data Reader on a storage account, and revokes it', async () => {
    const { ops } = signInAs(fake);
    const principal = systemOf('vm-web-02');
    const listed = await ops.access.listRoleAssignments(principal);
    assert.deepEqual(listed.map((e) => [e.roleName, e.assignment.scope.split('/').pop(), e.inherited]), [['Key Vault Secrets User', 'kv-contoso-prod', false]]);
    assert.equal(roleAssignmentRequests().length, 1, 'one request lists them');

    const progress: string[] = [];
    const granted = await ops.access.grantAccess(principal, storageWeb, blobReader, { onProgress: (m) => progress.push(m) });
    assert.equal(granted.status, 'changed');
    assert.equal(granted.message, "Granted 'Storage Blob Data Reader' on storage account 'stcontosoweb01' in resource group 'rg-web' to 'vm-web-02'.");
    const stored = assignmentsOf(principal.principalId).find((ra) => ra.roleDefinitionName === 'Storage Blob Data Reader');
    assert.ok(stored, 'the assignment is in the fake');
    assert.equal(stored.principalType, 'ServicePrincipal');
    assert.match(stored.name!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a new GUID name');
    assert.equal(stored.scope.toLowerCase(), storageWeb.toLowerCase());
    assert.ok(progress.some((m) => /Checking your permissions on storage account 'stcontosoweb01'/.test(m)));

    const after = await ops.access.listRoleAssignments(principal);
    const entry = after.find((e) => e.roleName === 'Storage Blob Data Reader');
    assert.ok(entry, 'the new assignment is listed');
    assert.equal(entry.assignment.name, stored.name);

    const revoked = await ops.access.revokeAccess(principal, entry.assignment, entry.roleName);
    assert.equal(revoked.status, 'changed');
    assert.match(revoked.message, /^Revoked 'Storage Blob Data Reader' on storage account 'stcontosoweb01'/);
    assert.ok(!assignmentsOf(principal.principalId).some((ra) => ra.roleDefinitionName === 'Storage Blob Data Reader'), 'gone from the fake');
    assert.deepEqual(writes(fake).map((w) => `${w.method} ${w.status}`), ['PUT 201', 'DELETE 200']);
  });

  it('"already has the role": RoleAssignmentExists is unchanged, said as such, and adds nothing', async () => {
    const { ops } = signInAs(fake);
    const principal = systemOf('vm-web-02');
    const vault = `${production}/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-contoso-prod`;
    const before = assignmentsOf(principal.principalId).length;
    const result = await ops.access.grantAccess(principal, vault, { id: roleId(BUILT_IN_ROLE_IDS.keyVaultSecretsUser), roleName: 'Key Vault Secrets User' });
    assert.equal(result.status, 'unchanged');
    assert.equal(result.message, "'vm-web-02' already has 'Key Vault Secrets User' on key vault 'kv-contoso-prod' in resource group 'rg-data'.");
    assert.equal(assignmentsOf(principal.principalId).length, before);
    assert.deepEqual(writes(fake).map((w) => `${w.method} ${w.status}`), ['PUT 409']);
  });

  it('an identity enabled moments ago: PrincipalNotFound is retried with backoff, the progress says why, then the grant succeeds', async () => {
    const { ops } = signInAs(fake, demo.admin, { retryDelayMs: () => 50, access: { replicationDelays: Array(30).fill(500) } });
    const beforeEnable = Date.now();
    fake.setPrincipalReplicationSeconds(600);
    const enabled = await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' });
    // The principal was created after beforeEnable: it stays unreplicated for about 3 s more, however slow the machine.
    fake.setPrincipalReplicationSeconds((Date.now() - beforeEnable) / 1000 + 3);
    const principal = { kind: 'systemAssigned' as const, host: vm('vm-web-01'), principalId: enabled.host.identity.principalId! };
    const progress: string[] = [];
    const result = await ops.access.grantAccess(principal, storageWeb, blobReader, { onProgress: (m) => progress.push(m) });
    assert.equal(result.status, 'changed');
    const puts = writes(fake).filter((w) => w.method === 'PUT').map((w) => w.status);
    assert.ok(puts.length >= 2 && puts.slice(0, -1).every((s) => s === 400) && puts.at(-1) === 201, `refused while replicating, then created: ${puts.join(', ')}`);
    assert.ok(progress.some((m) => /waiting for Microsoft Entra ID to replicate it/.test(m)), progress.join('\n'));
    assert.equal(assignmentsOf(principal.principalId).length, 1);
  });

  it('gives up after the schedule and says so in Azure\'s words', async () => {
    fake.setPrincipalReplicationSeconds(60);
    const { ops } = signInAs(fake, demo.admin, { retryDelayMs: () => 50, access: { replicationDelays: [50, 50] } });
    const enabled = await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' });
    const principal = { kind: 'systemAssigned' as const, host: vm('vm-web-01'), principalId: enabled.host.identity.principalId! };
    await rejectsWith(ops.access.grantAccess(principal, storageWeb, blobReader), (error) => {
      assert.equal(error.code, 'PrincipalNotFound');
      assert.match(error.message, /does not exist in the directory/);
    });
    assert.deepEqual(writes(fake).filter((w) => w.method === 'PUT' && /roleAssignments/.test(w.path)).map((w) => w.status), [400, 400, 400]);
  });
});

describe('role assignments of a user-assigned identity', () => {
  it('lists, grants Reader on the subscription, and revokes it', async () => {
    const { ops } = signInAs(fake);
    const principal = userAssigned('id-backend');
    assert.deepEqual((await ops.access.listRoleAssignments(principal)).map((e) => [e.roleName, e.assignment.scope]), [['AcrPull', `${production}/resourceGroups/rg-web`]]);
    const granted = await ops.access.grantAccess(principal, production, reader);
    assert.equal(granted.message, "Granted 'Reader' on subscription 'Contoso Production' to 'id-backend'.");
    const listed = await ops.access.listRoleAssignments(principal);
    assert.deepEqual(listed.map((e) => e.roleName), ['AcrPull', 'Reader']);
    const readerEntry = listed.find((e) => e.roleName === 'Reader')!;
    await ops.access.revokeAccess(principal, readerEntry.assignment, readerEntry.roleName);
    assert.deepEqual(assignmentsOf(principal.identity.principalId).map((ra) => ra.roleDefinitionName), ['AcrPull']);
  });

  it('an inherited assignment: AcrPull on rg-web is marked held from above at a registry in it, and revoking it warns that the resource group changes', async () => {
    const { ops } = signInAs(fake);
    const principal = userAssigned('id-backend');
    const choices = await ops.access.listRoleChoices(principal, registryWeb);
    const acrPull = choices.find((c) => c.role.roleName === 'AcrPull')!;
    assert.equal(acrPull.held, 'inherited');
    assert.equal(acrPull.heldAt!.toLowerCase(), `${production}/resourceGroups/rg-web`.toLowerCase());
    assert.equal(choices[0].role.roleName, 'Storage Blob Data Reader', 'the roles most used with managed identities come first');
    assert.ok(choices[0].recommended);
    assert.ok(!choices.some((c) => c.role.roleName === 'Contoso Dev Blob Operator'), 'a custom role of another subscription is not assignable here');
    assert.match(choices[0].role.description, /blob/i, 'each role comes with its description');

    const assignment = (await ops.access.listRoleAssignments(principal))[0].assignment;
    const question = revokeConfirmation('id-backend', 'AcrPull', assignment, registryWeb);
    assert.match(question, /It is assigned on resource group 'rg-web', not here: revoking it changes resource group 'rg-web'/);
  });
});

describe('permissions checked before any write', () => {
  it('the VM-contributor principal is refused before anything is sent, naming the roles that would allow it and the resource', async () => {
    const { ops } = signInAs(fake, demo.vmContributor);
    const principal = systemOf('vm-web-02');
    await rejectsWith(ops.access.grantAccess(principal, storageWeb, blobReader), (error) => {
      assert.equal(error.kind, 'authorization');
      assert.equal(error.code, 'MissingPermission');
      assert.equal(error.action, 'Microsoft.Authorization/roleAssignments/write');
      assert.equal(error.missingRole, 'Owner, User Access Administrator or Role Based Access Control Administrator');
      assert.match(error.message, /^You need the Owner, User Access Administrator or Role Based Access Control Administrator role on storage account 'stcontosoweb01' in resource group 'rg-web' \(Microsoft\.Authorization\/roleAssignments\/write was refused\)/);
    });
    await rejectsWith(ops.access.grantAccess(principal, production, reader), (error) => {
      assert.match(error.message, /role on subscription 'Contoso Production' \(/, 'a subscription by its display name');
      assert.doesNotMatch(error.message, new RegExp(demo.production));
    });
    const seeded = fake.getState().roleAssignments[0];
    await rejectsWith(ops.access.revokeAccess(principal, { id: `${seeded.scope}/providers/Microsoft.Authorization/roleAssignments/${seeded.name}`, name: seeded.name!, scope: seeded.scope, roleDefinitionId: '', principalId: seeded.principalId, principalType: 'ServicePrincipal' }, 'Owner'), (error) => {
      assert.equal(error.action, 'Microsoft.Authorization/roleAssignments/delete');
    });
    assert.deepEqual(writes(fake), [], 'no write was sent');
  });

  it('the permissions of a scope are asked once while they are fresh', async () => {
    const { ops } = signInAs(fake, demo.vmContributor);
    const principal = systemOf('vm-web-02');
    await assert.rejects(ops.access.grantAccess(principal, storageWeb, blobReader));
    await assert.rejects(ops.access.grantAccess(principal, storageWeb, reader));
    assert.equal(fake.requests().filter((r) => /stcontosoweb01\/providers\/Microsoft\.Authorization\/permissions$/i.test(r.path)).length, 1);
  });
});

describe('scopes and roles for Grant Access', () => {
  it('finds resources by part of their name, filtered by type', async () => {
    const { ops } = signInAs(fake);
    const storage = await ops.access.searchScopes(demo.production, 'contoso', 'Microsoft.Storage/storageAccounts');
    assert.deepEqual(storage.map((r) => [r.name, r.resourceGroup, r.type]), [
      ['stcontosodata01', 'rg-data', 'Microsoft.Storage/storageAccounts'],
      ['stcontosoweb01', 'rg-web', 'Microsoft.Storage/storageAccounts'],
    ]);
    const any = await ops.access.searchScopes(demo.production, 'KV-CONTOSO');
    assert.deepEqual(any.map((r) => r.name), ['kv-contoso-prod']);
  });
});

describe('where a user-assigned identity is used, and deleting it', () => {
  it('lists the VMs that use it across the subscriptions', async () => {
    const { ops } = signInAs(fake);
    const { consumers, failed } = await ops.access.listIdentityConsumers(ids.backend, [demo.production, demo.development]);
    assert.deepEqual(failed, []);
    assert.deepEqual(consumers.map((host) => host.name), ['vm-data-01', 'vm-web-03', 'vm-web-04']);
  });

  it('Delete shows the consumers and the assignments it orphans, refuses nothing, and deletes: the assignment stays behind', async () => {
    const { ops } = signInAs(fake);
    const identity = (await ops.listUserAssignedIdentities(demo.production)).find((u) => u.name === 'id-storage')!;
    const impact = await ops.access.describeIdentityDeletion(identity, [demo.production, demo.development]);
    assert.deepEqual(impact.consumers.map((host) => host.name), ['vm-data-01', 'vm-web-03']);
    assert.deepEqual(impact.assignments.map((e) => [e.roleName, e.assignment.scope.split('/').pop()]), [['Storage Blob Data Contributor', 'stcontosodata01']]);

    const result = await ops.access.deleteUserAssignedIdentity(identity);
    assert.equal(result.status, 'changed');
    assert.ok(!fake.getState().userAssignedIdentities.some((u) => u.name === 'id-storage'));
    assert.equal(assignmentsOf(identity.principalId).length, 1, 'Azure leaves its assignment, orphaned');
    assert.deepEqual(writes(fake).map((w) => `${w.method} ${w.status}`), ['DELETE 200']);
  });

  it('a reader deleting an identity is refused before anything is sent, naming Managed Identity Contributor', async () => {
    const { ops } = signInAs(fake, demo.reader);
    const identity = (await ops.listUserAssignedIdentities(demo.production)).find((u) => u.name === 'id-storage')!;
    await rejectsWith(ops.access.deleteUserAssignedIdentity(identity), (error) => {
      assert.equal(error.missingRole, 'Managed Identity Contributor');
      assert.match(error.message, /user-assigned identity 'id-storage' in resource group 'rg-web'/);
    });
    assert.deepEqual(writes(fake), []);
  });
});
