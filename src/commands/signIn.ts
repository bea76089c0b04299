import type { IActionContext } from '../ui/azext';
import type { Services } from '../ui/services';

export async function signIn(_context: IActionContext, services: Services): Promise<void> {
  await services.session.signIn();
  await services.tree.refresh();
}
