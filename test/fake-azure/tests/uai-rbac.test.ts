// User-assigned identity and resource group writes, and role-based authorization, through the real SDK clients.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAzureForTests } from '../testing';
import { clientsFor, collect, demo, rejection, uaiId, useFakeAzure } from './sdk';

describe('fake Azure user-assigned identities and resource groups', () => {
  const fake = useFakeAzure();

  it('creates (201) and updates (200) an identity, with its service principal in the directory', async () => {
    const { msi } = clientsFor(fake());
    const created = await msi.userAssignedIdentities.createOrUpdate('rg-web', 'id-new_1', { location: 'eastus', tags: { team: 'web' } });
    assert.equal(created.name, 'id-new_1');
    assert.match(created.principalId ?? '', /^[0-9a-f-]{36}$/);
    const state = fake().getState();
    const stored = state.userAssignedIdentities.find((u) => u.name === 'id-new_1');
    assert.equal(stored?.principalId, created.principalId);
    assert.equal(stored?.clientId, created.clientId);
    assert.deepEqual(stored?.tags, { team: 'web' });
    const sp = state.servicePrincipals.find((s) => s.id === created.principalId);
    assert.equal(sp?.servicePrincipalType, 'ManagedIdentity');
    assert.equal(sp?.appId, created.clientId);
    await msi.userAssignedIdentities.createOrUpdate('rg-web', 'id-new_1', { location: 'eastus', tags: { team: 'api' } });
    assert.deepEqual(fake().getState().userAssignedIdentities.find((u) => u.name === 'id-new_1')?.tags, { team: 'api' });
    assert.deepEqual(fake().requests().filter((r) => r.method === 'PUT').map((r) => r.status), [201, 200]);
  });

  it('names a new identity\'s service principal with the stored id casing, even when the path spells the group otherwise', async () => {
    const { msi } = clientsFor(fake());
    const created = await msi.userAssignedIdentities.createOrUpdate('RG-WEB', 'id-cased', { location: 'eastus' });
    const stored = fake().getState().userAssignedIdentities.find((u) => u.name === 'id-cased')!;
    assert.equal(stored.id, uaiId(demo.production, 'rg-web', 'id-cased'));
    assert.equal(created.id, stored.id);
    const sp = fake().getState().servicePrincipals.find((s) => s.id === created.principalId)!;
    assert.ok(sp.alternativeNames.includes(stored.id), JSON.stringify(sp.alternativeNames));
    assert.ok(!sp.alternativeNames.some((n) => n.includes('RG-WEB')));
  });

  it('enforces the name rules with 400 and creates nothing', async () => {
    const { msi } = clientsFor(fake());
    const before = fake().getState();
    for (const name of ['ab', '-starts-with-hyphen', '_underscore-first', 'has.dot', 'has space', 'x'.repeat(129)]) {
      const error = await rejection(msi.userAssignedIdentities.createOrUpdate('rg-web', name, { location: 'eastus' }));
      assert.equal(error.statusCode, 400, name);
      assert.equal(error.code, 'InvalidResourceName', name);
    }
    assert.deepEqual(fake().getState(), before);
    await msi.userAssignedIdentities.createOrUpdate('rg-web', `9${'x'.repeat(127)}`, { location: 'eastus' });
    assert.equal(fake().getState().userAssignedIdentities.length, before.userAssignedIdentities.length + 1);
  });

  it('answers 404 ResourceGroupNotFound for a group that does not exist', async () => {
    const error = await rejection(clientsFor(fake()).msi.userAssignedIdentities.createOrUpdate('rg-ghost', 'id-x', { location: 'eastus' }));
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'ResourceGroupNotFound');
    assert.equal(error.message, "Resource group 'rg-ghost' could not be found.");
  });

  it('deletes an identity (200, then 204) and its service principal', async () => {
    const { msi } = clientsFor(fake());
    const principalId = demo.seed.userAssignedIdentities.find((u) => u.name === 'id-monitor')!.principalId;
    assert.ok(fake().getState().servicePrincipals.some((s) => s.id === principalId));
    await msi.userAssignedIdentities.delete('rg-data', 'id-monitor');
    await msi.userAssignedIdentities.delete('rg-data', 'id-monitor');
    const state = fake().getState();
    assert.equal(state.userAssignedIdentities.find((u) => u.name === 'id-monitor'), undefined);
    assert.equal(state.servicePrincipals.find((s) => s.id === principalId), undefined);
    assert.deepEqual(fake().requests().filter((r) => r.method === 'DELETE').map((r) => r.status), [200, 204]);
  });

  it('creates a resource group', async () => {
    const { resources } = clientsFor(fake());
    const group = await resources.resourceGroups.createOrUpdate('rg-new', { location: 'northeurope' });
    assert.equal(group.name, 'rg-new');
    assert.ok(fake().getState().resourceGroups.some((g) => g.name === 'rg-new' && g.location === 'northeurope'));
    await clientsFor(fake()).msi.userAssignedIdentities.createOrUpdate('rg-new', 'id-in-new-group', { location: 'northeurope' });
    assert.ok(fake().getState().userAssignedIdentities.some((u) => u.id === uaiId(demo.production, 'rg-new', 'id-in-new-group')));
  });
});

