// Identity changes on many VMs and scale sets at once: from the tree's multi-selection (VS Code passes the clicked
// node and every selected node), or from the palette's "Change Identities of Many Resources..." pick. Each change
// runs through runBulkWrites; destructive ones (disable, remove) ask first, listing the resources.
import * as vscode from 'vscode';
import type { EntraGroup, GroupPage, IdentityChange, IdentityHost } from '../identity/model';
import { quoteList } from '../identity/localize';
import { sortBy } from '../identity/ordering';
import { resourceKey, resourceNameFromId, sameResourceId } from '../identity/resourceIds';
import { vmNodeOf, type TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import type { ScriptOperation } from '../identity/scripts/equivalentScript';
import { runBulkGroupChange, runBulkIdentityChange } from '../ui/bulkWrites';
import { bulkGroupScript, bulkIdentityChangeScript } from '../ui/writeScripts';
import { confirmWrite } from '../ui/scriptActions';
import { pickMany, pickOne, pickWithSearch, type SearchPage } from '../ui/quickPick';
import { groupEntries, noGroupsMatch, vmItems, type GroupPick, type PickEntry, type PickItem } from '../ui/quickPickItems';
import { ensureSignedIn, pickSubscription } from './resolveHost';
import type { Services } from './services';

const t = vscode.l10n.t;

/** The hosts of a multi-selection in the tree (two or more distinct), as the store has them; else undefined. */
export function selectedHosts(services: Services, node: TreeNode | undefined, nodes: TreeNode[] | undefined): IdentityHost[] | undefined {
  if (!node || !nodes || nodes.length < 2) {
    return undefined;
  }
  const byKey = new Map<string, IdentityHost>();
  for (const selected of nodes) {
    const ref = vmNodeOf(selected)?.ref;
    const host = ref && services.store.host(ref);
    if (host) {
      byKey.set(resourceKey(host.id), host);
    }
  }
  return byKey.size >= 2 ? [...byKey.values()] : undefined;
}

/** Asks before a destructive bulk change, listing the resources, with "Copy as Script..." for the writes it would
 *  send; throws UserCancelledError unless confirmed. */
async function confirmBulk(context: IActionContext, services: Services, message: string, hosts: IdentityHost[], button: string, script: ScriptOperation | undefined): Promise<void> {
  const names = hosts.map(services.store.hostLabel);
  const listed = names.length > 20 ? [...names.slice(0, 20), t('and {0} more', names.length - 20)] : names;
  const question = `${message}\n\n${listed.join('\n')}`;
  if (script) {
    await confirmWrite(context, question, 'confirmBulk', button, script);
  } else {
    await context.ui.showWarningMessage(question, { modal: true, stepName: 'confirmBulk' }, { title: button });
  }
}

export async function bulkEnableSystemAssigned(_context: IActionContext, services: Services, hosts: IdentityHost[]): Promise<void> {
  await runBulkIdentityChange(services, hosts, t('Enabling the system-assigned identity of {0} resources...', hosts.length), () => ({ kind: 'enableSystemAssigned' }));
}

export async function bulkDisableSystemAssigned(context: IActionContext, services: Services, hosts: IdentityHost[]): Promise<void> {
  const disable = (): IdentityChange => ({ kind: 'disableSystemAssigned' });
  await confirmBulk(
    context,
    services,
    t('Disable the system-assigned identity of these {0} resources? Their service principals are deleted, with their group memberships and role assignments.', hosts.length),
    hosts,
    t('Disable'),
    bulkIdentityChangeScript(hosts, disable),
  );
  await runBulkIdentityChange(services, hosts, t('Disabling the system-assigned identity of {0} resources...', hosts.length), disable);
}

export async function bulkAssignUserAssigned(_context: IActionContext, services: Services, hosts: IdentityHost[]): Promise<void> {
  const subscriptionIds = [...new Map(hosts.map((host) => [resourceKey(host.subscriptionId), host.subscriptionId])).values()];
  const identities = Promise.all(subscriptionIds.map((id) => services.operations.listUserAssignedIdentities(id))).then((lists) =>
    sortBy(lists.flat(), (identity) => identity.name).map((identity) => ({ label: identity.name, description: identity.resourceGroup, detail: identity.id, data: identity.id })),
  );
  const ids = await pickMany<string>(identities, {
    title: t('Assign User-Assigned Identities to {0} Resources', hosts.length),
    placeholder: t('Select the user-assigned identities to assign to {0} resources', hosts.length),
    loadingPlaceholder: t('Loading user-assigned identities...'),
    scriptOf: (checked) =>
      checked.length > 0 ? bulkIdentityChangeScript(hosts, () => ({ kind: 'assignUserAssigned', ids: checked }))! : t('Check the identities to assign first.'),
  });
  if (ids.length === 0) {
    return;
  }
  await runBulkIdentityChange(services, hosts, t('Assigning {0} to {1} resources...', quoteList(ids.map(resourceNameFromId)), hosts.length), () => ({
    kind: 'assignUserAssigned',
    ids,
  }));
}

export async function bulkRemoveUserAssigned(context: IActionContext, services: Services, hosts: IdentityHost[]): Promise<void> {
  const attached = new Map<string, string>();
  for (const host of hosts) {
    for (const id of Object.keys(host.identity.userAssignedIdentities)) {
      attached.set(resourceKey(id), id);
    }
  }
  const entries: PickEntry<string>[] = sortBy([...attached.values()], resourceNameFromId).map((id) => ({ label: resourceNameFromId(id), detail: id, data: id }));
  const ids = await pickMany(entries, {
    title: t('Remove User-Assigned Identities from {0} Resources', hosts.length),
    placeholder: t('Select the user-assigned identities to remove from {0} resources', hosts.length),
  });
  if (ids.length === 0) {
    return;
  }
  const removeOwn = (host: IdentityHost): IdentityChange | undefined => {
    // Each host loses those of the chosen it has; one that has none of them is left alone (unchanged).
    const own = ids.filter((id) => Object.keys(host.identity.userAssignedIdentities).some((present) => sameResourceId(present, id)));
    return own.length > 0 ? { kind: 'removeUserAssigned', ids: own } : undefined;
  };
  await confirmBulk(context, services, t('Remove {0} from these {1} resources?', quoteList(ids.map(resourceNameFromId)), hosts.length), hosts, t('Remove'), bulkIdentityChangeScript(hosts, removeOwn));
  await runBulkIdentityChange(services, hosts, t('Removing {0} from {1} resources...', quoteList(ids.map(resourceNameFromId)), hosts.length), removeOwn);
}

async function pickGroup(services: Services, subscriptionId: string, title: string, scriptOf?: (group: EntraGroup) => ScriptOperation | undefined): Promise<EntraGroup | undefined> {
  const toPage = (page: GroupPage): SearchPage<GroupPick> => ({
    entries: groupEntries(page.groups, [], page.nextPageLink !== undefined, t),
    more: page.nextPageLink ? async (signal) => toPage(await services.operations.nextGroupPage(subscriptionId, page.nextPageLink!, { signal })) : undefined,
  });
  const pick = await pickWithSearch<GroupPick>(
    {
      title,
      placeholder: t('Type to search Microsoft Entra groups by name'),
      search: async (text, signal) => toPage(await services.operations.searchGroups(subscriptionId, text, { signal })),
      noMatches: (text) => noGroupsMatch(text, t),
      scriptOf: scriptOf && ((data) => (data.kind === 'group' ? scriptOf(data.group) : undefined)),
    },
    (data) => data.kind === 'loadMore',
  );
  return pick.data.kind === 'group' ? pick.data.group : undefined;
}

export async function bulkAddToGroup(_context: IActionContext, services: Services, hosts: IdentityHost[]): Promise<void> {
  const group = await pickGroup(services, hosts[0].subscriptionId, t('Add the System-Assigned Identities of {0} Resources to a Group', hosts.length), (picked) =>
    bulkGroupScript(hosts, picked, 'add'),
  );
  if (group) {
    await runBulkGroupChange(services, hosts, t("Adding {0} resources to '{1}'...", hosts.length, group.displayName), group, 'add');
  }
}

export async function bulkRemoveFromGroup(context: IActionContext, services: Services, hosts: IdentityHost[]): Promise<void> {
  const group = await pickGroup(services, hosts[0].subscriptionId, t('Remove the System-Assigned Identities of {0} Resources from a Group', hosts.length));
  if (!group) {
    return;
  }
  await confirmBulk(context, services, t("Remove these {0} resources from the group '{1}'?", hosts.length, group.displayName), hosts, t('Remove'), bulkGroupScript(hosts, group, 'remove'));
  await runBulkGroupChange(services, hosts, t("Removing {0} resources from '{1}'...", hosts.length, group.displayName), group, 'remove');
}

/** The palette's way to many: a subscription, a multi-select of its VMs and scale sets, then the change. */
export async function changeMany(context: IActionContext, services: Services): Promise<void> {
  await ensureSignedIn(services);
  const subscription = await pickSubscription(context, services);
  const hosts = await pickMany(
    services.store.hosts(subscription.subscriptionId).then((all) => vmItems(all, t)),
    {
      title: t('Change Identities of Many Resources'),
      placeholder: t('Select the virtual machines and scale sets to change'),
      loadingPlaceholder: t('Loading virtual machines and scale sets...'),
    },
  );
  if (hosts.length === 0) {
    return;
  }
  const actions: PickItem<(c: IActionContext, s: Services, h: IdentityHost[]) => Promise<void>>[] = [
    { label: t('Enable System-Assigned Identity'), data: bulkEnableSystemAssigned },
    { label: t('Disable System-Assigned Identity'), data: bulkDisableSystemAssigned },
    { label: t('Assign User-Assigned Identities...'), data: bulkAssignUserAssigned },
    { label: t('Remove User-Assigned Identities...'), data: bulkRemoveUserAssigned },
    { label: t('Add to Group...'), data: bulkAddToGroup },
    { label: t('Remove from Group...'), data: bulkRemoveFromGroup },
  ];
  const action = await pickOne(context, actions, { placeHolder: t('Select the change for {0} resources', hosts.length), stepName: 'bulkChange' });
  await action(context, services, hosts);
}
