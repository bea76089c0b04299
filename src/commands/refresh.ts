import { principalIdOf } from '../identity/accessOperations';
import type { TreeNode } from '../tree/nodes';
import { accessPrincipalOf } from '../ui/accessItems';
import type { IActionContext } from '../ui/azext';
import type { Services } from './services';

/** The view's title-bar button and the palette: everything, whatever item is selected (VS Code passes the selected
 *  item to a view/title command, so this one takes no node). */
export async function refreshAll(_context: IActionContext, services: Services): Promise<void> {
  services.store.reloadAll();
}

/** From a subscription or VM item: that item (a VM's groups are read again too); everything without one. */
export async function refresh(_context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  switch (node?.kind) {
    case 'vm':
      await services.store.refreshHost(node.ref);
      return;
    case 'subscription':
      services.store.reloadSubscription(node.subscription.subscriptionId);
      return;
    default:
      services.store.reloadAll();
  }
}

/** Retry on an error item: loads again what failed. Group memberships may now ask for Microsoft Graph consent. */
export async function retry(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  if (node?.kind !== 'error') {
    return;
  }
  if (node.retry?.kind === 'roleAssignments') {
    const host = services.store.host(node.retry.vmNode.ref);
    const principal = host && accessPrincipalOf(host, node.retry.userAssignedId);
    if (principal) {
      services.store.forgetRoleAssignments(principalIdOf(principal));
    }
    return;
  }
  if (node.retry?.kind === 'systemIdentity') {
    services.store.retryMemberships(node.retry.vmNode.ref);
    return;
  }
  await refresh(context, services, node.retry);
}
