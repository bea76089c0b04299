import * as vscode from 'vscode';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import type { Services } from '../ui/services';
import { systemAssignedOff } from './vmRequirements';

export async function enableSystemAssigned(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const { vm } = await resolveVm(context, services, node, systemAssignedOff);
  await runIdentityWrite(
    services,
    vm,
    vscode.l10n.t("Enabling the system-assigned identity of '{0}'...", vm.name),
    { kind: 'enableSystemAssigned' },
  );
}
