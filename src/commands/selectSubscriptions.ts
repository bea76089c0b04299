import * as vscode from 'vscode';
import type { Subscription } from '../identity/model';
import { sameResourceId } from '../identity/resourceIds';
import type { IActionContext, IAzureQuickPickItem } from '../ui/azext';
import { subscriptionItems } from '../ui/quickPickItems';
import { ensureSignedIn } from './resolveHost';
import type { Services } from './services';

const t = vscode.l10n.t;

/** Chooses the subscriptions the tree shows; remembered across sessions. Choosing all clears the filter. */
export async function selectSubscriptions(context: IActionContext, services: Services): Promise<void> {
  await ensureSignedIn(services);
  const all = services.store.loadSubscriptions();
  const selected = services.subscriptionFilter.selectedIds();
  const items = all.then((subscriptions) => subscriptionItems(subscriptions).map((item): IAzureQuickPickItem<Subscription> => ({ ...item })));
  const picks = await context.ui.showQuickPick(items, {
    placeHolder: t('Select the subscriptions to show'),
    loadingPlaceHolder: t('Loading subscriptions...'),
    canPickMany: true,
    // Each item's description is its subscription id.
    isPickSelected: (pick) => !selected || selected.some((id) => sameResourceId(id, pick.description ?? '')),
    suppressPersistence: true,
    stepName: 'subscriptions',
  });
  const count = (await all).length;
  await services.subscriptionFilter.select(picks.length === count ? undefined : picks.map((pick) => pick.data.subscriptionId));
  services.store.reloadAll();
}
