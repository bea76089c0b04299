import * as vscode from 'vscode';
import { quoteList } from '../identity/localize';
import type { IdentityChange } from '../identity/model';
import { resourceNameFromId } from '../identity/resourceIds';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { otherConsumersText } from '../ui/accessItems';
import { runIdentityWrite } from '../ui/hostWrites';
import { identityChangeScript } from '../ui/writeScripts';
import { removeUserAssignedConfirmation } from '../ui/messages';
import { pickMany } from '../ui/quickPick';
import { confirmWrite } from '../ui/scriptActions';
import { removeIdentityEntries, resolveRemovePicks, type RemoveChoice } from '../ui/quickPickItems';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { hasUserAssigned } from './vmRequirements';
import { bulkRemoveUserAssigned, selectedHosts } from './bulk';

const t = vscode.l10n.t;

/** From a user-assigned identity's item: removes that one. Otherwise: a multi-select with "Remove all". Asks first. */
export async function removeUserAssigned(context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]): Promise<void> {
  const many = selectedHosts(services, node, nodes);
  if (many) {
    return bulkRemoveUserAssigned(context, services, many);
  }
  const { host } = await resolveHost(context, services, node, hasUserAssigned);
  const choice: RemoveChoice =
    node?.kind === 'userIdentity'
      ? { kind: 'some', ids: [node.id] }
      : resolveRemovePicks(
          await pickMany(removeIdentityEntries(host, t), {
            title: t("Remove User-Assigned Identities from '{0}'", services.store.hostLabel(host)),
            placeholder: t('Select the user-assigned identities to remove from {0}', services.store.hostLabel(host)),
          }),
        );
  const ids = choice.kind === 'all' ? choice.expectedIds : choice.ids;
  const names = ids.map(resourceNameFromId);
  // Where else each identity is used (across the selected subscriptions), so the question says what stays.
  await Promise.all(ids.map((id) => services.store.loadConsumers(id)));
  const consumers = ids.map((id) => {
    const loaded = services.store.consumers(id);
    return { name: resourceNameFromId(id), consumers: loaded?.status === 'loaded' ? loaded.value : undefined };
  });
  const change: IdentityChange =
    choice.kind === 'some'
      ? { kind: 'removeUserAssigned', ids: choice.ids }
      // Refused (nothing sent) when the VM's identities are no longer the ones the confirmation listed.
      : { kind: 'removeAllUserAssigned', expectedIds: choice.expectedIds };
  const question = [removeUserAssignedConfirmation(names, services.store.hostLabel(host), choice.kind === 'all', t), otherConsumersText(consumers, host.id, services.store.hostLabel, t)]
    .filter(Boolean)
    .join('\n\n');
  await confirmWrite(context, question, 'confirmRemove', t('Remove'), identityChangeScript(host, change));
  await runIdentityWrite(services, host, t("Removing {0} from '{1}'...", quoteList(names), services.store.hostLabel(host)), change);
}
