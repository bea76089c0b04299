// Every command, registered through azext-utils (error handling, "Show Log" on errors, no telemetry sent).
import { isTreeNode, type TreeNode } from '../tree/nodes';
import { registerCommand, type IActionContext } from '../ui/azext';
import { addToGroup } from './addToGroup';
import { assignUserAssigned } from './assignUserAssigned';
import { chooseTenants } from './chooseTenants';
import { copyClientId } from './copyClientId';
import { copyPrincipalId } from './copyPrincipalId';
import { copyResourceId } from './copyResourceId';
import { createUserAssignedIdentity } from './createUserAssignedIdentity';
import { createVirtualMachine } from './createVirtualMachine';
import { disableSystemAssigned } from './disableSystemAssigned';
import { enableSystemAssigned } from './enableSystemAssigned';
import { refresh, retry } from './refresh';
import { removeFromGroup } from './removeFromGroup';
import { removeUserAssigned } from './removeUserAssigned';
import { vmNodeFromAzureViewItem } from './resolveHost';
import { selectSubscriptions } from './selectSubscriptions';
import type { Services } from './services';
import { showIdentityJson } from './showIdentityJson';
import { signIn } from './signIn';
import { signInToTenant } from './signInToTenant';

/** A command gets the tree item it ran on (from a context menu or an inline action), or none (from the palette). */
type Command = (context: IActionContext, services: Services, node?: TreeNode) => Promise<void>;

/** Command ids (without the `azureVmIdentities.` prefix) and their handlers; package.json contributes the same ids. */
export const COMMANDS: Record<string, Command> = {
  enableSystemAssigned,
  disableSystemAssigned,
  assignUserAssigned,
  removeUserAssigned,
  createUserAssigned: createUserAssignedIdentity,
  createVirtualMachine,
  addToGroup,
  removeFromGroup,
  showIdentityJson,
  copyPrincipalId,
  copyClientId,
  copyResourceId,
  refresh,
  signIn,
  signInToTenant,
  chooseTenants,
  selectSubscriptions,
  showLog: async (_context, services) => services.log.show(),
  retry,
};

export function registerCommands(services: Services): void {
  for (const [name, command] of Object.entries(COMMANDS)) {
    registerCommand(`azureVmIdentities.${name}`, async (context: IActionContext, argument?: unknown) =>
      // Our tree's nodes, or a VM node of the Azure view (its "Managed Identities" submenu), or nothing.
      command(context, services, isTreeNode(argument) ? argument : await vmNodeFromAzureViewItem(services, argument)),
    );
  }
}
