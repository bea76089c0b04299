import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import type { Services } from './services';

/** From the view's title: everything. From a subscription or VM item: that item (a VM's groups are read again too). */
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
  if (node.retry?.kind === 'systemIdentity') {
    services.store.retryMemberships(node.retry.vmNode.ref);
    return;
  }
  await refresh(context, services, node.retry);
}
