import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { copyToClipboard } from '../ui/followUps';
import { resolveHost } from './resolveHost';
import type { Services } from './services';

/** A user-assigned identity's item: its id. Otherwise the VM's id. */
export async function copyResourceId(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node);
  await copyToClipboard(vscode.l10n.t('resource ID'), node?.kind === 'userIdentity' ? node.id : host.id);
}
