import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/hostWrites';
import { disableSystemConfirmation } from '../ui/messages';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { systemAssignedOn } from './vmRequirements';

export async function disableSystemAssigned(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node, systemAssignedOn);
  // Throws UserCancelledError (nothing changes) unless the user presses Disable.
  await context.ui.showWarningMessage(
    disableSystemConfirmation(host.name, vscode.l10n.t),
    { modal: true, stepName: 'confirmDisable' },
    { title: vscode.l10n.t('Disable') },
  );
  await runIdentityWrite(services, host, vscode.l10n.t("Disabling the system-assigned identity of '{0}'...", host.name), { kind: 'disableSystemAssigned' });
}
