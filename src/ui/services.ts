// What every command gets: the one operations module, the tree, the JSON tabs, the session and the log.
import type { IdentityOperations } from '../identity/operations';
import type { SubscriptionFilter } from '../tree/subscriptionFilter';
import type { VmTreeDataProvider } from '../tree/VmTreeDataProvider';
import type { IAzExtLogOutputChannel } from './azext';
import type { IdentityJsonProvider } from './identityJsonProvider';
import type { AccountSession } from './session';

export interface Services {
  operations: IdentityOperations;
  tree: VmTreeDataProvider;
  identityJson: IdentityJsonProvider;
  session: AccountSession;
  subscriptionFilter: SubscriptionFilter;
  log: IAzExtLogOutputChannel;
}
