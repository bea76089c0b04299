import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { resolveHost } from './resolveHost';
import type { Services } from './services';

export async function showIdentityJson(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node);
  await services.identityJson.show(host);
}
