import type { IdentityHost, ResourceGroup, Subscription, UserAssignedIdentity } from '../../identity/model';
import type { IdentityOperations } from '../../identity/operations';
import type { IActionContext } from '../../ui/azext';

export interface CreateIdentityWizardContext extends IActionContext {
  operations: IdentityOperations;
  subscription: Subscription;
  /** The VM the identity is meant for, if any: its resource group and location are the defaults. */
  vm?: IdentityHost;
  /** The subscription's identities, loaded once, to refuse a name that is taken. */
  existingIdentities?: Promise<UserAssignedIdentity[]>;
  newIdentityName?: string;
  resourceGroup?: ResourceGroup;
  location?: string;
}
