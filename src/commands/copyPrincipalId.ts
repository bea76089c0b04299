import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { pickOne } from '../ui/quickPick';
import { principalItems } from '../ui/quickPickItems';
import { copyToClipboard } from '../ui/followUps';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { hasPrincipal } from './vmRequirements';

const t = vscode.l10n.t;

/**
 * A user-assigned identity's item: its principal. A VM's or system identity's item: the system-assigned one; a VM
 * without one: its only user-assigned one, else a pick among them. From the palette: a pick.
 */
export async function copyPrincipalId(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node, hasPrincipal);
  let principalId: string | undefined;
  if (node?.kind === 'userIdentity') {
    principalId = node.principalId;
  } else if (node?.kind === 'vm' || node?.kind === 'systemIdentity') {
    principalId = host.identity.principalId;
  }
  const principals = principalItems(host, t);
  if (!principalId && node?.kind === 'vm' && principals.length === 1) {
    principalId = principals[0].data;
  }
  if (!principalId) {
    principalId = await pickOne(context, principals, {
      placeHolder: t('Select the identity whose principal ID to copy'),
      noPicksMessage: t("'{0}' has no managed identity", services.store.hostLabel(host)),
      stepName: 'principal',
    });
  }
  await copyToClipboard(t('principal ID'), principalId);
}
