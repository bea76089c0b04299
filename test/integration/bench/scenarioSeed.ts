// Seeds of any size for the performance tests and `npm run bench`: one tenant, the demo's admin service principal
// (Owner on every subscription), N subscriptions × M VMs in every identity state, one Uniform scale set per
// subscription and one user-assigned identity per subscription that some VMs use.
import { demo } from '../../fake-azure/demo';
import type { Seed, SeedVirtualMachine } from '../../fake-azure/types';

export interface ScenarioSize {
  subscriptions: number;
  vmsPerSubscription: number;
}

/** A stable GUID from two numbers (the seed is the same every time). */
function guid(prefix: string, a: number, b = 0): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  return `${prefix}${hex(a, 4)}-${hex(b, 4)}-4000-8000-${hex(a, 6)}${hex(b, 6)}`;
}

export function subscriptionIdOf(index: number): string {
  return guid('5cb0', index);
}

export function scenarioSeed({ subscriptions, vmsPerSubscription }: ScenarioSize): Seed {
  const tenant = demo.seed.tenants.find((t) => t.tenantId === demo.tenantId)!;
  const seed: Seed = {
    tenants: [tenant],
    principals: [demo.admin],
    subscriptions: [],
    resourceGroups: [],
    userAssignedIdentities: [],
    virtualMachines: [],
    virtualMachineScaleSets: [],
    groups: [],
    roleAssignments: [],
  };
  for (let s = 0; s < subscriptions; s++) {
    const subscriptionId = subscriptionIdOf(s);
    const resourceGroup = 'rg-bench';
    const identityId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bench`;
    seed.subscriptions.push({ subscriptionId, displayName: `Bench ${String(s).padStart(4, '0')}`, tenantId: demo.tenantId });
    seed.resourceGroups.push({ subscriptionId, name: resourceGroup, location: 'eastus' });
    seed.userAssignedIdentities.push({ subscriptionId, resourceGroup, name: 'id-bench', location: 'eastus', principalId: guid('a1d0', s), clientId: guid('c1d0', s) });
    seed.roleAssignments.push({ principalId: demo.admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${subscriptionId}` });
    seed.virtualMachineScaleSets!.push({ subscriptionId, resourceGroup, name: 'vmss-bench', location: 'eastus', orchestrationMode: 'Uniform', capacity: 2, identity: { type: 'None' } });
    for (let v = 0; v < vmsPerSubscription; v++) {
      const identities: SeedVirtualMachine['identity'][] = [
        { type: 'None' },
        { type: 'SystemAssigned', principalId: guid('b0a0', s, v) },
        { type: 'UserAssigned', userAssignedIdentities: [identityId] },
        { type: 'SystemAssigned, UserAssigned', principalId: guid('b0a0', s, v), userAssignedIdentities: [identityId] },
      ];
      seed.virtualMachines.push({ subscriptionId, resourceGroup, name: `vm-${String(v).padStart(5, '0')}`, location: 'eastus', identity: identities[v % identities.length]! });
    }
  }
  return seed;
}
