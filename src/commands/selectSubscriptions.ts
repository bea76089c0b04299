import * as vscode from 'vscode';
import type { Subscription } from '../identity/model';
import type { IActionContext, IAzureQuickPickItem } from '../ui/azext';
import { ensureSignedIn } from '../ui/pickVm';
import type { Services } from '../ui/services';
import { subscriptionItems } from '../ui/quickPickItems';

const t = vscode.l10n.t;

/** Chooses the subscriptions the tree shows; remembered across sessions. Choosing all clears the filter. */
export async function selectSubscriptions(context: IActionContext, services: Services): Promise<void> {
  await ensureSignedIn(services);
  const all = await services.operations.listSubscriptions();
  const selected = services.subscriptionFilter.selectedIds()?.map((id) => id.toLowerCase());
  const picks = await context.ui.showQuickPick(
    subscriptionItems(all).map((item): IAzureQuickPickItem<Subscription> => ({ ...item })),
    {
      placeHolder: t('Select the subscriptions to show'),
      canPickMany: true,
      isPickSelected: (pick) =>
        !selected || selected.includes(((pick as IAzureQuickPickItem<Subscription>).data.subscriptionId).toLowerCase()),
      suppressPersistence: true,
      stepName: 'subscriptions',
    },
  );
  await services.subscriptionFilter.select(picks.length === all.length ? undefined : picks.map((pick) => pick.data.subscriptionId));
  await services.tree.refresh();
}
