import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import type { IdentityChange } from '../identity/model';
import { runIdentityWrite } from '../ui/hostWrites';
import { identityChangeScript } from '../ui/writeScripts';
import { confirmWrite } from '../ui/scriptActions';
import { disableSystemConfirmation } from '../ui/messages';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { systemAssignedOn } from './vmRequirements';
import { bulkDisableSystemAssigned, selectedHosts } from './bulk';

export async function disableSystemAssigned(context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]): Promise<void> {
  const many = selectedHosts(services, node, nodes);
  if (many) {
    return bulkDisableSystemAssigned(context, services, many);
  }
  const { host } = await resolveHost(context, services, node, systemAssignedOn);
  // Throws UserCancelledError (nothing changes) unless the user presses Disable; Copy as Script sends nothing either.
  const change: IdentityChange = { kind: 'disableSystemAssigned' };
  await confirmWrite(context, disableSystemConfirmation(services.store.hostLabel(host), vscode.l10n.t), 'confirmDisable', vscode.l10n.t('Disable'), identityChangeScript(host, change));
  await runIdentityWrite(services, host, vscode.l10n.t("Disabling the system-assigned identity of '{0}'...", services.store.hostLabel(host)), change);
}
