import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import type { IdentityChange } from '../identity/model';
import { runIdentityWrite } from '../ui/hostWrites';
import { identityChangeScript } from '../ui/writeScripts';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { systemAssignedOff } from './vmRequirements';
import { bulkEnableSystemAssigned, selectedHosts } from './bulk';

export async function enableSystemAssigned(context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]): Promise<void> {
  const many = selectedHosts(services, node, nodes);
  if (many) {
    return bulkEnableSystemAssigned(context, services, many);
  }
  const change: IdentityChange = { kind: 'enableSystemAssigned' };
  // From the palette the VM pick is the last step and offers the script; from the tree Enable runs at once (a
  // harmless change, no question asked), and its notification offers "Show Script".
  const { host } = await resolveHost(context, services, node, systemAssignedOff, (picked) => identityChangeScript(picked, change));
  await runIdentityWrite(services, host, vscode.l10n.t("Enabling the system-assigned identity of '{0}'...", services.store.hostLabel(host)), change);
}
