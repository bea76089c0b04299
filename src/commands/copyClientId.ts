import * as vscode from 'vscode';
import type { IActionContext, IAzureQuickPickItem } from '../ui/azext';
import { copyToClipboard } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import type { Services } from '../ui/services';
import { clientIdItems } from './quickPickItems';
import { hasClientId } from './vmRequirements';

const t = vscode.l10n.t;

export async function copyClientId(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const resolved = await resolveVm(context, services, node, hasClientId);
  let clientId = resolved.node?.kind === 'userIdentity' ? resolved.node.clientId : undefined;
  if (!clientId) {
    const items = clientIdItems(resolved.vm).map((item): IAzureQuickPickItem<string> => ({ ...item }));
    clientId = (
      await context.ui.showQuickPick(items, {
        placeHolder: t('Select the user-assigned identity whose client ID to copy'),
        noPicksMessage: t("'{0}' has no user-assigned identity", resolved.vm.name),
        suppressPersistence: true,
        stepName: 'clientId',
      })
    ).data;
  }
  await copyToClipboard(t('client ID'), clientId);
}
