// Two VMs with the same name in different resource groups (issue 13, item 14): every message the operations module
// writes about one of them names its resource group, through the store's hostLabel as the extension wires it; a VM
// whose name is unique keeps its bare name. The demo seed has no colliding names, so this test adds a twin.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AccessPrincipal } from '../../src/identity/accessOperations';
import type { IdentityHostRef } from '../../src/identity/model';
import { IdentityOperations } from '../../src/identity/operations';
import { virtualMachineId } from '../../src/identity/resourceIds';
import { BUILT_IN_ROLE_IDS } from '../../src/identity/roles';
import { ResourceStore } from '../../src/store/resourceStore';
import { operationsStoreSource } from '../../src/store/operationsSource';
import { demoSeed } from '../fake-azure/demo';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, rejectsWith, signInAs, startFake, vm } from './harness';

/** vm-web-01 (rg-web) and its twin in rg-data. */
const twin: IdentityHostRef = {
  kind: 'virtualMachine',
  subscriptionId: demo.production,
  resourceGroup: 'rg-data',
  name: 'vm-web-01',
  id: virtualMachineId(demo.production, 'rg-data', 'vm-web-01'),
};

let fake: RunningFakeAzure;
before(async () => {
  const original = demoSeed.virtualMachines.find((v) => v.name === 'vm-web-01')!;
  fake = await startFake({ seed: { ...demoSeed, virtualMachines: [...demoSeed.virtualMachines, { ...original, resourceGroup: 'rg-data', identity: { type: 'None' } }] } });
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

/** The operations module and store of one window, wired as extension.ts wires them, with the production VMs listed. */
async function window(): Promise<{ ops: IdentityOperations; store: ResourceStore }> {
  const { account } = signInAs(fake);
  const ops: IdentityOperations = new IdentityOperations(account.clients, { retryDelayMs: () => 50, hostLabel: (host) => store.hostLabel(host) });
  const store = new ResourceStore(operationsStoreSource(ops, (subscriptions) => subscriptions));
  await store.loadHosts(demo.production);
  return { ops, store };
}

describe('two VMs named vm-web-01, in rg-web and rg-data', () => {
  it('an identity change names the resource group in its progress and result; a unique name stays bare', async () => {
    const { ops } = await window();
    const progress: string[] = [];
    const result = await ops.changeIdentity(twin, { kind: 'enableSystemAssigned' }, { onProgress: (m) => progress.push(m) });
    assert.match(result.message, /'vm-web-01 \(rg-data\)'/);
    assert.ok(progress.length > 0 && progress.every((m) => !/'vm-web-01'/.test(m)), JSON.stringify(progress));
    assert.ok(progress.some((m) => m.includes("'vm-web-01 (rg-data)'")), JSON.stringify(progress));

    const unique = await ops.changeIdentity(vm('vm-web-02'), { kind: 'disableSystemAssigned' });
    assert.match(unique.message, /'vm-web-02'/);
    assert.doesNotMatch(unique.message, /\(rg-web\)/);
  });

  it('a refusal names the resource group too', async () => {
    const { ops } = await window();
    await rejectsWith(ops.addToGroup(vm('vm-web-01'), '00000000-0000-4000-8000-00000000aaaa'), (error) => {
      assert.match(error.message, /'vm-web-01 \(rg-web\)'/);
    });
  });

  it('granting access to its system-assigned identity names the resource group', async () => {
    const { ops } = await window();
    const enabled = await ops.changeIdentity(twin, { kind: 'enableSystemAssigned' });
    const principal: AccessPrincipal = { kind: 'systemAssigned', host: twin, principalId: enabled.host.identity.principalId! };
    const scope = `/subscriptions/${demo.production}/resourceGroups/rg-data`;
    const reader = { id: `/subscriptions/${demo.production}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS.reader}`, roleName: 'Reader' };
    const granted = await ops.access.grantAccess(principal, scope, reader);
    assert.match(granted.message, /to 'vm-web-01 \(rg-data\)'\.$/);
  });
});
