import * as vscode from 'vscode';
import { isIdentityError } from '../identity/errors';
import type { EntraGroup, GroupPage, VirtualMachine } from '../identity/model';
import type { IActionContext } from '../ui/azext';
import { describeError } from '../ui/errors';
import { runVmWrite, showResult } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import { pickWithSearch, type SearchPage } from '../ui/quickPick';
import type { Services } from '../ui/services';
import { alreadyMemberMessage } from './messages';
import { groupEntries, type GroupPick } from './quickPickItems';
import { systemAssignedOn } from './vmRequirements';

const t = vscode.l10n.t;

/** Type-ahead search of Microsoft Entra groups (debounced, paged); groups the identity is in are shown as such. */
export async function addToGroup(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const { vm, subscription } = await resolveVm(context, services, node, systemAssignedOn);
  // Marking current groups is a help, not a must: a sign-in that may not read memberships can still add.
  const memberships = await vscode.window
    .withProgress({ location: vscode.ProgressLocation.Window, title: t('Loading group memberships...') }, () =>
      services.operations.listGroupMemberships(vm),
    )
    .then(undefined, (error: unknown) => {
      services.log.warn(`Could not list the groups of ${vm.name}; continuing without marking them: ${describeError(error)}`);
      return [];
    });
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

async function addToChosenGroup(services: Services, vm: VirtualMachine, group: EntraGroup): Promise<void> {
  try {
    await runVmWrite(services, vm, t("Adding the identity of '{0}' to '{1}'...", vm.name, group.displayName), (options) =>
      services.operations.addToGroup(vm, group.id, { ...options, groupName: group.displayName }),
    );
  } catch (error) {
    if (isIdentityError(error) && error.kind === 'alreadyMember') {
      void vscode.window.showInformationMessage(error.message);
      services.tree.invalidateMemberships(vm);
      return;
    }
    throw error;
  }
  services.tree.invalidateMemberships(vm);
  const message = t("Added the system-assigned identity of '{0}' to the group '{1}'.", vm.name, group.displayName);
  services.log.info(message);
  void showResult(services, vm, message);
}
