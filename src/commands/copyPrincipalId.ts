import * as vscode from 'vscode';
import type { IActionContext } from '../ui/azext';
import { copyToClipboard } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import { pickOne } from '../ui/quickPick';
import type { Services } from '../ui/services';
import { principalItems } from '../ui/quickPickItems';
import { hasPrincipal } from './vmRequirements';

const t = vscode.l10n.t;

/**
 * A user-assigned identity's item: its principal. A VM's or system identity's item: the system-assigned one; a VM
 * without one: its only user-assigned one, else a pick among them. From the palette: a pick.
 */
export async function copyPrincipalId(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const resolved = await resolveVm(context, services, node, hasPrincipal);
  let principalId: string | undefined;
  if (resolved.node?.kind === 'userIdentity') {
    principalId = resolved.node.principalId;
  } else if (resolved.node?.kind === 'vm' || resolved.node?.kind === 'systemIdentity') {
    principalId = resolved.vm.identity.principalId;
  }
  const principals = principalItems(resolved.vm, t);
  if (!principalId && resolved.node?.kind === 'vm' && principals.length === 1) {
    principalId = principals[0].data;
  }
  if (!principalId) {
    principalId = await pickOne(context, principals, {
      placeHolder: t('Select the identity whose principal ID to copy'),
      noPicksMessage: t("'{0}' has no managed identity", resolved.vm.name),
      stepName: 'principal',
    });
  }
  await copyToClipboard(t('principal ID'), principalId);
}
