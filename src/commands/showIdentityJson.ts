import type { IActionContext } from '../ui/azext';
import { resolveVm } from '../ui/pickVm';
import type { Services } from '../ui/services';

export async function showIdentityJson(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const { vm } = await resolveVm(context, services, node);
  await services.identityJson.show(vm);
}
