// The fake Azure's live state: built from a seed, mutated by the ARM face (here) and the Graph face (graph.ts).
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  FakeState,
  IdentityTypeName,
  Seed,
  SeedVirtualMachine,
  StateGenericResource,
  SeedVirtualMachineScaleSet,
  StateIdentityHost,
  StateServicePrincipal,
  StateUserAssignedIdentity,
  StateVirtualMachine,
  StateVirtualMachineScaleSet,
  StateVmIdentity,
} from './types';

export const demoSeedFile = join(__dirname, 'seeds', 'demo.json');

export function loadSeed(seed: string | Seed | undefined): Seed {
  if (seed === undefined) return JSON.parse(readFileSync(demoSeedFile, 'utf8')) as Seed;
  if (typeof seed === 'string') return JSON.parse(readFileSync(seed, 'utf8')) as Seed;
  return structuredClone(seed);
}

/** A GUID derived from a text, so that state built twice from one seed is identical. */
export function stableGuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function vmResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

export function scaleSetResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;
}

export function userAssignedIdentityResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export function hasSystemAssigned(type: IdentityTypeName): boolean {
  return type === 'SystemAssigned' || type === 'SystemAssigned, UserAssigned';
}

export function hasUserAssigned(type: IdentityTypeName): boolean {
  return type === 'UserAssigned' || type === 'SystemAssigned, UserAssigned';
}

export function findUserAssignedIdentity(state: FakeState, id: string): StateUserAssignedIdentity | undefined {
  return state.userAssignedIdentities.find((u) => sameId(u.id, id));
}

export function findVirtualMachine(state: FakeState, subscriptionId: string, resourceGroup: string, name: string): StateVirtualMachine | undefined {
  return state.virtualMachines.find((v) => sameId(v.id, vmResourceId(subscriptionId, resourceGroup, name)));
}

export function findScaleSet(state: FakeState, subscriptionId: string, resourceGroup: string, name: string): StateVirtualMachineScaleSet | undefined {
  return (state.virtualMachineScaleSets ?? []).find((v) => sameId(v.id, scaleSetResourceId(subscriptionId, resourceGroup, name)));
}

/** The VM or scale set with this resource id. */
export function findIdentityHost(state: FakeState, id: string): StateIdentityHost | undefined {
  return state.virtualMachines.find((v) => sameId(v.id, id)) ?? (state.virtualMachineScaleSets ?? []).find((v) => sameId(v.id, id));
}

/** Creates the directory service principal of a managed identity (what Azure does when the identity comes to be). */
export function addManagedIdentityServicePrincipal(
  state: FakeState,
  principal: { id: string; appId: string; displayName: string; resourceId: string; tenantId: string; isExplicit: boolean },
): StateServicePrincipal {
  const servicePrincipal: StateServicePrincipal = {
    id: principal.id,
    appId: principal.appId,
    displayName: principal.displayName,
    servicePrincipalType: 'ManagedIdentity',
    alternativeNames: [`isExplicit=${principal.isExplicit ? 'True' : 'False'}`, principal.resourceId],
    tenantId: principal.tenantId,
    createdAt: Date.now(),
  };
  state.servicePrincipals.push(servicePrincipal);
  return servicePrincipal;
}

/** Deletes a service principal with everything that names it: group memberships, ownerships and (unless kept
 *  orphaned, as deleting a user-assigned identity keeps them) role assignments. */
export function deleteServicePrincipal(state: FakeState, principalId: string, options: { keepRoleAssignments?: boolean } = {}): void {
  state.servicePrincipals = state.servicePrincipals.filter((sp) => !sameId(sp.id, principalId));
  for (const group of state.groups) {
    group.members = group.members.filter((m) => !sameId(m, principalId));
    group.owners = group.owners.filter((o) => !sameId(o, principalId));
  }
  if (!options.keepRoleAssignments) state.roleAssignments = state.roleAssignments.filter((ra) => !sameId(ra.principalId, principalId));
}