describe('fake Azure role-based authorization', () => {
  const fake = useFakeAzure();

  it('lets a Reader read but answers a write with 403 AuthorizationFailed worded as Azure words it', async () => {
    const { compute, msi } = clientsFor(fake(), demo.reader);
    assert.equal((await collect(compute.virtualMachines.listAll())).length, 9);
    const before = fake().getState();
    const error = await rejection(compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } }));
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'AuthorizationFailed');
    const vmId = `/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
    assert.equal(error.message,
      `The client '${demo.reader.appId}' with object id '${demo.reader.id}' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/write' over scope '${vmId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    const create = await rejection(msi.userAssignedIdentities.createOrUpdate('rg-web', 'id-by-reader', { location: 'eastus' }));
    assert.equal(create.code, 'AuthorizationFailed');
    assert.match(create.message, /Microsoft\.ManagedIdentity\/userAssignedIdentities\/write/);
    assert.deepEqual(fake().getState(), before);
  });

  it('lets a Virtual Machine Contributor enable the system identity but not assign a user-assigned one (LinkedAuthorizationFailed)', async () => {
    const { compute } = clientsFor(fake(), demo.vmContributor);
    const on = await compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } });
    assert.equal(on.identity?.type, 'SystemAssigned');
    const before = fake().getState();
    const backend = uaiId(demo.production, 'rg-web', 'id-backend');
    const error = await rejection(compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [backend]: {} } } }));
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'LinkedAuthorizationFailed');
    assert.match(error.message, new RegExp(`^The client '${demo.vmContributor.appId}' with object id '${demo.vmContributor.id}' has permission to perform action 'Microsoft\\.Compute/virtualMachines/write' on scope '[^']+vm-web-01'; however, it does not have permission to perform action\\(s\\) 'Microsoft\\.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope\\(s\\) '${backend.replace(/\./g, '\\.')}'`));
    assert.deepEqual(fake().getState(), before);
  });

  it('lets a Managed Identity Operator at one identity assign exactly that identity', async () => {
    const storage = uaiId(demo.production, 'rg-web', 'id-storage');
    const seeded = structuredClone(demo.seed);
    seeded.roleAssignments.push({ principalId: demo.vmContributor.id, roleDefinitionName: 'Managed Identity Operator', scope: storage });
    const custom = await startFakeAzureForTests({ seed: seeded });
    try {
      const { compute } = clientsFor(custom, demo.vmContributor);
      await compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'UserAssigned', userAssignedIdentities: { [storage]: {} } } });
      assert.deepEqual(Object.keys(custom.getState().virtualMachines.find((v) => v.name === 'vm-web-01')!.identity.userAssignedIdentities), [storage]);
    } finally {
      await custom.stop();
    }
  });

  it('filters lists by the caller\'s roles below the list scope, and refuses callers with none', async () => {
    const seeded = structuredClone(demo.seed);
    seeded.roleAssignments = [{ principalId: demo.reader.id, roleDefinitionName: 'Reader', scope: `/subscriptions/${demo.production}/resourceGroups/rg-data` }];
    const custom = await startFakeAzureForTests({ seed: seeded });
    try {
      const vms = await collect(clientsFor(custom, demo.reader).compute.virtualMachines.listAll());
      assert.deepEqual(vms.map((v) => v.name).sort(), ['vm-data-01', 'vm-data-02', 'vm-data-03', 'vm-flex-data-01', 'vm-flex-data-02']);
      const subs = await collect(clientsFor(custom, demo.reader).subscriptions.subscriptions.list());
      assert.deepEqual(subs.map((s) => s.subscriptionId), [demo.production]);
      const error = await rejection(collect(clientsFor(custom, demo.admin).compute.virtualMachines.listAll()));
      assert.equal(error.code, 'AuthorizationFailed');
    } finally {
      await custom.stop();
    }
  });

  it('lists the caller\'s permissions at a scope', async () => {
    const readerPermissions = await collect(clientsFor(fake(), demo.reader).authorization.permissions.listForResourceGroup('rg-web'));
    assert.deepEqual(readerPermissions.map((p) => p.actions), [['*/read']]);
    const vmPermissions = await collect(clientsFor(fake(), demo.vmContributor).authorization.permissions.listForResource('rg-web', 'Microsoft.Compute', '', 'virtualMachines', 'vm-web-01'));
    assert.ok(vmPermissions[0]?.actions?.includes('Microsoft.Compute/virtualMachines/*'));
    assert.ok(!vmPermissions.some((p) => p.actions?.some((a) => a.includes('assign'))));
  });
});
