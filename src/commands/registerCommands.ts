// Every command, run through azext-utils (error handling, "Show Log" on errors, no telemetry sent). The activation
// shell (extension.ts) registers the ids of package.json's commands and forwards each call here once the wiring is loaded.
import { isTreeNode, type TreeNode } from '../tree/nodes';
import { callWithTelemetryAndErrorHandling, type IActionContext } from '../ui/azext';
import { addToGroup } from './addToGroup';
import { assignUserAssigned } from './assignUserAssigned';
import { changeMany } from './bulk';
import { chooseTenants } from './chooseTenants';
import { copyClientId } from './copyClientId';
import { copyPrincipalId } from './copyPrincipalId';
import { copyResourceId } from './copyResourceId';
import { createUserAssignedIdentity } from './createUserAssignedIdentity';
import { createVirtualMachine } from './createVirtualMachine';
import { deleteUserAssignedIdentity } from './deleteUserAssignedIdentity';
import { grantAccess, grantAccessTo } from './grantAccess';
import { disableSystemAssigned } from './disableSystemAssigned';
import { enableSystemAssigned } from './enableSystemAssigned';
import { refresh, refreshAll, retry } from './refresh';
import { removeFromGroup } from './removeFromGroup';
import { removeUserAssigned } from './removeUserAssigned';
import { revokeAccess } from './revokeAccess';
import { vmNodeFromAzureViewItem } from './resolveHost';
import { selectSubscriptions } from './selectSubscriptions';
import type { Services } from './services';
import { showIdentityJson } from './showIdentityJson';
import { signIn } from './signIn';
import { signInToTenant } from './signInToTenant';
import { verifyIdentity } from './verifyIdentity';

/** A command gets the tree item it ran on (from a context menu or an inline action), or none (from the palette), and
 *  with a multi-selection in the tree every selected item (VS Code passes them as the second argument). */
type Command = (context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]) => Promise<void>;

/** Command ids (without the `azureVmIdentities.` prefix) and their handlers; package.json contributes the same ids. */
export const COMMANDS: Record<string, Command> = {
  enableSystemAssigned,
  disableSystemAssigned,
  assignUserAssigned,
  removeUserAssigned,
  createUserAssigned: createUserAssignedIdentity,
  createVirtualMachine,
  deleteUserAssignedIdentity,
  grantAccess,
  revokeAccess,
  addToGroup,
  removeFromGroup,
  showIdentityJson,
  verifyIdentity,
  copyPrincipalId,
  copyClientId,
  copyResourceId,
  refresh,
  refreshAll,
  signIn,
  signInToTenant,
  chooseTenants,
  selectSubscriptions,
  showLog: async (_context, services) => services.log.show(),
  retry,
  changeMany,
};

/** Runs a command by its full id as azext-utils' registerCommand would (errors shown and logged, none thrown), and
 *  sets up the "Grant Access..." follow-up that the write notifications offer. */
export function commandRunner(services: Services): (commandId: string, args: unknown[]) => Promise<unknown> {
  // "Grant Access..." on the notification after Enable, Assign or Create VM: the same command, for the host just written.
  services.grantAccess = async (host) => {
    await callWithTelemetryAndErrorHandling('azureVmIdentities.grantAccess', async (context: IActionContext) => {
      const subscriptionName = services.operations.accessGuard.scopeNames.subscriptionName?.(host.subscriptionId);
      await grantAccessTo(context, services, host, { subscriptionId: host.subscriptionId, displayName: subscriptionName ?? host.subscriptionId, tenantId: '' });
    });
  };
  return async (commandId, [argument, selection]) => {
    const command = COMMANDS[commandId.replace(/^azureVmIdentities\./, '')];
    if (!command) throw new Error(`Unknown command ${commandId}`);
    return callWithTelemetryAndErrorHandling(commandId, async (context: IActionContext) =>
      // Our tree's nodes (with the multi-selection), or a VM node of the Azure view (its "Managed Identities" submenu).
      command(
        context,
        services,
        isTreeNode(argument) ? argument : await vmNodeFromAzureViewItem(services, argument),
        Array.isArray(selection) ? selection.filter(isTreeNode) : undefined,
      ),
    );
  };
}
