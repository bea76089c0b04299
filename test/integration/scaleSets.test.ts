// Scale sets are the second kind of identity host (issue 10): the same planner and changeIdentity, through the
// scale-set client's GET, PATCH with If-Match and long-running operation. Each write is checked in the fake's state,
// the service principal included.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, ids, scaleSet, signInAs, startFake, stateScaleSet, writes } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const lower = (keys: string[]) => keys.map((k) => k.toLowerCase()).sort();
const principalsOf = (id: string) =>
  fake.getState().servicePrincipals.filter((p) => p.servicePrincipalType === 'ManagedIdentity' && p.alternativeNames.some((n) => n.toLowerCase() === id.toLowerCase()));

describe('scale sets: reads', () => {
  it('lists each subscription\'s scale sets with their mode, capacity and identity; Flexible instances list as VMs naming their set', async () => {
    const { ops } = signInAs(fake);
    const production = await ops.listScaleSets(demo.production);
    assert.deepEqual(production.map((s) => [s.name, s.kind, s.orchestrationMode]), [
      ['vmss-api', 'virtualMachineScaleSet', 'Uniform'],
      ['vmss-data-flex', 'virtualMachineScaleSet', 'Flexible'],
      ['vmss-web', 'virtualMachineScaleSet', 'Uniform'],
    ]);
    const web = production.find((s) => s.name === 'vmss-web')!;
    assert.equal(web.capacity, 3);
    assert.equal(web.identity.type, 'SystemAssigned');
    assert.equal(web.identity.principalId, 'b5a00000-0000-4000-8000-000000000010');
    assert.ok(web.etag, 'the ETag for the next If-Match');
    assert.deepEqual((await ops.listScaleSets(demo.development)).map((s) => s.name), ['vmss-dev-flex']);

    const vms = await ops.listVirtualMachines(demo.production);
    const flexData = vms.filter((v) => v.scaleSetId).map((v) => [v.name, v.scaleSetId!.split('/').pop()]);
    assert.deepEqual(flexData, [
      ['vm-flex-data-01', 'vmss-data-flex'],
      ['vm-flex-data-02', 'vmss-data-flex'],
    ]);
    assert.ok(vms.some((v) => v.name === 'vm-web-01' && v.scaleSetId === undefined));
  });

  it('the identity JSON of a scale set comes from its own GET', async () => {
    const { ops } = signInAs(fake);
    const json = await ops.getIdentityJson(scaleSet('vmss-dev-flex'));
    assert.equal(json.vm, 'vmss-dev-flex');
    assert.equal(json.systemAssigned?.principalId, 'b5a00000-0000-4000-8000-000000000011');
    assert.deepEqual(json.userAssigned.map((u) => u.name), ['id-deploy']);
  });
});

describe('scale sets: identity writes, checked in the fake', () => {
  it('enable, assign, remove and disable on a Uniform scale set, with its service principal made and deleted', async () => {
    const { ops } = signInAs(fake);
    const api = scaleSet('vmss-api');
    assert.equal(stateScaleSet(fake, 'vmss-api').identity.type, 'None');
    assert.equal(principalsOf(api.id).length, 0);

    const enabled = await ops.changeIdentity(api, { kind: 'enableSystemAssigned' });
    assert.equal(enabled.status, 'changed');
    assert.match(enabled.message, /Enabled the system-assigned identity of 'vmss-api'\. Its instances use the change without an upgrade/);
    assert.doesNotMatch(enabled.message, /update-instances|upgrade your/i);
    let state = stateScaleSet(fake, 'vmss-api');
    assert.equal(state.identity.type, 'SystemAssigned');
    assert.ok(state.identity.principalId);
    assert.equal(enabled.host.identity.principalId, state.identity.principalId, 'the answer is the host as Azure has it');
    assert.equal(enabled.host.etag, state.etag);
    const principal = principalsOf(api.id);
    assert.equal(principal.length, 1);
    assert.equal(principal[0].id, state.identity.principalId);
    assert.equal(principal[0].displayName, 'vmss-api');
    // The write was the scale set's PATCH with If-Match.
    const patches = writes(fake).filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, 1);
    assert.match(patches[0].path, /\/virtualMachineScaleSets\/vmss-api$/i);

    const assigned = await ops.changeIdentity(api, { kind: 'assignUserAssigned', ids: [ids.backend] });
    assert.equal(assigned.status, 'changed');
    state = stateScaleSet(fake, 'vmss-api');
    assert.equal(state.identity.type, 'SystemAssigned, UserAssigned');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.backend]));
    assert.equal(state.identity.principalId, principal[0].id, 'assigning keeps the system-assigned principal');

    const removed = await ops.changeIdentity(api, { kind: 'removeUserAssigned', ids: [ids.backend] });
    assert.equal(removed.status, 'changed');
    state = stateScaleSet(fake, 'vmss-api');
    assert.equal(state.identity.type, 'SystemAssigned');
    assert.deepEqual(Object.keys(state.identity.userAssignedIdentities), []);

    const disabled = await ops.changeIdentity(api, { kind: 'disableSystemAssigned' });
    assert.equal(disabled.status, 'changed');
    state = stateScaleSet(fake, 'vmss-api');
    assert.equal(state.identity.type, 'None');
    assert.equal(principalsOf(api.id).length, 0, 'disabling deletes the service principal');
    assert.equal(fake.getState().servicePrincipals.some((p) => p.id === principal[0].id), false);
  });

  it('disabling the system identity of a Flexible set keeps its user-assigned one; a second enable is unchanged and sends nothing', async () => {
    const { ops } = signInAs(fake);
    const dev = scaleSet('vmss-dev-flex');
    const disabled = await ops.changeIdentity(dev, { kind: 'disableSystemAssigned' });
    assert.equal(disabled.status, 'changed');
    const state = stateScaleSet(fake, 'vmss-dev-flex');
    assert.equal(state.identity.type, 'UserAssigned');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.deploy]));
    assert.equal(principalsOf(dev.id).length, 0);

    const before = writes(fake).length;
    const again = await ops.changeIdentity(scaleSet('vmss-web'), { kind: 'enableSystemAssigned' });
    assert.equal(again.status, 'unchanged');
    assert.equal(writes(fake).length, before);
  });

  it('adds a scale set\'s identity to a group and removes it', async () => {
    const { ops } = signInAs(fake);
    const web = scaleSet('vmss-web');
    const groupId = fake.getState().groups.find((g) => g.displayName === 'sg-monitoring')!.id;
    const members = () => fake.getState().groups.find((g) => g.id === groupId)!.members;
    await ops.addToGroup(web, groupId, { groupName: 'sg-monitoring' });
    assert.ok(members().includes('b5a00000-0000-4000-8000-000000000010'));
    assert.deepEqual((await ops.listGroupMemberships(web)).map((g) => g.displayName), ['sg-monitoring']);
    await ops.removeFromGroup(web, groupId, { groupName: 'sg-monitoring' });
    assert.ok(!members().includes('b5a00000-0000-4000-8000-000000000010'));
  });
});
