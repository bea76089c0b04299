import * as vscode from 'vscode';
import type { EntraGroup, GroupPage, IdentityHost } from '../identity/model';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { describeError } from '../ui/describeError';
import { runAddToGroup } from '../ui/hostWrites';
import { groupScript } from '../ui/writeScripts';
import { alreadyMemberMessage } from '../ui/messages';
import { pickWithSearch, type SearchPage } from '../ui/quickPick';
import { groupEntries, noGroupsMatch, type GroupPick } from '../ui/quickPickItems';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { systemAssignedOn } from './vmRequirements';
import { bulkAddToGroup, selectedHosts } from './bulk';

const t = vscode.l10n.t;

/** Type-ahead search of Microsoft Entra groups (debounced, paged); groups the identity is in are shown as such. */
export async function addToGroup(context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]): Promise<void> {
  const many = selectedHosts(services, node, nodes);
  if (many) {
    return bulkAddToGroup(context, services, many);
  }
  const { host, subscription } = await resolveHost(context, services, node, systemAssignedOn);
  const known = services.store.knownGroups(host);
  // The pick opens at once; the first results show once the memberships are known too.
  const memberships = known ? Promise.resolve(known) : loadMemberships(services, host);
  const subscriptionId = subscription.subscriptionId;
  const toPage = (page: GroupPage, groups: EntraGroup[]): SearchPage<GroupPick> => ({
    entries: groupEntries(page.groups, groups, page.nextPageLink !== undefined, t),
    more: page.nextPageLink
      ? async (signal) => toPage(await services.operations.nextGroupPage(subscriptionId, page.nextPageLink!, { signal }), groups)
      : undefined,
  });
  const pick = await pickWithSearch<GroupPick>(
    {
      title: t("Add the System-Assigned Identity of '{0}' to a Group", services.store.hostLabel(host)),
      placeholder: t('Type to search Microsoft Entra groups by name'),
      search: async (text, signal) => toPage(await services.operations.searchGroups(subscriptionId, text, { signal }), await memberships),
      noMatches: (text) => noGroupsMatch(text, t),
      scriptOf: (data) => (data.kind === 'group' ? groupScript('addToGroup', host, data.group) : undefined),
    },
    (data) => data.kind === 'loadMore',
  );
  if (pick.data.kind !== 'group') {
    return;
  }
  if (pick.locked) {
    void vscode.window.showInformationMessage(alreadyMemberMessage(services.store.hostLabel(host), pick.data.group.displayName, t));
    return;
  }
  await runAddToGroup(services, host, pick.data.group);
}

/** Marking current groups is a help, not a must: a sign-in that may not read memberships can still add. */
async function loadMemberships(services: Services, host: IdentityHost): Promise<EntraGroup[]> {
  try {
    // An explicit action: Microsoft Graph may ask for consent here, before the search needs it anyway.
    return await services.operations.listGroupMemberships(host, { allowSignInPrompt: true });
  } catch (error) {
    services.log.warn(`Could not list the groups of ${services.store.hostLabel(host)}; continuing without marking them: ${describeError(error)}`);
    return [];
  }
}
