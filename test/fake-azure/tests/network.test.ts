// Virtual networks and a VM create's subnet reference, through raw REST (lists) and the real Compute SDK (the PUT).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { armToken, clientsFor, demo, rawFetch, rejection, uaiId, useFakeAzure } from './sdk';

const vnetWeb = `/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web`;
const subnetWeb = `${vnetWeb}/subnets/default`;

/** A complete create body in the Compute SDK's (flattened) model, as the extension sends it. */
function newVm(location: string, subnetId: string, identity: { type: string; userAssignedIdentities?: Record<string, object> }) {
  return {
    location,
    identity,
    hardwareProfile: { vmSize: 'Standard_B2s' },
    storageProfile: {
      imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' },
      osDisk: { createOption: 'FromImage', deleteOption: 'Delete', managedDisk: { storageAccountType: 'StandardSSD_LRS' } },
    },
    osProfile: { computerName: 'vm-new', adminUsername: 'azureadmin', adminPassword: 'Sup3r-Secret-Pa55!', windowsConfiguration: { provisionVMAgent: true } },
    networkProfile: {
      networkApiVersion: '2020-11-01',
      networkInterfaceConfigurations: [{ name: 'vm-new-nic', primary: true, deleteOption: 'Delete', ipConfigurations: [{ name: 'ipconfig1', subnet: { id: subnetId } }] }],
    },
  } as any;
}

describe('fake Azure virtual networks', () => {
  const fake = useFakeAzure();

  it('lists the subscription\'s networks with their subnets, and a resource group\'s alone', async () => {
    const token = await armToken(fake(), demo.reader);
    const all = await rawFetch(fake(), `/subscriptions/${demo.production}/providers/Microsoft.Network/virtualNetworks?api-version=2024-05-01`, { token });
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.value.map((n: any) => [n.name, n.location, n.properties.subnets.map((s: any) => s.name)]), [
      ['vnet-web', 'eastus', ['default', 'backend']],
      ['vnet-data', 'westeurope', ['default']],
    ]);
    assert.equal(all.body.value[0].properties.subnets[0].id, subnetWeb);
    assert.equal(all.body.value[0].properties.subnets[0].properties.addressPrefix, '10.1.0.0/24');
    const group = await rawFetch(fake(), `/subscriptions/${demo.production}/resourceGroups/rg-data/providers/Microsoft.Network/virtualNetworks?api-version=2024-05-01`, { token });
    assert.deepEqual(group.body.value.map((n: any) => n.name), ['vnet-data']);
    const one = await rawFetch(fake(), `/subscriptions/${demo.development}/resourceGroups/rg-dev/providers/Microsoft.Network/virtualNetworks/vnet-dev?api-version=2024-05-01`, { token });
    assert.equal(one.body.id, `/subscriptions/${demo.development}/resourceGroups/rg-dev/providers/Microsoft.Network/virtualNetworks/vnet-dev`);
  });

  it('creates a VM whose NIC joins an existing subnet, storing no password', async () => {
    const { compute } = clientsFor(fake());
    const created = await compute.virtualMachines
      .createOrUpdate('rg-web', 'vm-new', newVm('eastus', subnetWeb, { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uaiId(demo.production, 'rg-web', 'id-backend')]: {} } }), { ifNoneMatch: '*', updateIntervalInMs: 10 })
      .pollUntilDone();
    assert.equal(created.osProfile?.adminPassword, undefined);
    const nic = created.networkProfile?.networkInterfaceConfigurations?.[0] as { ipConfigurations?: { subnet?: { id?: string } }[] } | undefined;
    assert.equal(nic?.ipConfigurations?.[0]?.subnet?.id, subnetWeb);
    const stored = fake().getState().virtualMachines.find((v) => v.name === 'vm-new')!;
    assert.equal(stored.osType, 'Windows');
    assert.equal(stored.identity.type, 'SystemAssigned, UserAssigned');
    assert.ok(!JSON.stringify(fake().getState()).includes('Sup3r-Secret-Pa55!'));
  });

  it('refuses a subnet that does not exist, or one in another region, with 400 InvalidResourceReference and creates nothing', async () => {
    const { compute } = clientsFor(fake());
    const before = fake().getState().virtualMachines.length;
    for (const [location, subnetId] of [['eastus', `${vnetWeb}/subnets/ghost`], ['westeurope', subnetWeb]] as const) {
      const error = await rejection(compute.virtualMachines.createOrUpdate('rg-web', 'vm-new', newVm(location, subnetId, { type: 'SystemAssigned' })).pollUntilDone());
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'InvalidResourceReference');
      assert.match(error.message, new RegExp(`^Resource ${subnetId} referenced by resource .*/networkInterfaces/vm-new-nic was not found\\.`));
    }
    assert.equal(fake().getState().virtualMachines.length, before);
  });

  it('lets Virtual Machine Contributor join a subnet (its role has subnets/join/action)', async () => {
    const { compute } = clientsFor(fake(), demo.vmContributor);
    await compute.virtualMachines.createOrUpdate('rg-web', 'vm-new', newVm('eastus', subnetWeb, { type: 'SystemAssigned' }), { updateIntervalInMs: 10 }).pollUntilDone();
    assert.ok(fake().getState().virtualMachines.some((v) => v.name === 'vm-new'));
  });
});

describe('fake Azure subnet join permission', () => {
  // sp-vm-contributor may write VMs only in rg-web: a subnet in rg-data is a linked scope it cannot join.
  const seed = structuredClone(demo.seed);
  seed.roleAssignments = [
    ...seed.roleAssignments.filter((ra) => ra.principalId !== demo.vmContributor.id),
    { principalId: demo.vmContributor.id, roleDefinitionName: 'Virtual Machine Contributor', scope: `/subscriptions/${demo.production}/resourceGroups/rg-web` },
    { principalId: demo.vmContributor.id, roleDefinitionName: 'Reader', scope: `/subscriptions/${demo.production}` },
  ];
  const fake = useFakeAzure({ seed });

  it('answers 403 LinkedAuthorizationFailed naming subnets/join/action and the subnet, and creates nothing', async () => {
    const dataSubnet = `/subscriptions/${demo.production}/resourceGroups/rg-data/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/default`;
    const { compute } = clientsFor(fake(), demo.vmContributor);
    const error = await rejection(compute.virtualMachines.createOrUpdate('rg-web', 'vm-new', newVm('westeurope', dataSubnet, { type: 'SystemAssigned' })).pollUntilDone());
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'LinkedAuthorizationFailed');
    assert.match(error.message, new RegExp(`action\\(s\\) 'Microsoft\\.Network/virtualNetworks/subnets/join/action' on the linked scope\\(s\\) '${dataSubnet}'`));
    assert.ok(!fake().getState().virtualMachines.some((v) => v.name === 'vm-new'));
  });
});
