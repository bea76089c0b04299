// "Select Subscriptions": which subscriptions the tree shows, remembered in globalState across sessions.
import type * as vscode from 'vscode';
import type { Subscription } from '../identity/model';
import { resourceKey } from '../identity/resourceIds';

const SELECTED_SUBSCRIPTIONS_KEY = 'azureVmIdentities.selectedSubscriptions';

export class SubscriptionFilter {
  constructor(private readonly memento: vscode.Memento) {}

  /** The chosen subscription ids, or undefined when the user never chose (then all are shown). */
  selectedIds(): string[] | undefined {
    return this.memento.get<string[]>(SELECTED_SUBSCRIPTIONS_KEY);
  }

  async select(ids: string[] | undefined): Promise<void> {
    await this.memento.update(SELECTED_SUBSCRIPTIONS_KEY, ids);
  }

  apply(subscriptions: Subscription[]): Subscription[] {
    return applySubscriptionFilter(subscriptions, this.selectedIds());
  }
}

export function applySubscriptionFilter(subscriptions: Subscription[], selectedIds: string[] | undefined): Subscription[] {
  if (!selectedIds) {
    return subscriptions;
  }
  const selected = new Set(selectedIds.map(resourceKey));
  return subscriptions.filter((s) => selected.has(resourceKey(s.subscriptionId)));
}
