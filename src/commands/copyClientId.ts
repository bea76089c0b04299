import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { pickOne } from '../ui/quickPick';
import { clientIdItems } from '../ui/quickPickItems';
import { copyToClipboard } from '../ui/followUps';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { hasClientId } from './vmRequirements';

const t = vscode.l10n.t;

export async function copyClientId(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node, hasClientId);
  const clientId =
    (node?.kind === 'userIdentity' ? node.clientId : undefined) ??
    (await pickOne(context, clientIdItems(host), {
      placeHolder: t('Select the user-assigned identity whose client ID to copy'),
      noPicksMessage: t("'{0}' has no user-assigned identity", services.store.hostLabel(host)),
      stepName: 'clientId',
    }));
  await copyToClipboard(t('client ID'), clientId);
}
