// Every list follows the service's nextLink to the end (the fake answers two items per page here).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { demoSeed } from '../fake-azure/demo';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, signInAs, startFake, vm } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  // A third resource group in production, so that its list has a second page too.
  fake = await startFake({ pageSize: 2, seed: { ...demoSeed, resourceGroups: [...demoSeed.resourceGroups, { subscriptionId: demo.production, name: 'rg-paged', location: 'eastus' }] } });
});
after(async () => fake.stop());

it('subscriptions, VMs, resource groups and user-assigned identities are read page by page to the end', async () => {
  const { ops } = signInAs(fake);
  const state = fake.getState();
  const names = <T extends { name: string }>(items: T[]) => items.map((i) => i.name.toLowerCase()).sort();

  const vms = await ops.listVirtualMachines(demo.production);
  assert.deepEqual(names(vms), names(state.virtualMachines.filter((v) => v.subscriptionId === demo.production)));
  assert.equal(vms.length, 9);
  const vmPages = fake.requests().filter((r) => r.path === `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachines`);
  assert.equal(vmPages.length, 5, 'nine VMs at two per page');

  assert.deepEqual(names(await ops.listUserAssignedIdentities(demo.production)), names(state.userAssignedIdentities.filter((u) => u.subscriptionId === demo.production)));
  assert.deepEqual(names(await ops.listResourceGroups(demo.production)), ['rg-data', 'rg-paged', 'rg-web']);
  assert.deepEqual(names(state.resourceGroups.filter((g) => g.subscriptionId === demo.production)), ['rg-data', 'rg-paged', 'rg-web']);
  assert.equal(fake.requests().filter((r) => r.path === `/subscriptions/${demo.production}/resourcegroups`).length, 2, 'three groups at two per page');
  assert.equal((await ops.listSubscriptions()).length, 2);

  const one = await ops.getVirtualMachine(vm('vm-data-03'));
  assert.equal(one.name, 'vm-data-03');
  assert.equal(one.identity.type, 'None');
  assert.equal(one.location, 'westeurope');
});
