import * as vscode from 'vscode';
import { isIdentityError } from '../identity/identityError';
import type { EntraGroup, GroupPage, VirtualMachine } from '../identity/model';
import type { IActionContext } from '../ui/azext';
import { describeError } from '../ui/errors';
import { runVmWrite, showResult } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import { pickWithSearch, type SearchPage } from '../ui/quickPick';
import type { Services } from '../ui/services';
import { alreadyMemberMessage } from '../ui/messages';
import { groupEntries, type GroupPick } from '../ui/quickPickItems';
import { systemAssignedOn } from './vmRequirements';

const t = vscode.l10n.t;

/** Type-ahead search of Microsoft Entra groups (debounced, paged); groups the identity is in are shown as such. */
export async function addToGroup(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const resolved = await resolveVm(context, services, node, systemAssignedOn);
  const subscription = resolved.subscription;
  // The VM with its identity (the tree's latest), so the operations module need not read it again.
  const vm = services.tree.knownVm(resolved.vm) ?? resolved.vm;
  const memberships = services.tree.knownMemberships(vm) ?? (await loadMemberships(services, vm));
  const subscriptionId = subscription.subscriptionId;
  const toPage = (page: GroupPage): SearchPage<GroupPick> => ({
    entries: groupEntries(page.groups, memberships, page.nextPageLink !== undefined, t),
    more: page.nextPageLink
      ? (signal) => services.operations.nextGroupPage(subscriptionId, page.nextPageLink!, { signal }).then(toPage)
      : undefined,
  });
  const pick = await pickWithSearch<GroupPick>(
    {
      title: t("Add the System-Assigned Identity of '{0}' to a Group", vm.name),
      placeholder: t('Type to search Microsoft Entra groups by name'),
      search: (text, signal) => services.operations.searchGroups(subscriptionId, text, { signal }).then(toPage),
    },
    (data) => data.kind === 'loadMore',
  );
  if (pick.data.kind !== 'group') {
    return;
  }
  if (pick.locked) {
    void vscode.window.showInformationMessage(alreadyMemberMessage(vm.name, pick.data.group.displayName, t));
    return;
  }
  await addToChosenGroup(services, vm, pick.data.group);
}

/** Marking current groups is a help, not a must: a sign-in that may not read memberships can still add. */
async function loadMemberships(services: Services, vm: VirtualMachine): Promise<EntraGroup[]> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Loading group memberships...') }, () =>
      // An explicit action: Microsoft Graph may ask for consent here, before the search needs it anyway.
      services.operations.listGroupMemberships(vm, { allowSignInPrompt: true }),
    );
  } catch (error) {
    services.log.warn(`Could not list the groups of ${vm.name}; continuing without marking them: ${describeError(error)}`);
    return [];
  }
}

async function addToChosenGroup(services: Services, vm: VirtualMachine, group: EntraGroup): Promise<void> {
  try {
    await runVmWrite(services, vm, t("Adding the identity of '{0}' to '{1}'...", vm.name, group.displayName), (options) =>
      services.operations.addToGroup(vm, group.id, { ...options, groupName: group.displayName }),
    );
  } catch (error) {
    if (isIdentityError(error) && error.kind === 'alreadyMember') {
      void vscode.window.showInformationMessage(error.message);
      services.tree.updateMemberships(vm, (groups) => withGroup(groups, group));
      return;
    }
    services.tree.updateMemberships(vm); // unknown outcome: read them again when shown
    throw error;
  }
  services.tree.updateMemberships(vm, (groups) => withGroup(groups, group));
  const message = t("Added the system-assigned identity of '{0}' to the group '{1}'.", vm.name, group.displayName);
  services.log.info(message);
  void showResult(services, vm, message);
}

function withGroup(groups: EntraGroup[], group: EntraGroup): EntraGroup[] {
  return groups.some((known) => known.id.toLowerCase() === group.id.toLowerCase()) ? groups : [...groups, group];
}
