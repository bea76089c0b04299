import { isTreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import type { Services } from '../ui/services';

/** From the view's title: everything. From a subscription or VM item: that item. */
export async function refresh(_context: IActionContext, services: Services, node?: unknown): Promise<void> {
  await services.tree.refresh(isTreeNode(node) ? node : undefined);
}
