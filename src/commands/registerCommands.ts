// Every command, registered through azext-utils (error handling, "Show Log" on errors, no telemetry sent).
import type { IActionContext } from '../ui/azext';
import { registerCommand } from '../ui/azext';
import type { ErrorNode } from '../tree/nodes';
import type { Services } from '../ui/services';
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
import { refresh } from './refresh';
import { removeFromGroup } from './removeFromGroup';
import { removeUserAssigned } from './removeUserAssigned';
import { selectSubscriptions } from './selectSubscriptions';
import { showIdentityJson } from './showIdentityJson';
import { signIn } from './signIn';
import { signInToTenant } from './signInToTenant';

type Command = (context: IActionContext, services: Services, node?: unknown) => Promise<void>;

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
  retry: async (_context, services, node) => services.tree.retry(node as ErrorNode),
};

export function registerCommands(services: Services): void {
  for (const [name, command] of Object.entries(COMMANDS)) {
    registerCommand(`azureVmIdentities.${name}`, (context: IActionContext, node?: unknown) => command(context, services, node));
  }
}
