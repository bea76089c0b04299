import * as vscode from 'vscode';
import { quoteList } from '../identity/localize';
import { resourceNameFromId } from '../identity/resourceIds';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/hostWrites';
import { removeUserAssignedConfirmation } from '../ui/messages';
import { pickMany } from '../ui/quickPick';
import { removeIdentityEntries, resolveRemovePicks, type RemoveChoice } from '../ui/quickPickItems';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { hasUserAssigned } from './vmRequirements';

const t = vscode.l10n.t;

/** From a user-assigned identity's item: removes that one. Otherwise: a multi-select with "Remove all". Asks first. */
export async function removeUserAssigned(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node, hasUserAssigned);
  const choice: RemoveChoice =
    node?.kind === 'userIdentity'
      ? { kind: 'some', ids: [node.id] }
      : resolveRemovePicks(
          await pickMany(removeIdentityEntries(host, t), {
            title: t("Remove User-Assigned Identities from '{0}'", host.name),
            placeholder: t('Select the user-assigned identities to remove from {0}', host.name),
          }),
        );
  const ids = choice.kind === 'all' ? choice.expectedIds : choice.ids;
  const names = ids.map(resourceNameFromId);
  await context.ui.showWarningMessage(
    removeUserAssignedConfirmation(names, host.name, choice.kind === 'all', t),
    { modal: true, stepName: 'confirmRemove' },
    { title: t('Remove') },
  );
  await runIdentityWrite(
    services,
    host,
    t("Removing {0} from '{1}'...", quoteList(names), host.name),
    choice.kind === 'some'
      ? { kind: 'removeUserAssigned', ids: choice.ids }
      // Refused (nothing sent) when the VM's identities are no longer the ones the confirmation listed.
      : { kind: 'removeAllUserAssigned', expectedIds: choice.expectedIds },
  );
}
