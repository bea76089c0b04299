import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { runRemoveFromGroup } from '../ui/hostWrites';
import { groupScript } from '../ui/writeScripts';
import { confirmWrite } from '../ui/scriptActions';
import { removeFromGroupConfirmation } from '../ui/messages';
import { pickOne } from '../ui/quickPick';
import { membershipItems } from '../ui/quickPickItems';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { systemAssignedOn } from './vmRequirements';
import { bulkRemoveFromGroup, selectedHosts } from './bulk';

const t = vscode.l10n.t;

/** From a group's item: that group. Otherwise a pick among the identity's groups. Asks first. */
export async function removeFromGroup(context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]): Promise<void> {
  const many = selectedHosts(services, node, nodes);
  if (many) {
    return bulkRemoveFromGroup(context, services, many);
  }
  const { host } = await resolveHost(context, services, node, systemAssignedOn);
  const known = services.store.knownGroups(host);
  const group =
    node?.kind === 'group'
      ? node.group
      : await pickOne(context, (known ? Promise.resolve(known) : services.operations.listGroupMemberships(host, { allowSignInPrompt: true })).then(membershipItems), {
          placeHolder: t('Select the group to remove {0} from', services.store.hostLabel(host)),
          loadingPlaceHolder: t('Loading group memberships...'),
          noPicksMessage: t("The identity of '{0}' is not a member of any group", services.store.hostLabel(host)),
          stepName: 'group',
        });
  const script = groupScript('removeFromGroup', host, group);
  if (script) {
    await confirmWrite(context, removeFromGroupConfirmation(group.displayName, services.store.hostLabel(host), t), 'confirmRemoveFromGroup', t('Remove'), script);
  } else {
    await context.ui.showWarningMessage(removeFromGroupConfirmation(group.displayName, services.store.hostLabel(host), t), { modal: true, stepName: 'confirmRemoveFromGroup' }, { title: t('Remove') });
  }
  await runRemoveFromGroup(services, host, group);
}
