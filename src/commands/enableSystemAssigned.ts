import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/hostWrites';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { systemAssignedOff } from './vmRequirements';
import { bulkEnableSystemAssigned, selectedHosts } from './bulk';

export async function enableSystemAssigned(context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]): Promise<void> {
  const many = selectedHosts(services, node, nodes);
  if (many) {
    return bulkEnableSystemAssigned(context, services, many);
  }
  const { host } = await resolveHost(context, services, node, systemAssignedOff);
  await runIdentityWrite(services, host, vscode.l10n.t("Enabling the system-assigned identity of '{0}'...", services.store.hostLabel(host)), { kind: 'enableSystemAssigned' });
}
