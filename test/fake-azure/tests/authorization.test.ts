// Role assignments, role definitions and permissions (azure-wire-facts.md section 8) against the demo seed, through
// the real @azure/arm-authorization client where it can express the call and raw HTTPS where it cannot.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { isDataActionAllowed, isAllowed, permissionGrants } from '../rbac';
import { startFakeAzureForTests } from '../testing';
import { armToken, clientsFor, collect, demo, rawFetch, rejection, uaiId, useFakeAzure } from './sdk';

const prod = `/subscriptions/${demo.production}`;
const dev = `/subscriptions/${demo.development}`;
const rgData = `${prod}/resourceGroups/rg-data`;
const storageData = `${rgData}/providers/Microsoft.Storage/storageAccounts/stcontosodata01`;
const storageWeb = `${prod}/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/stcontosoweb01`;
const vaultProd = `${rgData}/providers/Microsoft.KeyVault/vaults/kv-contoso-prod`;
const storageDev = `${dev}/resourceGroups/rg-dev/providers/Microsoft.Storage/storageAccounts/stcontosodev01`;
const role = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  blobReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  blobContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  secretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  managedIdentityContributor: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
  custom: '6e1f3c2a-8b4d-4f5e-9a7c-0d2b4e6f8a10',
};
const vmWeb02Principal = 'b5a00000-0000-4000-8000-000000000001';
const idStoragePrincipal = 'a1d00000-0000-4000-8000-000000000002';
const roleId = (guid: string, subscription = demo.production) => `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const assignmentUrl = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`;

