// ARM's generic resource routes against the demo seed, through the real @azure/arm-resources client: lists by
// subscription and resource group with $filter and paging, GET by id, and who may see what.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFakeAzureForTests } from '../testing';
import { armToken, clientsFor, collect, demo, rawFetch, rejection, useFakeAzure } from './sdk';

const storageType = 'Microsoft.Storage/storageAccounts';
const prodStorage = `/subscriptions/${demo.production}/resourceGroups/rg-data/providers/${storageType}/stcontosodata01`;

describe('generic resources (Microsoft.Resources resources list and get by id)', () => {
  const fake = useFakeAzure();

  it('lists every resource of a subscription: VMs, identities, networks, storage accounts, vaults and registries', async () => {
    const { resources } = clientsFor(fake());
    const listed = await collect(resources.resources.list());
    const names = listed.map((r) => `${r.type}/${r.name}`).sort();
    for (const expected of [
      'Microsoft.Compute/virtualMachines/vm-web-02',
      'Microsoft.ManagedIdentity/userAssignedIdentities/id-backend',
      'Microsoft.Network/virtualNetworks/vnet-data',
      `${storageType}/stcontosoweb01`,
      `${storageType}/stcontosodata01`,
      'Microsoft.KeyVault/vaults/kv-contoso-prod',
      'Microsoft.ContainerRegistry/registries/crcontosoweb',
    ]) assert.ok(names.includes(expected), `${expected} is listed`);
    assert.ok(!names.some((n) => n.endsWith('/stcontosodev01') || n.endsWith('/vm-dev-01')), 'nothing of the other subscription');
    // 9 VMs, 3 scale sets, 3 identities, 2 networks, 2 storage accounts, a vault and a registry.
    assert.equal(listed.length, 21, 'every production resource once (with three scale sets and two Flexible instances)');
  });

  it('shows a VM identity in the list as ARM does', async () => {
    const listed = await collect(clientsFor(fake()).resources.resources.list({ filter: "resourceType eq 'Microsoft.Compute/virtualMachines'" }));
    const vm = listed.find((r) => r.name === 'vm-web-02')!;
    assert.equal(vm.identity?.type, 'SystemAssigned');
    assert.equal(vm.identity?.principalId, 'b5a00000-0000-4000-8000-000000000001');
    assert.equal(listed.find((r) => r.name === 'vm-web-01')!.identity, undefined);
  });

  it('filters on resourceType, substringof(name) and resourceGroup, with and/or', async () => {
    const { resources } = clientsFor(fake());
    const names = async (filter: string) => (await collect(resources.resources.list({ filter }))).map((r) => r.name).sort();
    assert.deepEqual(await names(`resourceType eq '${storageType}'`), ['stcontosodata01', 'stcontosoweb01']);
    assert.deepEqual(await names(`resourcetype EQ 'microsoft.storage/STORAGEACCOUNTS'`), ['stcontosodata01', 'stcontosoweb01']);
    assert.deepEqual(await names("substringof('contoso', name)"), ['crcontosoweb', 'kv-contoso-prod', 'stcontosodata01', 'stcontosoweb01']);
    assert.deepEqual(await names(`substringof('data', name) and resourceType eq '${storageType}'`), ['stcontosodata01']);
    assert.deepEqual(await names("resourceType eq 'Microsoft.KeyVault/vaults' or resourceType eq 'Microsoft.ContainerRegistry/registries'"), ['crcontosoweb', 'kv-contoso-prod']);
    assert.deepEqual(await names(`resourceGroup eq 'rg-data' and resourceType ne 'Microsoft.Compute/virtualMachines'`), ['id-monitor', 'kv-contoso-prod', 'stcontosodata01', 'vmss-data-flex', 'vnet-data']);
    assert.deepEqual(await names("substringof('it''s', name)"), []);
  });

  it('refuses a filter it cannot read with 400', async () => {
    const response = await rawFetch(fake(), `/subscriptions/${demo.production}/resources?api-version=2021-04-01&$filter=${encodeURIComponent("tagName eq 'env'")}`, { token: await armToken(fake()) });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'InvalidFilterInQueryString');
    assert.match(response.body.error.message, /tagName/);
  });

  it('lists a resource group, and answers 404 for one that does not exist', async () => {
    const { resources } = clientsFor(fake(), demo.admin, demo.development);
    const listed = await collect(resources.resources.listByResourceGroup('rg-dev'));
    assert.deepEqual(listed.map((r) => r.name).sort(), ['crcontosodev', 'kv-contoso-dev', 'stcontosodev01', 'vm-dev-01', 'vm-dev-02', 'vm-dev-03', 'vm-flex-dev-01', 'vmss-dev-flex', 'vnet-dev']);
    const error = await rejection(collect(resources.resources.listByResourceGroup('rg-nope')));
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'ResourceGroupNotFound');
  });

  it('gets a storage account, a vault and a registry by id with the generic api-version and the provider\'s own', async () => {
    const { resources } = clientsFor(fake());
    const account = await resources.resources.getById(prodStorage, '2021-04-01');
    assert.equal(account.id, prodStorage);
    assert.equal(account.kind, 'StorageV2');
    assert.equal(account.sku?.name, 'Standard_GRS');
    assert.equal(account.location, 'westeurope');
    const own = await rawFetch(fake(), `${prodStorage}?api-version=2023-05-01`, { token: await armToken(fake()) });
    assert.equal(own.status, 200);
    assert.deepEqual(own.body, JSON.parse(JSON.stringify(account)));
    const vault = await resources.resources.getById(`/subscriptions/${demo.production}/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-contoso-prod`, '2021-04-01');
    assert.equal((vault.properties as { enableRbacAuthorization?: boolean }).enableRbacAuthorization, true);
    const registry = await resources.resources.getById(`/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.ContainerRegistry/registries/crcontosoweb`, '2021-04-01');
    assert.equal(registry.type, 'Microsoft.ContainerRegistry/registries');
    const vm = await resources.resources.getById(`/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-02`, '2021-04-01');
    assert.equal(vm.identity?.principalId, 'b5a00000-0000-4000-8000-000000000001');
    const missing = await rejection(resources.resources.getById(prodStorage.replace('stcontosodata01', 'stnope'), '2021-04-01'));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'ResourceNotFound');
  });

  it('lists only what the caller may read, and refuses it the rest', async () => {
    const { resources } = clientsFor(fake(), demo.vmContributor);
    const types = new Set((await collect(resources.resources.list())).map((r) => r.type));
    // Virtual Machine Contributor reads VMs, scale sets and networks, not storage, vaults, registries or identities.
    assert.deepEqual([...types].sort(), ['Microsoft.Compute/virtualMachineScaleSets', 'Microsoft.Compute/virtualMachines', 'Microsoft.Network/virtualNetworks']);
    const error = await rejection(resources.resources.getById(prodStorage, '2021-04-01'));
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'AuthorizationFailed');
    assert.match(error.message, /'Microsoft\.Storage\/storageAccounts\/read' over scope '\/subscriptions\/c0ffee00-0000-4000-8000-000000000001\/resourceGroups\/rg-data\/providers\/Microsoft\.Storage\/storageAccounts\/stcontosodata01'/);
  });
});

describe('generic resource lists page with nextLink', () => {
  it('follows nextLink to the same items', async () => {
    const paged = await startFakeAzureForTests({ pageSize: 2 });
    try {
      const first = await rawFetch(paged, `/subscriptions/${demo.production}/resources?api-version=2021-04-01`, { token: await armToken(paged) });
      assert.equal(first.body.value.length, 2);
      assert.match(first.body.nextLink, /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+(\$|%24)skiptoken=2/);
      const all = await collect(clientsFor(paged).resources.resources.list());
      const unpaged = await startFakeAzureForTests();
      try {
        const once = await collect(clientsFor(unpaged).resources.resources.list());
        assert.deepEqual(all.map((r) => r.id), once.map((r) => r.id));
      } finally {
        await unpaged.stop();
      }
    } finally {
      await paged.stop();
    }
  });
});
