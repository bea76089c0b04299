// Quick-pick entries: what is offered, what is shown but locked, and what the picks turn into.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assignIdentityEntries,
  clientIdItems,
  groupEntries,
  noGroupsMatch,
  isSeparator,
  membershipItems,
  principalItems,
  removeIdentityEntries,
  resolveRemovePicks,
  subscriptionItems,
  tenantItems,
  vmItems,
  type PickEntry,
  type PickItem,
} from '../../src/ui/quickPickItems';
import type { EntraGroup, UserAssignedIdentity, VirtualMachine } from '../../src/identity/model';
import { format } from './support/format';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const uaiId = (rg: string, name: string) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const identity = (rg: string, name: string, n: number): UserAssignedIdentity => ({
  id: uaiId(rg, name),
  name,
  resourceGroup: rg,
  subscriptionId: SUB,
  location: 'eastus',
  principalId: `principal-${n}`,
  clientId: `client-${n}`,
  tenantId: 'tenant',
});
const backend = identity('rg-web', 'id-backend', 1);
const storage = identity('rg-web', 'id-storage', 2);
const monitor = identity('rg-data', 'id-monitor', 3);

function vm(overrides: Partial<VirtualMachine['identity']>): VirtualMachine {
  return {
    kind: 'virtualMachine',
    subscriptionId: SUB,
    resourceGroup: 'rg-web',
    name: 'vm-web-04',
    id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-04`,
    location: 'eastus',
    identity: { type: 'None', userAssignedIdentities: {}, ...overrides },
  };
}

const items = <T>(entries: PickEntry<T>[]): PickItem<T>[] => entries.filter((e): e is PickItem<T> => !isSeparator(e));
const labels = <T>(entries: PickEntry<T>[]) => entries.map((e) => (isSeparator(e) ? `-- ${e.label}` : e.label));

describe('Assign User-Assigned Identities...', () => {
  it('offers only identities not on the VM, and shows those on it as already assigned and locked', () => {
    // ARM may return an id in another casing than the identity list: still the same identity.
    const onVm = vm({
      type: 'SystemAssigned, UserAssigned',
      userAssignedIdentities: { [backend.id.toLowerCase()]: { clientId: 'client-1', principalId: 'principal-1' } },
    });
    const entries = assignIdentityEntries([storage, backend, monitor], onVm, format);
    assert.deepEqual(labels(entries), [
      'Create new user-assigned identity...',
      '-- Available in this subscription',
      'id-monitor',
      'id-storage',
      '-- Already assigned to vm-web-04',
      'id-backend',
    ]);
    const offered = items(entries).filter((e) => !e.locked);
    assert.deepEqual(offered.map((e) => e.data?.kind === 'identity' ? e.data.identity.name : e.data?.kind), ['create', 'id-monitor', 'id-storage']);
    const assigned = items(entries).find((e) => e.label === 'id-backend')!;
    assert.equal(assigned.locked, true);
    assert.equal(assigned.description, 'already assigned');
    assert.equal(assigned.data, undefined, 'a locked entry carries nothing to assign');
  });

  it('with every identity assigned, offers only "Create new"', () => {
    const onVm = vm({ type: 'UserAssigned', userAssignedIdentities: { [backend.id]: {}, [storage.id]: {} } });
    const entries = assignIdentityEntries([backend, storage], onVm, format);
    assert.deepEqual(items(entries).filter((e) => !e.locked).map((e) => e.label), ['Create new user-assigned identity...']);
  });

  it('shows the client id of each offered identity', () => {
    const entries = items(assignIdentityEntries([monitor], vm({}), format));
    assert.equal(entries.find((e) => e.label === 'id-monitor')?.detail, 'Client ID: client-3');
  });
});

describe('Remove User-Assigned Identities...', () => {
  const two = vm({ type: 'UserAssigned', userAssignedIdentities: { [storage.id]: { clientId: 'client-2' }, [backend.id]: { clientId: 'client-1' } } });

  it('lists the identities on the VM, with "Remove all" first when there are several', () => {
    assert.deepEqual(labels(removeIdentityEntries(two, format)), [
      'Remove all user-assigned identities',
      '-- Assigned to vm-web-04',
      'id-backend',
      'id-storage',
    ]);
  });

  it('does not offer "Remove all" for a single identity', () => {
    const one = vm({ type: 'UserAssigned', userAssignedIdentities: { [backend.id]: {} } });
    assert.deepEqual(labels(removeIdentityEntries(one, format)), ['id-backend']);
  });

  it('only the "Remove all" row removes all, carrying the ids it showed', () => {
    const allRow = items(removeIdentityEntries(two, format)).find((e) => e.label === 'Remove all user-assigned identities')!;
    assert.deepEqual(resolveRemovePicks([allRow.data]), { kind: 'all', expectedIds: [backend.id, storage.id] });
    // "Remove all" checked together with single rows is still "all".
    assert.deepEqual(resolveRemovePicks([{ kind: 'identity', id: backend.id }, allRow.data]), { kind: 'all', expectedIds: [backend.id, storage.id] });
  });

  it('checking every identity one by one removes exactly those ids, not "all"', () => {
    const rows = items(removeIdentityEntries(two, format)).filter((e) => e.data.kind === 'identity');
    assert.equal(rows.length, 2);
    assert.deepEqual(resolveRemovePicks(rows.map((row) => row.data)), { kind: 'some', ids: [backend.id, storage.id] });
    assert.deepEqual(resolveRemovePicks([{ kind: 'identity', id: backend.id }]), { kind: 'some', ids: [backend.id] });
    const one = vm({ type: 'UserAssigned', userAssignedIdentities: { [backend.id]: {} } });
    assert.deepEqual(resolveRemovePicks(items(removeIdentityEntries(one, format)).map((row) => row.data)), { kind: 'some', ids: [backend.id] });
  });
});

describe('Add to Group...', () => {
  const groups: EntraGroup[] = [
    { id: 'G-1', displayName: 'sg-app-readers', description: 'Readers' },
    { id: 'g-2', displayName: 'sg-keyvault-readers' },
  ];

  it('marks the groups the identity is already in, and they cannot be picked', () => {
    const entries = items(groupEntries(groups, [{ id: 'g-1', displayName: 'sg-app-readers' }], false, format));
    assert.deepEqual(entries.map((e) => [e.label, e.description, e.locked]), [
      ['sg-app-readers', 'already a member', true],
      ['sg-keyvault-readers', undefined, false],
    ]);
  });

  it('adds "Load more..." only when Graph has another page', () => {
    assert.equal(labels(groupEntries(groups, [], true, format)).at(-1), 'Load more...');
    assert.equal(noGroupsMatch('zzz-nothing', format), "No groups match 'zzz-nothing'");
    assert.equal(noGroupsMatch('', format), 'No groups found in the directory.');
    assert.ok(!labels(groupEntries(groups, [], false, format)).includes('Load more...'));
    assert.equal(items(groupEntries([], [], true, format))[0].data.kind, 'loadMore');
  });

  it('Remove from Group lists the memberships by name', () => {
    assert.deepEqual(membershipItems([groups[1], groups[0]]).map((i) => i.label), ['sg-app-readers', 'sg-keyvault-readers']);
  });
});

describe('pickers of subscriptions, VMs and ids', () => {
  it('subscriptions by name, with their id', () => {
    const picks = subscriptionItems([
      { subscriptionId: 's2', displayName: 'Contoso Production', tenantId: 't' },
      { subscriptionId: 's1', displayName: 'Contoso Development', tenantId: 't' },
    ]);
    assert.deepEqual(picks.map((p) => [p.label, p.description]), [['Contoso Development', 's1'], ['Contoso Production', 's2']]);
  });

  it('tenants to sign in to by name (the id when the name is unknown), with account and id', () => {
    const picks = tenantItems([
      { tenantId: 't-2', displayName: 'Fabrikam', accountLabel: 'ada@fabrikam.com' },
      { tenantId: 'a-1' },
    ]);
    assert.deepEqual(picks.map((p) => [p.label, p.description, p.detail]), [['a-1', undefined, 'a-1'], ['Fabrikam', 'ada@fabrikam.com', 't-2']]);
  });

  it('VMs by name, described by resource group, location and identity', () => {
    const picks = vmItems([vm({ type: 'SystemAssigned', principalId: 'p' })], format);
    assert.deepEqual(picks.map((p) => [p.label, p.description]), [['vm-web-04', 'system only · rg-web · eastus']]);
    assert.equal(picks[0].detail, undefined);
  });

  it('VMs being updated are marked busy with the running write', () => {
    const picks = vmItems([vm({ type: 'None' })], format, () => "Enabling the system-assigned identity of 'vm-web-04'...");
    assert.equal(picks[0].detail, "Being updated: Enabling the system-assigned identity of 'vm-web-04'...");
  });

  it('principal ids: the system-assigned one first, then each user-assigned one', () => {
    const both = vm({
      type: 'SystemAssigned, UserAssigned',
      principalId: 'sys',
      userAssignedIdentities: { [backend.id]: { principalId: 'principal-1', clientId: 'client-1' } },
    });
    assert.deepEqual(principalItems(both, format).map((p) => [p.label, p.data]), [['System-assigned identity', 'sys'], ['id-backend', 'principal-1']]);
    assert.deepEqual(clientIdItems(both).map((p) => [p.label, p.data]), [['id-backend', 'client-1']]);
    assert.deepEqual(principalItems(vm({}), format), []);
  });
});