describe('role assignments', () => {
  const fake = useFakeAzure();

  it('creates, gets, lists and deletes an assignment on a storage account, in the one store RBAC reads', async () => {
    const { authorization } = clientsFor(fake());
    const name = randomUUID();
    const created = await authorization.roleAssignments.create(storageWeb, name, {
      roleDefinitionId: roleId(role.blobReader), principalId: vmWeb02Principal, principalType: 'ServicePrincipal',
    });
    assert.equal(created.id, `${storageWeb}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    assert.equal(created.scope, storageWeb);
    assert.equal(created.roleDefinitionId, roleId(role.blobReader));
    assert.equal(created.principalType, 'ServicePrincipal');
    assert.equal(created.createdBy, demo.admin.id);
    const stored = fake().getState().roleAssignments.find((ra) => ra.name === name);
    assert.deepEqual([stored?.roleDefinitionName, stored?.scope, stored?.principalId], ['Storage Blob Data Reader', storageWeb, vmWeb02Principal]);
    assert.equal((await authorization.roleAssignments.get(storageWeb, name)).principalId, vmWeb02Principal);
    const listed = await collect(authorization.roleAssignments.listForScope(storageWeb, { filter: `principalId eq '${vmWeb02Principal}'` }));
    assert.deepEqual(listed.map((ra) => ra.name), [name]);
    const deleted = await rawFetch(fake(), assignmentUrl(storageWeb, name), { method: 'DELETE', token: await armToken(fake()) });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.name, name);
    assert.equal(fake().getState().roleAssignments.some((ra) => ra.name === name), false);
    const again = await rawFetch(fake(), assignmentUrl(storageWeb, name), { method: 'DELETE', token: await armToken(fake()) });
    assert.equal(again.status, 204);
    const gone = await rejection(authorization.roleAssignments.get(storageWeb, name));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.code, 'RoleAssignmentNotFound');
  });

  it('serves the same assignment by its full id, with ids matched without regard to case', async () => {
    const token = await armToken(fake());
    const name = randomUUID();
    const put = await rawFetch(fake(), assignmentUrl(rgData.toLowerCase(), name), {
      method: 'PUT', token, body: { properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${role.reader}`, principalId: idStoragePrincipal, principalType: 'ServicePrincipal' } },
    });
    assert.equal(put.status, 201);
    assert.equal(put.body.properties.scope, rgData, 'stored with the casing of the resource group');
    const byId = await clientsFor(fake()).authorization.roleAssignments.getById(put.body.id);
    assert.equal(byId.name, name);
  });

  it('makes new assignments count for access: a Managed Identity Contributor may then create identities', async () => {
    const rgWeb = `${prod}/resourceGroups/rg-web`;
    const { msi } = clientsFor(fake(), demo.reader);
    const before = await rejection(msi.userAssignedIdentities.createOrUpdate('rg-web', 'id-new', { location: 'eastus' }));
    assert.equal(before.statusCode, 403);
    await clientsFor(fake()).authorization.roleAssignments.create(rgWeb, randomUUID(), {
      roleDefinitionId: roleId(role.managedIdentityContributor), principalId: demo.reader.id, principalType: 'ServicePrincipal',
    });
    assert.equal((await msi.userAssignedIdentities.createOrUpdate('rg-web', 'id-new', { location: 'eastus' })).name, 'id-new');
  });

  it('lists what applies at a scope: inherited from above and, without atScope(), assigned below', async () => {
    const { authorization } = clientsFor(fake());
    const at = async (scope: string, filter?: string) =>
      (await collect(authorization.roleAssignments.listForScope(scope, filter ? { filter } : {}))).map((ra) => `${ra.principalId}@${ra.scope}`).sort();
    const all = await at(rgData);
    assert.ok(all.includes(`${demo.admin.id}@${prod}`), 'the subscription Owner is inherited');
    assert.ok(all.includes(`${idStoragePrincipal}@${storageData}`), 'an assignment on a resource below is listed');
    assert.ok(all.includes(`${vmWeb02Principal}@${vaultProd}`));
    assert.ok(!all.some((a) => a.endsWith(dev) || a.includes('/rg-web')), 'nothing from beside or another subscription');
    const atScope = await at(rgData, 'atScope()');
    assert.ok(atScope.includes(`${demo.admin.id}@${prod}`));
    assert.ok(!atScope.some((a) => a.includes('/providers/')), 'atScope() leaves out what is below');
    const onAccount = await at(storageData, `principalId eq '${idStoragePrincipal}'`);
    assert.deepEqual(onAccount, [`${idStoragePrincipal}@${storageData}`]);
    const fromSubscription = await at(prod, `principalId eq '${idStoragePrincipal}'`);
    assert.deepEqual(fromSubscription, [`${idStoragePrincipal}@${storageData}`], 'a principal filter also reaches below');
  });

  it('answers assignedTo() with the groups the principal belongs to, and refuses undocumented combinations', async () => {
    const token = await armToken(fake());
    // vm-web-02's system identity is a member of sg-keyvault-readers (e6...02).
    const groupAssignment = randomUUID();
    const put = await rawFetch(fake(), assignmentUrl(storageData, groupAssignment), {
      method: 'PUT', token, body: { properties: { roleDefinitionId: roleId(role.blobReader), principalId: 'e6000000-0000-4000-8000-000000000002', principalType: 'Group' } },
    });
    assert.equal(put.status, 201);
    const list = async (filter: string) => {
      const response = await rawFetch(fake(), `${rgData}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(filter)}`, { token });
      return response;
    };
    const direct = await list(`principalId eq '${vmWeb02Principal}'`);
    assert.deepEqual(direct.body.value.map((ra: { properties: { scope: string } }) => ra.properties.scope), [vaultProd]);
    const assigned = await list(`assignedTo('${vmWeb02Principal}')`);
    assert.deepEqual(assigned.body.value.map((ra: { name: string }) => ra.name).sort(), [groupAssignment, direct.body.value[0].name].sort());
    const atScopeAssigned = await list(`atScope() and assignedTo('${vmWeb02Principal}')`);
    assert.equal(atScopeAssigned.status, 200);
    assert.deepEqual(atScopeAssigned.body.value, [], 'both are below the resource group');
    const combined = await list(`atScope() and principalId eq '${vmWeb02Principal}'`);
    assert.equal(combined.status, 400);
    assert.equal(combined.body.error.code, 'UnsupportedQuery');
  });

  it('refuses a duplicate with 409 RoleAssignmentExists, a changed name with 400, and a name that is not a GUID', async () => {
    const token = await armToken(fake());
    const body = { properties: { roleDefinitionId: roleId(role.blobContributor), principalId: idStoragePrincipal, principalType: 'ServicePrincipal' } };
    const seeded = fake().getState().roleAssignments.find((ra) => ra.principalId === idStoragePrincipal)!;
    const duplicate = await rawFetch(fake(), assignmentUrl(storageData, randomUUID()), { method: 'PUT', token, body });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error.code, 'RoleAssignmentExists');
    assert.equal(duplicate.body.error.message, `The role assignment already exists. The ID of the existing role assignment is ${seeded.name!.replace(/-/g, '')}.`);
    const sameAgain = await rawFetch(fake(), assignmentUrl(storageData, seeded.name!), { method: 'PUT', token, body });
    assert.equal(sameAgain.status, 200);
    const changed = await rawFetch(fake(), assignmentUrl(storageData, seeded.name!), { method: 'PUT', token, body: { properties: { ...body.properties, roleDefinitionId: roleId(role.blobReader) } } });
    assert.equal(changed.status, 400);
    assert.equal(changed.body.error.code, 'RoleAssignmentUpdateNotPermitted');
    const notGuid = await rawFetch(fake(), assignmentUrl(storageData, 'my-assignment'), { method: 'PUT', token, body });
    assert.equal(notGuid.status, 400);
    assert.equal(notGuid.body.error.code, 'InvalidRoleAssignmentId');
    const unknownRole = await rawFetch(fake(), assignmentUrl(storageData, randomUUID()), { method: 'PUT', token, body: { properties: { ...body.properties, roleDefinitionId: roleId(randomUUID()) } } });
    assert.equal(unknownRole.status, 400);
    assert.equal(unknownRole.body.error.code, 'RoleDefinitionDoesNotExist');
    assert.equal(fake().getState().roleAssignments.filter((ra) => ra.principalId === idStoragePrincipal).length, 1);
  });

  it('assigns the custom role only where it is assignable', async () => {
    const token = await armToken(fake());
    const body = { properties: { roleDefinitionId: roleId(role.custom), principalId: idStoragePrincipal, principalType: 'ServicePrincipal' } };
    const inProduction = await rawFetch(fake(), assignmentUrl(storageData, randomUUID()), { method: 'PUT', token, body });
    assert.equal(inProduction.status, 400);
    assert.equal(inProduction.body.error.code, 'RoleDefinitionDoesNotExist');
    const inDevelopment = await rawFetch(fake(), assignmentUrl(storageDev, randomUUID()), { method: 'PUT', token, body });
    assert.equal(inDevelopment.status, 201);
    assert.equal(inDevelopment.body.properties.roleDefinitionId, roleId(role.custom, demo.development));
  });

  it('answers 404 for a scope whose resource or resource group does not exist', async () => {
    const token = await armToken(fake());
    const body = { properties: { roleDefinitionId: roleId(role.reader), principalId: idStoragePrincipal, principalType: 'ServicePrincipal' } };
    const resource = await rawFetch(fake(), assignmentUrl(storageData.replace('stcontosodata01', 'stmissing'), randomUUID()), { method: 'PUT', token, body });
    assert.equal(resource.status, 404);
    assert.equal(resource.body.error.code, 'ResourceNotFound');
    const group = await rawFetch(fake(), assignmentUrl(`${prod}/resourceGroups/rg-missing`, randomUUID()), { method: 'PUT', token, body });
    assert.equal(group.status, 404);
    assert.equal(group.body.error.code, 'ResourceGroupNotFound');
  });

  it('refuses writes by the VM contributor and the reader with AuthorizationFailed, changing nothing', async () => {
    const before = fake().getState().roleAssignments;
    for (const who of [demo.vmContributor, demo.reader]) {
      const name = randomUUID();
      const error = await rejection(clientsFor(fake(), who).authorization.roleAssignments.create(storageWeb, name, {
        roleDefinitionId: roleId(role.blobReader), principalId: vmWeb02Principal, principalType: 'ServicePrincipal',
      }));
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, 'AuthorizationFailed');
      assert.equal(error.message,
        `The client '${who.appId}' with object id '${who.id}' does not have authorization or an ABAC condition not fulfilled to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${storageWeb}/providers/Microsoft.Authorization/roleAssignments/${name}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const seeded = before.find((ra) => ra.principalId === idStoragePrincipal)!;
    const deleteRefused = await rawFetch(fake(), assignmentUrl(storageData, seeded.name!), { method: 'DELETE', token: await armToken(fake(), demo.vmContributor) });
    assert.equal(deleteRefused.status, 403);
    assert.match(deleteRefused.body.error.message, /'Microsoft\.Authorization\/roleAssignments\/delete'/);
    assert.deepEqual(fake().getState().roleAssignments, before);
  });
});

describe('PrincipalNotFound while a new principal replicates', () => {
  it('refuses a principal younger than the replication delay, then accepts it', async () => {
    const fake = await startFakeAzureForTests({ principalReplicationSeconds: 2 });
    try {
      const { msi, authorization } = clientsFor(fake);
      const identity = await msi.userAssignedIdentities.createOrUpdate('rg-web', 'id-fresh', { location: 'eastus' });
      const createdAt = Date.now();
      const name = randomUUID();
      const assign = () => authorization.roleAssignments.create(storageWeb, name, {
        roleDefinitionId: roleId(role.blobReader), principalId: identity.principalId!, principalType: 'ServicePrincipal',
      });
      const error = await rejection(assign());
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'PrincipalNotFound');
      assert.ok(error.message.startsWith(`Principal ${identity.principalId!.replace(/-/g, '')} does not exist in the directory ${demo.tenantId}. `), error.message);
      assert.match(error.message, /replication delay/);
      assert.equal(fake.getState().roleAssignments.some((ra) => ra.name === name), false);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, createdAt + 2100 - Date.now())));
      assert.equal((await assign()).principalId, identity.principalId);
    } finally {
      await fake.stop();
    }
  });

  it('applies to a system-assigned identity just enabled, not to seeded ones; the delay can be changed and reset', async () => {
    const fake = await startFakeAzureForTests({ principalReplicationSeconds: 60 });
    try {
      const { compute, authorization } = clientsFor(fake);
      const vm = await compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } });
      const body = (principalId: string) => ({ roleDefinitionId: roleId(role.blobReader), principalId, principalType: 'ServicePrincipal' as const });
      const error = await rejection(authorization.roleAssignments.create(storageWeb, randomUUID(), body(vm.identity!.principalId!)));
      assert.equal(error.code, 'PrincipalNotFound');
      await authorization.roleAssignments.create(storageWeb, randomUUID(), body(vmWeb02Principal));
      const control = await fetch(`${fake.info.url}/_control/principal-replication`, { method: 'PUT', body: JSON.stringify({ seconds: 0 }) });
      assert.equal(control.status, 200);
      await authorization.roleAssignments.create(storageWeb, randomUUID(), body(vm.identity!.principalId!));
      const bad = await fetch(`${fake.info.url}/_control/principal-replication`, { method: 'PUT', body: JSON.stringify({ seconds: -1 }) });
      assert.equal(bad.status, 400);
      fake.reset();
      const again = await compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } });
      assert.equal((await rejection(authorization.roleAssignments.create(storageWeb, randomUUID(), body(again.identity!.principalId!)))).code, 'PrincipalNotFound',
        'reset() restores the started delay');
    } finally {
      await fake.stop();
    }
  });

  it('with no delay (the default) a new identity can be assigned at once; an unknown principal needs principalType', async () => {
    const fake = await startFakeAzureForTests();
    try {
      const { msi, authorization } = clientsFor(fake);
      const identity = await msi.userAssignedIdentities.createOrUpdate('rg-web', 'id-fresh', { location: 'eastus' });
      await authorization.roleAssignments.create(storageWeb, randomUUID(), { roleDefinitionId: roleId(role.blobReader), principalId: identity.principalId!, principalType: 'ServicePrincipal' });
      const token = await armToken(fake);
      const stranger = randomUUID();
      const untyped = await rawFetch(fake, assignmentUrl(storageWeb, randomUUID()), { method: 'PUT', token, body: { properties: { roleDefinitionId: roleId(role.reader), principalId: stranger } } });
      assert.equal(untyped.status, 400);
      assert.equal(untyped.body.error.code, 'PrincipalNotFound');
      const typed = await rawFetch(fake, assignmentUrl(storageWeb, randomUUID()), { method: 'PUT', token, body: { properties: { roleDefinitionId: roleId(role.reader), principalId: stranger, principalType: 'User' } } });
      assert.equal(typed.status, 201);
    } finally {
      await fake.stop();
    }
  });
});

describe('role definitions', () => {
  const fake = useFakeAzure();

  it('lists the built-in roles with their real GUIDs and actions, and the custom role only where it is assignable', async () => {
    const { authorization } = clientsFor(fake());
    const inProduction = await collect(authorization.roleDefinitions.list(prod));
    const byName = new Map(inProduction.map((r) => [r.roleName, r]));
    for (const [name, guid] of [
      ['Owner', role.owner], ['Reader', role.reader], ['Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'], ['Storage Blob Data Reader', role.blobReader],
      ['Storage Blob Data Contributor', role.blobContributor], ['Key Vault Secrets User', role.secretsUser], ['AcrPull', role.acrPull],
      ['User Access Administrator', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9'], ['Role Based Access Control Administrator', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'],
      ['Virtual Machine Contributor', '9980e02c-c2be-4d73-94e8-173b1dc7cf3c'], ['Managed Identity Operator', 'f1a07417-d97a-45cb-824c-7a7467783830'],
      ['Managed Identity Contributor', role.managedIdentityContributor], ['Key Vault Reader', '21090545-7ca7-4776-b22c-e363652d74d2'],
    ] as const) {
      const found = byName.get(name);
      assert.equal(found?.name, guid, name);
      assert.equal(found?.id, roleId(guid), name);
      assert.equal(found?.roleType, 'BuiltInRole');
      assert.deepEqual(found?.assignableScopes, ['/']);
    }
    assert.deepEqual(byName.get('Storage Blob Data Reader')!.permissions![0]!.dataActions, ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read']);
    assert.deepEqual(byName.get('Key Vault Secrets User')!.permissions![0]!.actions, []);
    assert.ok(byName.get('Contributor')!.permissions![0]!.notActions!.includes('Microsoft.Authorization/*/Write'));
    assert.equal(byName.has('Contoso Dev Blob Operator'), false);
    const inDevelopment = await collect(authorization.roleDefinitions.list(storageDev));
    const custom = inDevelopment.find((r) => r.roleName === 'Contoso Dev Blob Operator')!;
    assert.equal(custom.roleType, 'CustomRole');
    assert.deepEqual(custom.assignableScopes, [dev]);
    assert.equal(custom.id, roleId(role.custom, demo.development));
  });

  it('filters on roleName and type', async () => {
    const { authorization } = clientsFor(fake());
    const acrPull = await collect(authorization.roleDefinitions.list(dev, { filter: "roleName eq 'AcrPull'" }));
    assert.deepEqual(acrPull.map((r) => r.id), [roleId(role.acrPull, demo.development)]);
    const customInDev = await collect(authorization.roleDefinitions.list(dev, { filter: "type eq 'CustomRole'" }));
    assert.deepEqual(customInDev.map((r) => r.roleName), ['Contoso Dev Blob Operator']);
    assert.deepEqual(await collect(authorization.roleDefinitions.list(prod, { filter: "type eq 'CustomRole'" })), []);
    const builtIn = await collect(authorization.roleDefinitions.list(prod, { filter: "type eq 'BuiltInRole'" }));
    assert.ok(builtIn.length >= 16 && builtIn.every((r) => r.roleType === 'BuiltInRole'));
    const bad = await rawFetch(fake(), `${prod}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("description eq 'x'")}`, { token: await armToken(fake()) });
    assert.equal(bad.status, 400);
  });

  it('gets a role by GUID at a scope and by full id, and answers 404 for an unknown or unassignable one', async () => {
    const { authorization } = clientsFor(fake());
    assert.equal((await authorization.roleDefinitions.get(rgData, role.secretsUser)).roleName, 'Key Vault Secrets User');
    assert.equal((await authorization.roleDefinitions.getById(`/providers/Microsoft.Authorization/roleDefinitions/${role.acrPull}`)).roleName, 'AcrPull');
    assert.equal((await authorization.roleDefinitions.getById(roleId(role.custom, demo.development))).roleName, 'Contoso Dev Blob Operator');
    for (const [scope, guid] of [[prod, randomUUID()], [prod, role.custom]]) {
      const error = await rejection(authorization.roleDefinitions.get(scope!, guid!));
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, 'RoleDefinitionDoesNotExist');
    }
  });
});

describe('Microsoft.Authorization/permissions', () => {
  const fake = useFakeAzure();

  it('lists the caller\'s permission blocks with actions, notActions, dataActions and notDataActions', async () => {
    const { authorization } = clientsFor(fake(), demo.vmContributor);
    const blocks = await collect(authorization.permissions.listForResourceGroup('rg-web'));
    assert.equal(blocks.length, 1);
    assert.ok(blocks[0]!.actions!.includes('Microsoft.Compute/virtualMachines/*'));
    assert.deepEqual([blocks[0]!.notActions, blocks[0]!.dataActions, blocks[0]!.notDataActions], [[], [], []]);
    // Give the reader the custom role in development: its data actions come with it.
    await clientsFor(fake(), demo.admin, demo.development).authorization.roleAssignments.create(dev, randomUUID(), {
      roleDefinitionId: roleId(role.custom, demo.development), principalId: demo.reader.id, principalType: 'ServicePrincipal',
    });
    const readerBlocks = await collect(clientsFor(fake(), demo.reader, demo.development).authorization.permissions.listForResource('rg-dev', 'Microsoft.Storage', '', 'storageAccounts', 'stcontosodev01'));
    const customBlock = readerBlocks.find((b) => b.dataActions?.length)!;
    assert.deepEqual(customBlock.dataActions, ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*']);
    assert.deepEqual(customBlock.notDataActions, ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete']);
    const state = fake().getState();
    assert.equal(isDataActionAllowed(state, demo.reader.id, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', storageDev), true);
    assert.equal(isDataActionAllowed(state, demo.reader.id, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete', storageDev), false);
    assert.equal(isDataActionAllowed(state, demo.reader.id, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', storageData), false, 'not in production');
  });

  it('evaluates wildcards and notActions as Azure does: notActions subtract within a block, another role still grants', () => {
    const contributor = { actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'], dataActions: [], notDataActions: [] };
    assert.equal(permissionGrants(contributor, 'Microsoft.Compute/virtualMachines/write'), true);
    assert.equal(permissionGrants(contributor, 'microsoft.authorization/roleAssignments/WRITE'), false, 'case-insensitive, wildcard in the middle');
    assert.equal(permissionGrants(contributor, 'Microsoft.Authorization/roleAssignments/read'), true);
    assert.equal(permissionGrants(contributor, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', true), false, 'actions grant no data actions');
    const operator = { actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action'], notActions: [], dataActions: [], notDataActions: [] };
    assert.equal(permissionGrants(operator, 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'), true);
    assert.equal(permissionGrants(operator, 'Microsoft.ManagedIdentity/userAssignedIdentities/write'), false);
    const state = fake().getState();
    state.roleAssignments.push({ principalId: demo.vmContributor.id, roleDefinitionName: 'Contributor', scope: prod });
    assert.equal(isAllowed(state, demo.vmContributor.id, 'Microsoft.Authorization/roleAssignments/write', storageWeb), false);
    state.roleAssignments.push({ principalId: demo.vmContributor.id, roleDefinitionName: 'Role Based Access Control Administrator', scope: `${prod}/resourceGroups/rg-web` });
    assert.equal(isAllowed(state, demo.vmContributor.id, 'Microsoft.Authorization/roleAssignments/write', storageWeb), true, "Contributor's notActions do not deny");
    assert.equal(isAllowed(state, demo.vmContributor.id, 'Microsoft.Authorization/roleAssignments/write', storageData), false, 'only where the second role applies');
  });
});

describe('deleting a user-assigned identity', () => {
  const fake = useFakeAzure();

  it('leaves its role assignments orphaned and the VMs that use it unchanged', async () => {
    const storageId = uaiId(demo.production, 'rg-web', 'id-storage');
    const before = fake().getState();
    const { msi, authorization } = clientsFor(fake());
    const response = await rawFetch(fake(), `${storageId}?api-version=2024-11-30`, { method: 'DELETE', token: await armToken(fake()) });
    assert.equal(response.status, 200);
    const after = fake().getState();
    assert.equal(after.userAssignedIdentities.some((u) => u.name === 'id-storage'), false);
    assert.equal(after.servicePrincipals.some((sp) => sp.id === idStoragePrincipal), false, 'its service principal is gone');
    assert.deepEqual(after.roleAssignments, before.roleAssignments, 'its assignments stay, orphaned');
    const orphaned = await collect(authorization.roleAssignments.listForScope(prod, { filter: `principalId eq '${idStoragePrincipal}'` }));
    assert.deepEqual(orphaned.map((ra) => ra.scope), [storageData]);
    for (const vm of ['vm-web-03', 'vm-data-01']) {
      assert.deepEqual(after.virtualMachines.find((v) => v.name === vm)!.identity, before.virtualMachines.find((v) => v.name === vm)!.identity, `${vm} keeps the reference`);
    }
    const again = await rawFetch(fake(), `${storageId}?api-version=2024-11-30`, { method: 'DELETE', token: await armToken(fake()) });
    assert.equal(again.status, 204);
    assert.equal((await rejection(msi.userAssignedIdentities.get('rg-web', 'id-storage'))).statusCode, 404);
  });
});
