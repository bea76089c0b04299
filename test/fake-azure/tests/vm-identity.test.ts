// VM identity writes through the real compute SDK: the PATCH/PUT semantics of azure-wire-facts.md section 1,
// and the service principal lifecycle of the system-assigned identity, checked in the fake's state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineIdentity } from '@azure/arm-compute';
import type { FakeState } from '../types';
import { clientsFor, demo, rejection, uaiId, useFakeAzure } from './sdk';

const backend = uaiId(demo.production, 'rg-web', 'id-backend');
const storage = uaiId(demo.production, 'rg-web', 'id-storage');
const monitor = uaiId(demo.production, 'rg-data', 'id-monitor');

function stateVm(state: FakeState, name: string) {
  return state.virtualMachines.find((v) => v.name === name)!;
}

describe('fake Azure VM identity writes', () => {
  const fake = useFakeAzure();

  const patch = (resourceGroup: string, name: string, identity: VirtualMachineIdentity) =>
    clientsFor(fake()).compute.virtualMachines.update(resourceGroup, name, { identity });

  it('enables a system-assigned identity, creating its service principal with a new principalId', async () => {
    const vm = await patch('rg-web', 'vm-web-01', { type: 'SystemAssigned' });
    assert.equal(vm.identity?.type, 'SystemAssigned');
    assert.equal(vm.provisioningState, 'Succeeded');
    const state = fake().getState();
    const principalId = stateVm(state, 'vm-web-01').identity.principalId!;
    assert.equal(vm.identity?.principalId, principalId);
    const sp = state.servicePrincipals.find((s) => s.id === principalId);
    assert.equal(sp?.servicePrincipalType, 'ManagedIdentity');
    assert.equal(sp?.displayName, 'vm-web-01');
    assert.ok(sp?.alternativeNames.includes(stateVm(state, 'vm-web-01').id));
  });

  it('disables a system-assigned identity, deleting its service principal and group memberships; re-enabling gives a new one', async () => {
    const before = fake().getState();
    const oldId = stateVm(before, 'vm-web-02').identity.principalId!;
    assert.ok(before.groups.find((g) => g.displayName === 'sg-keyvault-readers')!.members.includes(oldId));
    const off = await patch('rg-web', 'vm-web-02', { type: 'None' });
    assert.equal(off.identity, undefined);
    const afterOff = fake().getState();
    assert.equal(stateVm(afterOff, 'vm-web-02').identity.type, 'None');
    assert.equal(stateVm(afterOff, 'vm-web-02').identity.principalId, undefined);
    assert.equal(afterOff.servicePrincipals.find((s) => s.id === oldId), undefined);
    assert.ok(afterOff.groups.every((g) => !g.members.includes(oldId)));
    const on = await patch('rg-web', 'vm-web-02', { type: 'SystemAssigned' });
    assert.ok(on.identity?.principalId);
    assert.notEqual(on.identity?.principalId, oldId);
    assert.ok(fake().getState().servicePrincipals.some((s) => s.id === on.identity?.principalId));
  });

  it('merges userAssignedIdentities: keys the PATCH does not name are kept', async () => {
    const vm = await patch('rg-web', 'vm-web-03', { type: 'UserAssigned', userAssignedIdentities: { [monitor]: {} } });
    assert.deepEqual(Object.keys(vm.identity?.userAssignedIdentities ?? {}).sort(), [backend, monitor, storage].sort());
    assert.deepEqual(Object.keys(stateVm(fake().getState(), 'vm-web-03').identity.userAssignedIdentities).sort(), [backend, monitor, storage].sort());
  });

  it('adds a user-assigned identity beside the system one with "SystemAssigned, UserAssigned", keeping the principal', async () => {
    const principalId = stateVm(fake().getState(), 'vm-web-02').identity.principalId;
    const vm = await patch('rg-web', 'vm-web-02', { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [backend]: {} } });
    assert.equal(vm.identity?.type, 'SystemAssigned, UserAssigned');
    assert.equal(vm.identity?.principalId, principalId);
    assert.deepEqual(Object.keys(stateVm(fake().getState(), 'vm-web-02').identity.userAssignedIdentities), [backend]);
  });

  it('removes one identity with a null value, matching the id without regard to case and keeping the stored casing', async () => {
    const vm = await patch('rg-data', 'vm-data-01', { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [storage.toLowerCase()]: null as never } });
    assert.deepEqual(Object.keys(vm.identity?.userAssignedIdentities ?? {}), [backend]);
    const state = stateVm(fake().getState(), 'vm-data-01');
    assert.deepEqual(Object.keys(state.identity.userAssignedIdentities), [backend]);
    assert.ok(state.identity.principalId, 'the system identity stays');
  });

  it('does not duplicate an identity named again in another casing', async () => {
    await patch('rg-web', 'vm-web-03', { type: 'UserAssigned', userAssignedIdentities: { [backend.toUpperCase()]: {} } });
    assert.deepEqual(Object.keys(stateVm(fake().getState(), 'vm-web-03').identity.userAssignedIdentities).sort(), [backend, storage].sort());
  });

  it('keeps user-assigned identities when the type changes without the dictionary', async () => {
    const vm = await clientsFor(fake(), demo.admin, demo.development).compute.virtualMachines.update('rg-dev', 'vm-dev-03', { identity: { type: 'SystemAssigned, UserAssigned' } });
    assert.equal(vm.identity?.type, 'SystemAssigned, UserAssigned');
    const state = stateVm(fake().getState(), 'vm-dev-03');
    assert.deepEqual(Object.keys(state.identity.userAssignedIdentities), [uaiId(demo.development, 'rg-identities', 'id-deploy')]);
    assert.ok(fake().getState().servicePrincipals.some((s) => s.id === state.identity.principalId));
  });

  it('drops user-assigned identities when the type becomes SystemAssigned', async () => {
    const vm = await patch('rg-data', 'vm-data-02', { type: 'SystemAssigned' });
    assert.equal(vm.identity?.type, 'SystemAssigned');
    assert.equal(vm.identity?.userAssignedIdentities, undefined);
    assert.deepEqual(stateVm(fake().getState(), 'vm-data-02').identity.userAssignedIdentities, {});
  });

  it('removes every identity with type None', async () => {
    const principalId = stateVm(fake().getState(), 'vm-web-04').identity.principalId!;
    await patch('rg-web', 'vm-web-04', { type: 'None' });
    const state = fake().getState();
    assert.deepEqual(stateVm(state, 'vm-web-04').identity, { type: 'None', userAssignedIdentities: {} });
    assert.equal(state.servicePrincipals.find((s) => s.id === principalId), undefined);
    assert.ok(state.userAssignedIdentities.some((u) => u.id === backend), 'the user-assigned identity itself is not deleted');
  });

  it('refuses invalid combinations with 400 InvalidParameter and changes nothing', async () => {
    const before = fake().getState();
    const cases: [string, string, VirtualMachineIdentity][] = [
      ['rg-data', 'vm-data-02', { type: 'UserAssigned', userAssignedIdentities: { [monitor]: null as never } }],
      ['rg-web', 'vm-web-04', { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [backend]: null as never } }],
      ['rg-web', 'vm-web-01', { type: 'UserAssigned' }],
      ['rg-web', 'vm-web-01', { type: 'None', userAssignedIdentities: { [backend]: {} } }],
      ['rg-web', 'vm-web-01', { type: 'SystemAssigned', userAssignedIdentities: { [backend]: {} } }],
      ['rg-web', 'vm-web-01', { type: 'Everything' as never }],
    ];
    for (const [group, name, identity] of cases) {
      const error = await rejection(patch(group, name, identity));
      assert.equal(error.statusCode, 400, JSON.stringify(identity));
      assert.equal(error.code, 'InvalidParameter', JSON.stringify(identity));
    }
    assert.deepEqual(fake().getState(), before);
  });

  it('refuses an identity id that does not exist with 400 FailedIdentityOperation and changes nothing', async () => {
    const before = fake().getState();
    const ghost = uaiId(demo.production, 'rg-web', 'id-ghost');
    const error = await rejection(patch('rg-web', 'vm-web-01', { type: 'UserAssigned', userAssignedIdentities: { [ghost]: {} } }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'FailedIdentityOperation');
    assert.ok(error.message.includes(`Resource '${ghost}' was not found.`));
    assert.deepEqual(fake().getState(), before);
  });

  it('answers a PATCH of a missing VM with 404 PatchResourceNotFound, and of a missing group with ResourceGroupNotFound', async () => {
    const missing = await rejection(patch('rg-web', 'vm-ghost', { type: 'SystemAssigned' }));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'PatchResourceNotFound');
    const noGroup = await rejection(patch('rg-ghost', 'vm-web-01', { type: 'SystemAssigned' }));
    assert.equal(noGroup.code, 'ResourceGroupNotFound');
  });

  it('creates a VM with identities by PUT (201, Creating, then Succeeded)', async () => {
    const { compute } = clientsFor(fake());
    const vm = await compute.virtualMachines.createOrUpdate('rg-web', 'vm-web-05', {
      location: 'eastus',
      hardwareProfile: { vmSize: 'Standard_B1s' },
      identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [storage]: {} } },
    });
    assert.equal(vm.provisioningState, 'Succeeded');
    const created = stateVm(fake().getState(), 'vm-web-05');
    assert.equal(created.vmSize, 'Standard_B1s');
    assert.equal(created.identity.type, 'SystemAssigned, UserAssigned');
    assert.deepEqual(Object.keys(created.identity.userAssignedIdentities), [storage]);
    assert.ok(fake().getState().servicePrincipals.some((s) => s.id === created.identity.principalId && s.displayName === 'vm-web-05'));
    assert.ok(fake().requests().some((r) => r.method === 'PUT' && r.status === 201 && r.path.endsWith('/vm-web-05')));
    // A PUT replaces the dictionary instead of merging it.
    await compute.virtualMachines.createOrUpdate('rg-web', 'vm-web-05', { location: 'eastus', identity: { type: 'UserAssigned', userAssignedIdentities: { [backend]: {} } } });
    const replaced = stateVm(fake().getState(), 'vm-web-05');
    assert.deepEqual(Object.keys(replaced.identity.userAssignedIdentities), [backend]);
    assert.equal(replaced.identity.principalId, undefined);
  });

  it('refuses a user-assigned identity key that is not a resource id with 400 LinkedInvalidPropertyId, before any assign check', async () => {
    const before = fake().getState();
    for (const who of [demo.admin, demo.vmContributor]) {
      const error = await rejection(clientsFor(fake(), who).compute.virtualMachines.update('rg-web', 'vm-web-01', {
        identity: { type: 'UserAssigned', userAssignedIdentities: { garbage: {} } },
      }));
      assert.equal(error.statusCode, 400, who.displayName);
      assert.equal(error.code, 'LinkedInvalidPropertyId', who.displayName);
      assert.match(error.message, /^Property id 'garbage' at path '' is invalid\. Expect fully qualified resource Id that start with '\/subscriptions\/\{subscriptionId\}' or '\/providers\/\{resourceProviderNamespace\}\/'\.$/);
    }
    assert.deepEqual(fake().getState(), before);
  });

  it('refuses two spellings of one identity in one request with 400 InvalidParameter, whatever their order', async () => {
    const before = fake().getState();
    for (const dictionary of [{ [storage]: {}, [storage.toUpperCase()]: null }, { [storage.toUpperCase()]: null, [storage]: {} }]) {
      const error = await rejection(patch('rg-web', 'vm-web-03', { type: 'UserAssigned', userAssignedIdentities: dictionary as never }));
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'InvalidParameter');
      assert.match(error.message, /differ only by case/);
    }
    assert.deepEqual(fake().getState(), before);
  });

  it('keeps an existing VM\'s identity when a PUT leaves identity out', async () => {
    const before = stateVm(fake().getState(), 'vm-web-04');
    const vm = await clientsFor(fake()).compute.virtualMachines.createOrUpdate('rg-web', 'vm-web-04', { location: 'eastus', tags: { env: 'test' } });
    assert.equal(vm.identity?.type, 'SystemAssigned, UserAssigned');
    const after = stateVm(fake().getState(), 'vm-web-04');
    assert.deepEqual(after.identity, before.identity);
    assert.deepEqual(after.tags, { env: 'test' }, 'the rest of the PUT applied');
    assert.ok(fake().getState().servicePrincipals.some((s) => s.id === before.identity.principalId), 'the system identity\'s service principal stays');
  });

  it('refuses a PUT that moves an existing VM to another region with 400 InvalidResourceLocation, and accepts another spelling of its region', async () => {
    const before = fake().getState();
    const { compute } = clientsFor(fake());
    const error = await rejection(compute.virtualMachines.createOrUpdate('rg-web', 'vm-web-02', { location: 'westeurope' }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'InvalidResourceLocation');
    assert.match(error.message, /already exists in location 'eastus'.*cannot be created in location 'westeurope'/);
    assert.deepEqual(fake().getState(), before);
    await compute.virtualMachines.createOrUpdate('rg-web', 'vm-web-02', { location: 'East US' });
    assert.equal(stateVm(fake().getState(), 'vm-web-02').location, 'eastus');
  });

  it('refuses VM names outside ARM\'s resource name rule on PUT with 400 InvalidParameter and creates nothing', async () => {
    const { compute } = clientsFor(fake());
    for (const name of ['_vm', 'vm-', 'vm.', 'vm!x', 'v'.repeat(65)]) {
      const error = await rejection(compute.virtualMachines.createOrUpdate('rg-web', name, { location: 'eastus' }));
      assert.equal(error.statusCode, 400, name);
      assert.equal(error.code, 'InvalidParameter', name);
    }
    assert.equal(fake().getState().virtualMachines.length, demo.seed.virtualMachines.length);
    const vm = await compute.virtualMachines.createOrUpdate('rg-web', `v_1.a-${'b'.repeat(58)}`, { location: 'eastus' });
    assert.equal(vm.name?.length, 64);
  });
});
