// The entries of the quick picks, as plain data: no `vscode` import, so test/unit checks them. src/ui/quickPick.ts
// turns them into vscode.QuickPickItems ("locked" entries are shown but cannot be picked).
import { hasSystemAssigned } from '../identity/identityChange';
import type { TenantNeedingSignIn } from '../azure/account';
import type { EntraGroup, IdentityHost, Subscription, UserAssignedIdentity } from '../identity/model';
import { sortBy } from '../identity/ordering';
import { resourceGroupFromId, resourceKey, resourceNameFromId, sameResourceId } from '../identity/resourceIds';
import { vmDescription } from './hostDescriptions';
import type { Localize } from '../identity/localize';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  /** A codicon id shown before the label. */
  iconId?: string;
  /** Shown for information, never returned as a pick (already assigned, already a member). */
  locked?: boolean;
  /** Checked when a multi-select opens. */
  picked?: boolean;
  data: T;
}

export interface PickSeparator {
  separator: true;
  label: string;
}

export type PickEntry<T> = PickItem<T> | PickSeparator;

export function isSeparator<T>(entry: PickEntry<T>): entry is PickSeparator {
  return 'separator' in entry;
}

export function subscriptionItems(subscriptions: Subscription[]): PickItem<Subscription>[] {
  return sortBy(subscriptions, (s) => s.displayName).map((s) => ({ label: s.displayName, description: s.subscriptionId, data: s }));
}

/** Tenants to sign in to, by name; the account and the id tell apart tenants with the same name. */
export function tenantItems(tenants: TenantNeedingSignIn[]): PickItem<TenantNeedingSignIn>[] {
  return sortBy(
    tenants.map((tenant) => ({ label: tenant.displayName ?? tenant.tenantId, description: tenant.accountLabel, detail: tenant.tenantId, data: tenant })),
    (item) => item.label,
  );
}

/** `busy` names the write running on a VM (the store's "Updating…" mark), shown so nobody starts a second one. */
export function vmItems<T extends IdentityHost>(vms: T[], t: Localize, busy: (vm: T) => string | undefined = () => undefined): PickItem<T>[] {
  return sortBy(vms, (vm) => vm.name).map((vm) => {
    const running = busy(vm);
    return { label: vm.name, description: vmDescription(vm, false, t), ...(running ? { detail: t('Being updated: {0}', running) } : {}), data: vm };
  });
}

export type AssignPick = { kind: 'identity'; identity: UserAssignedIdentity } | { kind: 'create' };

/**
 * The identities of the subscription that can be assigned to the VM, "Create new user-assigned identity...", then
 * those already on the VM, marked and locked so they are not offered again.
 */
export function assignIdentityEntries(
  all: UserAssignedIdentity[],
  vm: IdentityHost,
  t: Localize,
): PickEntry<AssignPick | undefined>[] {
  const attachedIds = Object.keys(vm.identity.userAssignedIdentities ?? {});
  const isAttached = (id: string) => attachedIds.some((attached) => sameResourceId(attached, id));
  const available = sortBy(
    all.filter((identity) => !isAttached(identity.id)),
    (identity) => identity.name,
  );

  const entries: PickEntry<AssignPick | undefined>[] = [
    { label: t('Create new user-assigned identity...'), iconId: 'add', data: { kind: 'create' } },
  ];
  if (available.length > 0) {
    entries.push({ separator: true, label: t('Available in this subscription') });
    for (const identity of available) {
      entries.push({
        label: identity.name,
        description: `${identity.resourceGroup} · ${identity.location}`,
        detail: t('Client ID: {0}', identity.clientId),
        data: { kind: 'identity', identity },
      });
    }
  }
  if (attachedIds.length > 0) {
    entries.push({ separator: true, label: t('Already assigned to {0}', vm.name) });
    for (const id of sortBy(attachedIds, resourceNameFromId)) {
      entries.push({
        label: resourceNameFromId(id),
        description: t('already assigned'),
        detail: resourceGroupFromId(id),
        iconId: 'check',
        locked: true,
        data: undefined,
      });
    }
  }
  return entries;
}

/** "all" carries the ids the list showed, so the removal can refuse if the VM's set changed since. */
type RemovePick = { kind: 'identity'; id: string } | { kind: 'all'; ids: string[] };