/** Turns a VM's or scale set's system-assigned identity on: a new service principal with a new principalId every time. */
export function enableSystemAssignedIdentity(state: FakeState, vm: StateIdentityHost, principalId: string = randomUUID()): void {
  const tenantId = tenantOfSubscription(state, vm.subscriptionId);
  addManagedIdentityServicePrincipal(state, {
    id: principalId,
    appId: stableGuid(`app:${principalId}`),
    displayName: vm.name,
    resourceId: vm.id,
    tenantId,
    isExplicit: false,
  });
  vm.identity.principalId = principalId;
  vm.identity.tenantId = tenantId;
}

export function disableSystemAssignedIdentity(state: FakeState, vm: StateIdentityHost): void {
  if (vm.identity.principalId) deleteServicePrincipal(state, vm.identity.principalId);
  delete vm.identity.principalId;
  delete vm.identity.tenantId;
}

export function tenantOfSubscription(state: FakeState, subscriptionId: string): string {
  return state.subscriptions.find((s) => sameId(s.subscriptionId, subscriptionId))?.tenantId ?? state.tenants[0]!.tenantId;
}

/** A seeded VM's or scale set's identity: its user-assigned identities looked up, its service principal created. */
function seedIdentity(state: FakeState, host: StateIdentityHost, seeded: SeedVirtualMachine['identity']): void {
  if (hasUserAssigned(host.identity.type)) {
    for (const uaiId of seeded?.userAssignedIdentities ?? []) {
      const uai = findUserAssignedIdentity(state, uaiId);
      if (!uai) throw new Error(`Seed: ${host.name} names user-assigned identity ${uaiId}, which the seed does not define.`);
      host.identity.userAssignedIdentities[uaiId] = { principalId: uai.principalId, clientId: uai.clientId };
    }
  }
  if (hasSystemAssigned(host.identity.type)) enableSystemAssignedIdentity(state, host, seeded?.principalId ?? stableGuid(`system:${host.id}`));
}

function vmFromSeed(state: FakeState, seedVm: SeedVirtualMachine): StateVirtualMachine {
  const id = vmResourceId(seedVm.subscriptionId, seedVm.resourceGroup, seedVm.name);
  const identity: StateVmIdentity = { type: seedVm.identity?.type ?? 'None', userAssignedIdentities: {} };
  const vm: StateVirtualMachine = {
    id,
    subscriptionId: seedVm.subscriptionId,
    resourceGroup: seedVm.resourceGroup,
    name: seedVm.name,
    location: seedVm.location,
    vmSize: seedVm.vmSize ?? 'Standard_B2s',
    osType: seedVm.osType ?? 'Linux',
    powerState: seedVm.powerState ?? 'running',
    ...(seedVm.tools ? { tools: [...seedVm.tools] } : {}),
    provisioningState: 'Succeeded',
    etag: '"1"',
    identity,
    tags: {},
  };
  if (seedVm.virtualMachineScaleSet !== undefined) {
    const scaleSet = (state.virtualMachineScaleSets ?? []).find((s) => sameId(s.id, seedVm.virtualMachineScaleSet!));
    if (scaleSet?.orchestrationMode !== 'Flexible') {
      throw new Error(`Seed: VM ${seedVm.name} names scale set ${seedVm.virtualMachineScaleSet}, which is not a Flexible scale set of the seed.`);
    }
    vm.virtualMachineScaleSetId = scaleSet.id;
  }
  seedIdentity(state, vm, seedVm.identity);
  return vm;
}

function genericResourcesFromSeed(seed: Seed): StateGenericResource[] {
  return (seed.genericResources ?? []).map((r) => ({
    ...structuredClone(r),
    id: `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/${r.type}/${r.name}`,
    tags: { ...(r.tags ?? {}) },
  }));
}

