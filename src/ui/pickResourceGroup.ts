// The resource-group pick of the create wizards: a group the wizard cannot use is refused with the reason shown, and
// the pick opens again (Back still goes to the previous step), so nobody types everything else first.
import * as vscode from 'vscode';
import type { ResourceGroup, Subscription } from '../identity/model';
import type { IActionContext, IAzureQuickPickItem } from './azext';

const t = vscode.l10n.t;

export async function pickResourceGroup(
  context: IActionContext & { subscription: Subscription },
  items: Promise<IAzureQuickPickItem<ResourceGroup>[]>,
  placeHolder: string,
  /** Why a group cannot be used, or undefined when it can. */
  refusal: (group: ResourceGroup) => Promise<string | undefined>,
): Promise<ResourceGroup> {
  let problem: string | undefined;
  for (;;) {
    const pick = await context.ui.showQuickPick(items, {
      placeHolder: problem ?? placeHolder,
      loadingPlaceHolder: t('Loading resource groups...'),
      noPicksMessage: t('No resource groups in {0}', context.subscription.displayName),
      suppressPersistence: true,
      stepName: 'resourceGroup',
    });
    problem = await refusal(pick.data);
    if (!problem) {
      return pick.data;
    }
  }
}
