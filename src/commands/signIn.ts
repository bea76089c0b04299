import type { IActionContext } from '../ui/azext';
import type { Services } from './services';

/** The session publishes the new state when done, which reloads the tree (extension.ts). */
export async function signIn(_context: IActionContext, services: Services): Promise<void> {
  await services.session.signIn();
}
