import * as vscode from 'vscode';
import type { IActionContext } from '../ui/azext';
import { copyToClipboard } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import { pickOne } from '../ui/quickPick';
import type { Services } from '../ui/services';
import { clientIdItems } from '../ui/quickPickItems';
import { hasClientId } from './vmRequirements';

const t = vscode.l10n.t;

export async function copyClientId(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const resolved = await resolveVm(context, services, node, hasClientId);
  let clientId = resolved.node?.kind === 'userIdentity' ? resolved.node.clientId : undefined;
  if (!clientId) {
    clientId = await pickOne(context, clientIdItems(resolved.vm), {
      placeHolder: t('Select the user-assigned identity whose client ID to copy'),
      noPicksMessage: t("'{0}' has no user-assigned identity", resolved.vm.name),
      stepName: 'clientId',
    });
  }
  await copyToClipboard(t('client ID'), clientId);
}