/** The identities on the VM, with "Remove all" first when there is more than one. */
export function removeIdentityEntries(vm: IdentityHost, t: Localize): PickEntry<RemovePick>[] {
  const attached = sortBy(Object.entries(vm.identity.userAssignedIdentities ?? {}), ([id]) => resourceNameFromId(id));
  const entries: PickEntry<RemovePick>[] = [];
  if (attached.length > 1) {
    entries.push({
      label: t('Remove all user-assigned identities'),
      description: t('{0} identities', attached.length),
      iconId: 'clear-all',
      data: { kind: 'all', ids: attached.map(([id]) => id) },
    });
    entries.push({ separator: true, label: t('Assigned to {0}', vm.name) });
  }
  for (const [id, attachedIdentity] of attached) {
    entries.push({
      label: resourceNameFromId(id),
      description: resourceGroupFromId(id),
      detail: attachedIdentity.clientId ? t('Client ID: {0}', attachedIdentity.clientId) : undefined,
      data: { kind: 'identity', id },
    });
  }
  return entries;
}

/**
 * What "Remove User-Assigned Identities..." does with the picks. Only the "Remove all" row removes all (and only if
 * the VM still has exactly the ids it showed); checking every identity one by one removes exactly those ids, so an
 * identity someone attached meanwhile stays.
 */
export type RemoveChoice = { kind: 'all'; expectedIds: string[] } | { kind: 'some'; ids: string[] };

export function resolveRemovePicks(picks: RemovePick[]): RemoveChoice {
  const all = picks.find((pick) => pick.kind === 'all');
  if (all) {
    return { kind: 'all', expectedIds: all.ids };
  }
  return { kind: 'some', ids: picks.flatMap((pick) => (pick.kind === 'identity' ? [pick.id] : [])) };
}

export type GroupPick = { kind: 'group'; group: EntraGroup } | { kind: 'loadMore' };

/** Search results, groups the identity is already in marked and locked, and "Load more..." when Graph has more. */
export function groupEntries(
  groups: EntraGroup[],
  memberships: EntraGroup[],
  hasMore: boolean,
  t: Localize,
): PickEntry<GroupPick>[] {
  const memberIds = new Set(memberships.map((group) => resourceKey(group.id)));
  const entries: PickEntry<GroupPick>[] = groups.map((group) => {
    const member = memberIds.has(resourceKey(group.id));
    return {
      label: group.displayName,
      description: member ? t('already a member') : group.description,
      detail: group.id,
      iconId: member ? 'check' : 'organization',
      locked: member,
      data: { kind: 'group', group },
    };
  });
  if (hasMore) {
    entries.push({ label: t('Load more...'), iconId: 'ellipsis', data: { kind: 'loadMore' } });
  }
  return entries;
}

/** What a group search that found nothing says: "No groups match 'x'" (or, with nothing typed, that there are none). */
export function noGroupsMatch(text: string, t: Localize): string {
  return text === '' ? t('No groups found in the directory.') : t("No groups match '{0}'", text);
}

/** The groups a VM's system identity can be removed from. */
export function membershipItems(memberships: EntraGroup[]): PickItem<EntraGroup>[] {
  return sortBy(memberships, (group) => group.displayName).map((group) => ({
    label: group.displayName,
    description: group.description,
    detail: group.id,
    data: group,
  }));
}

/** The principals of a VM that "Copy Principal ID" can copy: the system identity's, then each user-assigned one's. */
export function principalItems(vm: IdentityHost, t: Localize): PickItem<string>[] {
  const items: PickItem<string>[] = [];
  if (hasSystemAssigned(vm.identity.type) && vm.identity.principalId) {
    items.push({ label: t('System-assigned identity'), description: vm.identity.principalId, data: vm.identity.principalId });
  }
  for (const [id, attached] of Object.entries(vm.identity.userAssignedIdentities ?? {})) {
    if (attached.principalId) {
      items.push({ label: resourceNameFromId(id), description: attached.principalId, data: attached.principalId });
    }
  }
  return items;
}

/** The user-assigned identities of a VM, for "Copy Client ID" from the palette. */
export function clientIdItems(vm: IdentityHost): PickItem<string>[] {
  return Object.entries(vm.identity.userAssignedIdentities ?? {}).flatMap(([id, attached]) =>
    attached.clientId ? [{ label: resourceNameFromId(id), description: attached.clientId, data: attached.clientId }] : [],
  );
}

/** The entries whose name or marks contain the text, each heading kept only above entries that stay. */
export function filterEntries<T>(entries: PickEntry<T>[], text: string): PickEntry<T>[] {
  const needle = text.trim().toLowerCase();
  if (!needle) {
    return entries;
  }
  const kept = entries.filter((entry) => isSeparator(entry) || `${entry.label} ${entry.description ?? ''}`.toLowerCase().includes(needle));
  return kept.filter((entry, index) => !isSeparator(entry) || (index + 1 < kept.length && !isSeparator(kept[index + 1])));
}
