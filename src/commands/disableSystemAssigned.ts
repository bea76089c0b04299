import * as vscode from 'vscode';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import type { Services } from '../ui/services';
import { disableSystemConfirmation } from '../ui/messages';
import { systemAssignedOn } from './vmRequirements';

export async function disableSystemAssigned(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const { vm } = await resolveVm(context, services, node, systemAssignedOn);
  // Throws UserCancelledError (nothing changes) unless the user presses Disable.
  await context.ui.showWarningMessage(
    disableSystemConfirmation(vm.name, vscode.l10n.t),
    { modal: true, stepName: 'confirmDisable' },
    { title: vscode.l10n.t('Disable') },
  );
  await runIdentityWrite(
    services,
    vm,
    vscode.l10n.t("Disabling the system-assigned identity of '{0}'...", vm.name),
    { kind: 'disableSystemAssigned' },
  );
}
