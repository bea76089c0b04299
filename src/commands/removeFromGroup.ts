import * as vscode from 'vscode';
import type { EntraGroup } from '../identity/model';
import type { IActionContext } from '../ui/azext';
import { runVmWrite, showResult } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import { pickOne } from '../ui/quickPick';
import type { Services } from '../ui/services';
import { removeFromGroupConfirmation } from '../ui/messages';
import { membershipItems } from '../ui/quickPickItems';
import { systemAssignedOn } from './vmRequirements';

const t = vscode.l10n.t;

/** From a group's item: that group. Otherwise a pick among the identity's groups. Asks first. */
export async function removeFromGroup(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const resolved = await resolveVm(context, services, node, systemAssignedOn);
  // The VM with its identity (the tree's latest), so the operations module need not read it again.
  const vm = services.tree.knownVm(resolved.vm) ?? resolved.vm;
  let group: EntraGroup;
  if (resolved.node?.kind === 'group') {
    group = resolved.node.group;
  } else {
    const known = services.tree.knownMemberships(vm);
    const memberships = known ? Promise.resolve(known) : services.operations.listGroupMemberships(vm, { allowSignInPrompt: true });
    group = await pickOne(context, memberships.then(membershipItems), {
      placeHolder: t('Select the group to remove {0} from', vm.name),
      loadingPlaceHolder: t('Loading group memberships...'),
      noPicksMessage: t("The identity of '{0}' is not a member of any group", vm.name),
      stepName: 'group',
    });
  }
  await context.ui.showWarningMessage(
    removeFromGroupConfirmation(group.displayName, vm.name, t),
    { modal: true, stepName: 'confirmRemoveFromGroup' },
    { title: t('Remove') },
  );
  try {
    await runVmWrite(services, vm, t("Removing the identity of '{0}' from '{1}'...", vm.name, group.displayName), (options) =>
      services.operations.removeFromGroup(vm, group.id, { ...options, groupName: group.displayName }),
    );
  } catch (error) {
    services.tree.updateMemberships(vm); // unknown outcome: read them again when shown
    throw error;
  }
  services.tree.updateMemberships(vm, (groups) => groups.filter((known) => known.id.toLowerCase() !== group.id.toLowerCase()));
  const message = t("Removed the system-assigned identity of '{0}' from the group '{1}'.", vm.name, group.displayName);
  services.log.info(message);
  void showResult(services, vm, message);
}
