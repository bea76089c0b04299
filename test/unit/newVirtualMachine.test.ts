// The new-VM rules and the pure builders of the identity block and the complete PUT body.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createVirtualMachineProblem,
  describeNewVmIdentity,
  newVmIdentity,
  validateAdminUsername,
  validateSshPublicKey,
  validateWindowsPassword,
  virtualMachineBody,
  VM_IMAGES,
  type CreateVirtualMachineRequest,
} from '../../src/identity/newVirtualMachine';
import { validateVirtualMachineName } from '../../src/identity/nameRules';
import { networksIn } from '../../src/commands/createVirtualMachine/networks';

const sub = 'c0ffee00-0000-4000-8000-000000000001';
const backend = `/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend`;
const storage = `/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage`;
const subnet = `/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/default`;
const sshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2bW9ja2tleWZvcnRlc3RzMTIzNDU2Nzg5MA== me@laptop';
const ubuntu = VM_IMAGES.find((i) => i.label.startsWith('Ubuntu'))!;
const windows = VM_IMAGES.find((i) => i.osType === 'Windows')!;

function request(overrides: Partial<CreateVirtualMachineRequest> = {}): CreateVirtualMachineRequest {
  return {
    subscriptionId: sub,
    resourceGroup: 'rg-web',
    name: 'vm-app-01',
    location: 'eastus',
    image: ubuntu,
    vmSize: 'Standard_B2s',
    adminUsername: 'azureuser',
    credential: { kind: 'sshPublicKey', publicKey: `${sshKey}\n` },
    subnetId: subnet,
    systemAssigned: true,
    userAssignedIdentityIds: [],
    ...overrides,
  };
}

/** Every new VM's OS disk: managed, StandardSSD_LRS, from the image, deleted with the VM. */
const managedOsDisk = { createOption: 'FromImage', deleteOption: 'Delete', managedDisk: { storageAccountType: 'StandardSSD_LRS' } };

const network = {
  networkApiVersion: '2020-11-01',
  networkInterfaceConfigurations: [
    {
      name: 'vm-app-01-nic',
      properties: { primary: true, deleteOption: 'Delete', ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: subnet } } }] },
    },
  ],
};

describe('new VM identity block', () => {
  it('covers the four combinations with ARM types and a dictionary of empty objects', () => {
    assert.deepEqual(newVmIdentity(true, []), { type: 'SystemAssigned' });
    assert.deepEqual(newVmIdentity(false, [backend]), { type: 'UserAssigned', userAssignedIdentities: { [backend]: {} } });
    assert.deepEqual(newVmIdentity(true, [backend, storage]), { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [backend]: {}, [storage]: {} } });
    assert.deepEqual(newVmIdentity(false, []), { type: 'None' });
  });

  it('sends an id given twice in different casing once', () => {
    assert.deepEqual(newVmIdentity(false, [backend, backend.toUpperCase()]), { type: 'UserAssigned', userAssignedIdentities: { [backend]: {} } });
  });

  it('describes the identities for the notification', () => {
    assert.equal(describeNewVmIdentity(true, ['id-backend']), "a system-assigned identity and the user-assigned 'id-backend'");
    assert.equal(describeNewVmIdentity(true, []), 'a system-assigned identity');
    assert.equal(describeNewVmIdentity(false, ['id-backend', 'id-storage']), "the user-assigned 'id-backend', 'id-storage'");
  });
});

