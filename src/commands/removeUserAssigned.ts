import * as vscode from 'vscode';
import { quoteList } from '../identity/localize';
import { resourceNameFromId } from '../identity/resourceIds';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import { pickMany } from '../ui/quickPick';
import type { Services } from '../ui/services';
import { removeUserAssignedConfirmation } from '../ui/messages';
import { removeIdentityEntries, resolveRemovePicks, type RemoveChoice } from '../ui/quickPickItems';
import { hasUserAssigned } from './vmRequirements';

const t = vscode.l10n.t;

/** From a user-assigned identity's item: removes that one. Otherwise: a multi-select with "Remove all". Asks first. */
export async function removeUserAssigned(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const resolved = await resolveVm(context, services, node, hasUserAssigned);
  const vm = resolved.vm;
  const choice: RemoveChoice =
    resolved.node?.kind === 'userIdentity'
      ? { kind: 'some', ids: [resolved.node.id] }
      : resolveRemovePicks(
          await pickMany(removeIdentityEntries(vm, t), {
            title: t("Remove User-Assigned Identities from '{0}'", vm.name),
            placeholder: t('Select the user-assigned identities to remove from {0}', vm.name),
          }),
        );
  const ids = choice.kind === 'all' ? choice.expectedIds : choice.ids;
  const names = ids.map(resourceNameFromId);
  await context.ui.showWarningMessage(
    removeUserAssignedConfirmation(names, vm.name, choice.kind === 'all', t),
    { modal: true, stepName: 'confirmRemove' },
    { title: t('Remove') },
  );
  await runIdentityWrite(
    services,
    vm,
    t("Removing {0} from '{1}'...", quoteList(names), vm.name),
    choice.kind === 'some'
      ? { kind: 'removeUserAssigned', ids: choice.ids }
      // Refused (nothing sent) when the VM's identities are no longer the ones the confirmation listed.
      : { kind: 'removeAllUserAssigned', expectedIds: choice.expectedIds },
  );
}
