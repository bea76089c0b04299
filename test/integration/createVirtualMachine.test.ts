// Creating a VM with managed identities through the operations module and the real SDK clients against the fake
// Azure. Each test checks the fake's state (and its request log) afterwards.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VM_IMAGES } from '../../src/identity/newVirtualMachine';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, ids, newVmRequest, rejectsWith, signInAs, startFake, stateVm, writes } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const subnetWeb = `/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/backend`;
const password = 'Integr4tion-Secret!';

const request = newVmRequest;

describe('create a virtual machine with managed identities', () => {
  it('lists the virtual networks with their subnets', async () => {
    const { ops } = signInAs(fake, demo.reader);
    const networks = await ops.listVirtualNetworks(demo.production);
    assert.deepEqual(
      networks.map((n) => [n.name, n.resourceGroup, n.location, n.subnets.map((s) => s.name)]),
      [
        ['vnet-data', 'rg-data', 'westeurope', ['default']],
        ['vnet-web', 'rg-web', 'eastus', ['backend', 'default']],
      ],
    );
  });

  it('creates a VM with a system-assigned identity and id-backend: state, service principal, NIC on the subnet', async () => {
    const { ops } = signInAs(fake);
    const progress: string[] = [];
    const created = await ops.createVirtualMachine(request(), { onProgress: (m) => progress.push(m) });
    assert.equal(created.identity.type, 'SystemAssigned, UserAssigned');
    assert.deepEqual(Object.keys(created.identity.userAssignedIdentities).map((k) => k.toLowerCase()), [ids.backend.toLowerCase()]);
    const stored = stateVm(fake, 'vm-new-01');
    assert.equal(stored.identity.type, 'SystemAssigned, UserAssigned');
    assert.ok(stored.identity.principalId);
    assert.equal(created.identity.principalId, stored.identity.principalId);
    assert.deepEqual(Object.keys(stored.identity.userAssignedIdentities), [ids.backend]);
    const sp = fake.getState().servicePrincipals.find((s) => s.id === stored.identity.principalId);
    assert.equal(sp?.servicePrincipalType, 'ManagedIdentity');
    assert.equal(stored.osType, 'Linux');
    const nic = (stored.extraProperties?.['networkProfile'] as any)?.networkInterfaceConfigurations?.[0];
    assert.equal(nic?.name, 'vm-new-01-nic');
    assert.equal(nic?.properties?.ipConfigurations?.[0]?.properties?.subnet?.id, subnetWeb);
    assert.deepEqual(writes(fake).map((w) => `${w.method} ${w.status}`), ['PUT 201']);
    assert.ok(progress.some((m) => m.includes("Creating 'vm-new-01' in 'rg-web'")), progress.join('|'));
  });

  it('never stores, logs or reports a Windows password', async () => {
    const { ops, logger } = signInAs(fake);
    await ops.createVirtualMachine(request({ name: 'vm-win-01', image: VM_IMAGES[2]!, adminUsername: 'azureadmin', credential: { kind: 'password', password } }));
    assert.equal(stateVm(fake, 'vm-win-01').osType, 'Windows');
    assert.ok(!JSON.stringify(fake.getState()).includes(password));
    assert.ok(!logger.lines.join('\n').includes(password));
    const raw = await fetch(`${fake.info.url}/_control/state`).then((r) => r.text());
    assert.ok(!raw.includes(password));
  });

  it('a VM contributor creating with a user-assigned identity is refused before anything is sent, naming Managed Identity Operator; no VM', async () => {
    const { ops } = signInAs(fake, demo.vmContributor);
    await rejectsWith(ops.createVirtualMachine(request({ systemAssigned: false })), (error) => {
      assert.equal(error.kind, 'authorization');
      assert.equal(error.code, 'MissingPermission');
      assert.equal(error.missingRole, 'Managed Identity Operator');
      assert.match(error.message, /Managed Identity Operator role on user-assigned identity 'id-backend' in resource group 'rg-web'/);
    });
    assert.deepEqual(writes(fake), [], 'no write was sent');
    assert.ok(!fake.getState().virtualMachines.some((v) => v.name === 'vm-new-01'));
  });

  it('a reader creating a VM is refused before anything is sent, naming Virtual Machine Contributor on the resource group', async () => {
    const { ops } = signInAs(fake, demo.reader);
    await rejectsWith(ops.createVirtualMachine(request({ userAssignedIdentityIds: [] })), (error) => {
      assert.equal(error.missingRole, 'Virtual Machine Contributor');
      assert.match(error.message, /^You need the Virtual Machine Contributor role on resource group 'rg-web' \(/);
    });
    assert.deepEqual(writes(fake), [], 'no write was sent');
  });

  it('refuses a name taken in the resource group: its one PUT (If-None-Match: *) gets 412 and changes nothing', async () => {
    const { ops } = signInAs(fake);
    const before = stateVm(fake, 'vm-web-01');
    await rejectsWith(ops.createVirtualMachine(request({ name: 'vm-web-01' })), (error) => {
      assert.equal(error.kind, 'invalid');
      assert.equal(error.code, 'VirtualMachineNameTaken');
      assert.match(error.message, /'vm-web-01' already exists in resource group 'rg-web'/);
    });
    assert.deepEqual(writes(fake).map((w) => `${w.method} ${w.status}`), ['PUT 412']);
    assert.deepEqual(stateVm(fake, 'vm-web-01'), before);
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'None');
  });

  it('refuses an invalid request before any request', async () => {
    const { ops } = signInAs(fake);
    await rejectsWith(ops.createVirtualMachine(request({ name: 'vm_bad-' })), (error) => assert.equal(error.kind, 'invalid'));
    await rejectsWith(ops.createVirtualMachine(request({ systemAssigned: false, userAssignedIdentityIds: [] })), (error) =>
      assert.match(error.message, /at least one identity/),
    );
    assert.deepEqual(fake.requests().filter((r) => !r.path.startsWith('/login')), []);
  });

  it('a subnet in another region is refused by Azure with its reason, and nothing is created', async () => {
    const { ops } = signInAs(fake);
    const dataSubnet = `/subscriptions/${demo.production}/resourceGroups/rg-data/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/default`;
    await rejectsWith(ops.createVirtualMachine(request({ subnetId: dataSubnet })), (error) => {
      assert.equal(error.kind, 'invalid');
      assert.equal(error.code, 'InvalidResourceReference');
      assert.match(error.message, /referenced by resource .* was not found.*same region/);
    });
    assert.ok(!fake.getState().virtualMachines.some((v) => v.name === 'vm-new-01'));
  });

  it('cancelling before the PUT sends nothing', async () => {
    const { ops } = signInAs(fake);
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(ops.createVirtualMachine(request(), { signal: controller.signal }), (error) => assert.equal(error.kind, 'cancelled'));
    assert.deepEqual(writes(fake), []);
  });
});

