// What the access commands and tree items show (issue 9), as plain data: the identities of a host to grant to, the
// kinds of scope, resource types, resources, roles (most used first, marked when held), an assignment as the tree
// shows it, and the questions Revoke and Delete ask. No `vscode` import (unit-tested).
import type { AccessPrincipal, IdentityDeletionImpact, RoleAssignmentEntry } from '../identity/accessOperations';
import { hasSystemAssigned } from '../identity/identityChange';
import { quoteList, type Localize } from '../identity/localize';
import type { AzureResource, IdentityHost, ResourceGroup, Subscription } from '../identity/model';
import { sortBy } from '../identity/ordering';
import { parseUserAssignedIdentityId, resourceNameFromId, sameResourceId } from '../identity/resourceIds';
import type { RoleChoice, RoleDefinition } from '../identity/roles';
import { describeScope, type ScopeNames } from '../identity/scopes';
import type { PickEntry, PickItem } from './quickPickItems';

/** The identities of a host that can be given access: its system-assigned one, then each user-assigned one by name.
 *  A user-assigned identity whose principal the host does not report cannot be granted to from here. */
export function accessPrincipals(host: IdentityHost): AccessPrincipal[] {
  const userAssigned = sortBy(Object.keys(host.identity.userAssignedIdentities), (id) => resourceNameFromId(id));
  return [accessPrincipalOf(host), ...userAssigned.map((id) => accessPrincipalOf(host, id))].filter((p): p is AccessPrincipal => p !== undefined);
}

/** The host's system-assigned identity (no `userAssignedId`) or one of its user-assigned identities, as a principal to
 *  list or grant access for; undefined when the host does not have it or reports no principal for it. A user-assigned
 *  identity's assignments are in its own subscription. */
export function accessPrincipalOf(host: IdentityHost, userAssignedId?: string): AccessPrincipal | undefined {
  if (userAssignedId === undefined) {
    const principalId = hasSystemAssigned(host.identity.type) ? host.identity.principalId : undefined;
    return principalId ? { kind: 'systemAssigned', host, principalId } : undefined;
  }
  const found = Object.entries(host.identity.userAssignedIdentities).find(([id]) => sameResourceId(id, userAssignedId));
  const principalId = found?.[1].principalId;
  if (!found || !principalId) {
    return undefined;
  }
  const [id] = found;
  return { kind: 'userAssigned', identity: { id, name: resourceNameFromId(id), subscriptionId: parseUserAssignedIdentityId(id)?.subscriptionId ?? host.subscriptionId, principalId } };
}

/** Grant Access's first step when the host has more than one identity. */
export function grantPrincipalItems(principals: AccessPrincipal[], t: Localize): PickItem<AccessPrincipal>[] {
  return principals.map((principal) =>
    principal.kind === 'systemAssigned'
      ? { label: t('System-assigned identity'), description: principal.principalId, iconId: 'pass-filled', data: principal }
      : { label: principal.identity.name, description: t('user-assigned · {0}', principal.identity.principalId), iconId: 'key', data: principal },
  );
}

export type ScopeKind = 'subscription' | 'resourceGroup' | 'resource';

export function scopeKindItems(subscription: Subscription, t: Localize): PickItem<ScopeKind>[] {
  return [
    { label: t('A resource'), detail: t('Find a storage account, key vault, container registry or any other resource by name'), iconId: 'symbol-field', data: 'resource' },
    { label: t('A resource group'), detail: t('Every resource in the group, now and later'), iconId: 'folder', data: 'resourceGroup' },
    { label: t('The subscription'), description: subscription.displayName, detail: t('Every resource in the subscription, now and later'), iconId: 'azure', data: 'subscription' },
  ];
}

/** The resource types offered as a filter, the usual targets of a managed identity first; undefined is every type. */
export function resourceTypeItems(t: Localize): PickItem<string | undefined>[] {
  return [
    { label: t('Storage accounts'), description: 'Microsoft.Storage/storageAccounts', data: 'Microsoft.Storage/storageAccounts' },
    { label: t('Key vaults'), description: 'Microsoft.KeyVault/vaults', data: 'Microsoft.KeyVault/vaults' },
    { label: t('Container registries'), description: 'Microsoft.ContainerRegistry/registries', data: 'Microsoft.ContainerRegistry/registries' },
    { label: t('Service Bus namespaces'), description: 'Microsoft.ServiceBus/namespaces', data: 'Microsoft.ServiceBus/namespaces' },
    { label: t('Any type'), data: undefined },
  ];
}

export function resourceGroupScopeItems(subscriptionId: string, groups: ResourceGroup[]): PickItem<string>[] {
  return sortBy(groups, (group) => group.name).map((group) => ({
    label: group.name,
    description: group.location,
    data: `/subscriptions/${subscriptionId}/resourceGroups/${group.name}`,
  }));
}