function scaleSetFromSeed(state: FakeState, seeded: SeedVirtualMachineScaleSet, seed: Seed): StateVirtualMachineScaleSet {
  const id = scaleSetResourceId(seeded.subscriptionId, seeded.resourceGroup, seeded.name);
  const instances = seed.virtualMachines.filter((v) => v.virtualMachineScaleSet !== undefined && sameId(v.virtualMachineScaleSet, id)).length;
  const scaleSet: StateVirtualMachineScaleSet = {
    id,
    subscriptionId: seeded.subscriptionId,
    resourceGroup: seeded.resourceGroup,
    name: seeded.name,
    location: seeded.location,
    orchestrationMode: seeded.orchestrationMode,
    sku: { name: seeded.vmSize ?? 'Standard_B2s', tier: 'Standard', capacity: seeded.capacity ?? (seeded.orchestrationMode === 'Flexible' ? instances : 2) },
    osType: seeded.osType ?? 'Linux',
    upgradePolicyMode: seeded.upgradePolicyMode ?? 'Manual',
    provisioningState: 'Succeeded',
    etag: '"1"',
    identity: { type: seeded.identity?.type ?? 'None', userAssignedIdentities: {} },
    tags: {},
  };
  seedIdentity(state, scaleSet, seeded.identity);
  return scaleSet;
}

export function stateFromSeed(seed: Seed): FakeState {
  const state: FakeState = {
    tenants: structuredClone(seed.tenants),
    principals: structuredClone(seed.principals),
    users: structuredClone(seed.users ?? []),
    publicClients: structuredClone(seed.publicClients ?? []),
    subscriptions: structuredClone(seed.subscriptions),
    resourceGroups: structuredClone(seed.resourceGroups),
    userAssignedIdentities: [],
    virtualMachines: [],
    virtualMachineScaleSets: [],
    virtualNetworks: (seed.virtualNetworks ?? []).map((n) => ({
      id: `/subscriptions/${n.subscriptionId}/resourceGroups/${n.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${n.name}`,
      subscriptionId: n.subscriptionId,
      resourceGroup: n.resourceGroup,
      name: n.name,
      location: n.location,
      addressPrefixes: [...(n.addressPrefixes ?? ['10.0.0.0/16'])],
      subnets: n.subnets.map((s) => ({ ...s })),
    })),
    servicePrincipals: [],
    groups: seed.groups.map((g) => ({
      id: g.id,
      displayName: g.displayName,
      ...(g.description !== undefined ? { description: g.description } : {}),
      members: [...(g.members ?? [])],
      owners: [...(g.owners ?? [])],
    })),
    roleAssignments: seed.roleAssignments.map((ra) => ({ ...ra, name: ra.name ?? stableGuid(`role-assignment:${ra.principalId}:${ra.roleDefinitionName}:${ra.scope}`.toLowerCase()) })),
    genericResources: genericResourcesFromSeed(seed),
    customRoles: structuredClone(seed.customRoles ?? []),
  };
  for (const p of seed.principals) {
    if (p.kind !== 'ServicePrincipal') continue;
    state.servicePrincipals.push({
      id: p.id,
      appId: p.appId ?? stableGuid(`app:${p.id}`),
      displayName: p.displayName,
      servicePrincipalType: 'Application',
      alternativeNames: [],
      tenantId: p.tenantId,
    });
  }
  for (const u of seed.userAssignedIdentities) {
    const id = userAssignedIdentityResourceId(u.subscriptionId, u.resourceGroup, u.name);
    const tenantId = tenantOfSubscription(state, u.subscriptionId);
    state.userAssignedIdentities.push({ id, subscriptionId: u.subscriptionId, resourceGroup: u.resourceGroup, name: u.name,
      location: u.location, tenantId, principalId: u.principalId, clientId: u.clientId, tags: { ...(u.tags ?? {}) } });
    addManagedIdentityServicePrincipal(state, { id: u.principalId, appId: u.clientId, displayName: u.name, resourceId: id, tenantId, isExplicit: true });
  }
  // Scale sets first: a Flexible scale set's instances name it.
  for (const v of seed.virtualMachineScaleSets ?? []) state.virtualMachineScaleSets!.push(scaleSetFromSeed(state, v, seed));
  for (const v of seed.virtualMachines) state.virtualMachines.push(vmFromSeed(state, v));
  // Seeded principals have existed for long: only those created by requests wait for directory replication.
  for (const sp of state.servicePrincipals) delete sp.createdAt;
  return state;
}