describe('create a virtual machine on a subnet the caller cannot join', () => {
  // sp-vm-contributor may write VMs only in rg-web (and read everywhere): vnet-data's subnet is a linked scope it cannot join.
  let restricted: RunningFakeAzure;
  before(async () => {
    const seed = structuredClone(demo.seed);
    seed.roleAssignments = [
      ...seed.roleAssignments.filter((ra) => ra.principalId !== demo.vmContributor.id),
      { principalId: demo.vmContributor.id, roleDefinitionName: 'Virtual Machine Contributor', scope: `/subscriptions/${demo.production}/resourceGroups/rg-web` },
      { principalId: demo.vmContributor.id, roleDefinitionName: 'Reader', scope: `/subscriptions/${demo.production}` },
    ];
    restricted = await startFake({ seed });
  });
  after(async () => restricted.stop());

  it('names Network Contributor and the subnet as network/subnet, and creates nothing', async () => {
    const { ops } = signInAs(restricted, demo.vmContributor);
    const dataSubnet = `/subscriptions/${demo.production}/resourceGroups/rg-data/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/default`;
    await rejectsWith(ops.createVirtualMachine(request({ location: 'westeurope', subnetId: dataSubnet, userAssignedIdentityIds: [] })), (error) => {
      assert.equal(error.kind, 'linkedAuthorization');
      assert.equal(error.missingRole, 'Network Contributor');
      assert.match(error.message, /^You need the Network Contributor role on subnet 'default' of virtual network 'vnet-data' in resource group 'rg-data' \(Microsoft\.Network\/virtualNetworks\/subnets\/join\/action was refused\)\. Ask an owner of the virtual network/);
    });
    assert.ok(!restricted.getState().virtualMachines.some((v) => v.name === 'vm-new-01'));
  });
});