describe('new VM body', () => {
  it('is complete for Linux with an SSH key and a system-assigned identity', () => {
    assert.deepEqual(virtualMachineBody(request()), {
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
      properties: {
        hardwareProfile: { vmSize: 'Standard_B2s' },
        storageProfile: {
          imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
          osDisk: managedOsDisk,
        },
        osProfile: {
          computerName: 'vm-app-01',
          adminUsername: 'azureuser',
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: sshKey }] },
          },
        },
        networkProfile: network,
      },
    });
  });

  it('is complete for Windows with a password and system + user-assigned identities', () => {
    const body = virtualMachineBody(
      request({ image: windows, name: 'vm-app-01', adminUsername: 'azureadmin', credential: { kind: 'password', password: 'Correct-Horse-9' }, userAssignedIdentityIds: [backend] }),
    );
    assert.deepEqual(body, {
      location: 'eastus',
      identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [backend]: {} } },
      properties: {
        hardwareProfile: { vmSize: 'Standard_B2s' },
        storageProfile: {
          imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' },
          osDisk: managedOsDisk,
        },
        osProfile: {
          computerName: 'vm-app-01',
          adminUsername: 'azureadmin',
          adminPassword: 'Correct-Horse-9',
          windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
        },
        networkProfile: network,
      },
    });
  });

  it('carries only user-assigned identities when the system one is not asked for (Debian image)', () => {
    const debian = VM_IMAGES.find((i) => i.label === 'Debian 12')!;
    const body = virtualMachineBody(request({ image: debian, systemAssigned: false, userAssignedIdentityIds: [backend, storage] }));
    assert.deepEqual(body.identity, { type: 'UserAssigned', userAssignedIdentities: { [backend]: {}, [storage]: {} } });
    assert.deepEqual(body.properties.storageProfile.imageReference, { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: 'latest' });
  });
});

describe('new VM rules', () => {
  it('VM names follow ARM and computer-name rules', () => {
    for (const good of ['vm-1', 'a', 'VM.web.01', 'x'.repeat(64)]) assert.equal(validateVirtualMachineName(good, 'Linux'), undefined, good);
    for (const bad of ['', 'x'.repeat(65), '_vm', 'vm-', 'vm.', 'vm web', 'vm/1', 'vm_1']) assert.ok(validateVirtualMachineName(bad, 'Linux'), bad);
    assert.match(validateVirtualMachineName('vm web', 'Linux')!, /not space/);
    assert.equal(validateVirtualMachineName('vm-win-01234567', 'Windows'), undefined);
    assert.match(validateVirtualMachineName('vm-win-012345678', 'Windows')!, /at most 15/);
    assert.match(validateVirtualMachineName('12345', 'Windows')!, /only of digits/);
    assert.match(validateVirtualMachineName('vm.win', 'Windows')!, /period/);
  });

  it('Windows passwords: 12 to 123 characters, three of four classes, never echoed', () => {
    assert.equal(validateWindowsPassword('Correct-Horse-9'), undefined);
    assert.equal(validateWindowsPassword('correcthorse9!'), undefined);
    for (const bad of ['Sh0rt!', 'alllowercaseletters', 'lowercase1234', 'x'.repeat(124) + 'A1']) {
      const problem = validateWindowsPassword(bad);
      assert.ok(problem, bad);
      assert.ok(!problem.includes(bad), 'the message must not repeat the password');
    }
  });

  it('admin user names and SSH keys', () => {
    assert.equal(validateAdminUsername('azureuser', 'Linux'), undefined);
    assert.match(validateAdminUsername('admin', 'Linux')!, /does not allow 'admin'/);
    assert.match(validateAdminUsername('Administrator', 'Windows')!, /does not allow/);
    assert.match(validateAdminUsername('x'.repeat(21), 'Windows')!, /at most 20/);
    assert.ok(validateAdminUsername('1user', 'Linux'));
    assert.equal(validateSshPublicKey(sshKey), undefined);
    assert.ok(validateSshPublicKey('-----BEGIN OPENSSH PRIVATE KEY-----'));
  });

  it('a request needs at least one identity and the credential its OS uses', () => {
    assert.equal(createVirtualMachineProblem(request()), undefined);
    assert.match(createVirtualMachineProblem(request({ systemAssigned: false }))!, /at least one identity/);
    assert.match(createVirtualMachineProblem(request({ image: windows }))!, /needs an administrator password/);
    assert.match(createVirtualMachineProblem(request({ subnetId: '' }))!, /subnet/);
  });
});

describe('networks offered for a new VM', () => {
  it('are those in its region (spelled either way) that have a subnet', () => {
    const net = (name: string, location: string, subnets: number) => ({
      id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`,
      name,
      resourceGroup: 'rg',
      location,
      subnets: Array.from({ length: subnets }, (_, i) => ({ id: `x/subnets/s${i}`, name: `s${i}` })),
    });
    const all = [net('a', 'eastus', 1), net('b', 'westeurope', 1), net('c', 'eastus', 0), net('d', 'East US', 2)];
    assert.deepEqual(networksIn(all, 'eastus').map((n) => n.name), ['a', 'd']);
    assert.deepEqual(networksIn(all, 'northeurope'), []);
  });
});