/** Search results: name, then type and resource group. */
export function resourceScopeItems(resources: AzureResource[], t: Localize): PickItem<AzureResource>[] {
  return resources.map((resource) => ({
    label: resource.name,
    description: t('{0} · {1}', resource.type, resource.resourceGroup),
    data: resource,
  }));
}

/**
 * The roles assignable at the scope: the ones most used with managed identities first, under their own separator,
 * then the rest; each with its description, and marked when the identity already holds it here (locked: nothing to
 * do) or from a higher scope.
 */
export function roleEntries(choices: RoleChoice[], names: ScopeNames, t: Localize): PickEntry<RoleDefinition>[] {
  const item = (choice: RoleChoice): PickItem<RoleDefinition> => {
    const marks = [
      choice.role.type === 'CustomRole' ? t('custom role') : undefined,
      choice.held === 'here' ? t('already held here') : undefined,
      choice.held === 'inherited' ? t('already held through {0}', describeScope(choice.heldAt ?? '', names, t)) : undefined,
    ].filter((mark): mark is string => mark !== undefined);
    return {
      label: choice.role.roleName,
      description: marks.join(' · ') || undefined,
      detail: choice.role.description,
      iconId: choice.held ? 'check' : undefined,
      locked: choice.held === 'here',
      data: choice.role,
    };
  };
  const recommended = choices.filter((choice) => choice.recommended);
  const rest = choices.filter((choice) => !choice.recommended);
  return [
    ...(recommended.length > 0 ? [{ separator: true as const, label: t('Most used with managed identities') }, ...recommended.map(item)] : []),
    ...(rest.length > 0 ? [{ separator: true as const, label: t('All roles') }, ...rest.map(item)] : []),
  ];
}

/** An assignment as the tree shows it: the role, and the scope as a person reads it, inherited or not. */
export function roleAssignmentText(entry: RoleAssignmentEntry, names: ScopeNames, t: Localize): { label: string; description: string; tooltip: string } {
  const where = describeScope(entry.assignment.scope, names, t);
  return {
    label: entry.roleName,
    description: entry.inherited ? t('{0} (inherited)', where) : where,
    tooltip: [
      t("'{0}' on {1}", entry.roleName, where),
      entry.inherited ? t('Inherited: assigned on {0}, above this subscription.', where) : undefined,
      entry.assignment.scope,
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

/** The hosts that use an identity, for its item and for Remove's question: "vm-a, vm-b" or "not used by any VM". */
export function consumersText(consumers: readonly { name: string }[], t: Localize): string {
  return consumers.length === 0 ? t('not used by any virtual machine') : t('used by {0}', quoteList(consumers.map((host) => host.name)));
}

/** Delete User-Assigned Identity's question: what still uses the identity, and which assignments it leaves orphaned. */
export function deleteIdentityConfirmation(
  identityName: string,
  impact: IdentityDeletionImpact,
  names: ScopeNames,
  hostLabel: (host: IdentityHost) => string,
  t: Localize,
): string {
  const parts = [t("Delete the user-assigned identity '{0}'? This cannot be undone.", identityName)];
  parts.push(
    impact.consumers.length > 0
      ? t('These virtual machines still use it and lose its access: {0}.', quoteList(impact.consumers.map(hostLabel)))
      : t('No virtual machine in the selected subscriptions uses it.'),
  );
  if (impact.assignments.length > 0) {
    const listed = impact.assignments.map((entry) => t("'{0}' on {1}", entry.roleName, describeScope(entry.assignment.scope, names, t)));
    parts.push(t('Azure leaves its role assignments behind, orphaned (shown as "Identity not found"); remove them afterwards: {0}.', listed.join('; ')));
  }
  return parts.join('\n\n');
}

/** For Remove's question: which other VMs keep using each identity removed from `hostId` ("" when none was loaded);
 *  `hostLabel` names each (ResourceStore.hostLabel: with its resource group where names collide). */
export function otherConsumersText(
  identities: readonly { name: string; consumers: readonly IdentityHost[] | undefined }[],
  hostId: string,
  hostLabel: (host: IdentityHost) => string,
  t: Localize,
): string {
  return identities
    .filter((identity) => identity.consumers !== undefined)
    .map((identity) => {
      const others = identity.consumers!.filter((host) => !sameResourceId(host.id, hostId));
      return others.length > 0
        ? t("'{0}' stays in use by {1}.", identity.name, quoteList(others.map(hostLabel)))
        : t("'{0}' is used by no other virtual machine.", identity.name);
    })
    .join(' ');
}
