// What every command gets: the one operations module, the store, the JSON tabs, the session and the log.
import type { SubscriptionFilter } from '../tree/subscriptionFilter';
import type { AccountSession } from '../ui/accountSession';
import type { IAzExtLogOutputChannel } from '../ui/azext';
import type { HostWriteServices } from '../ui/hostWrites';

export interface Services extends HostWriteServices {
  session: AccountSession;
  subscriptionFilter: SubscriptionFilter;
  log: IAzExtLogOutputChannel;
}
