import type { IdentityHost, ResourceGroup, Subscription, UserAssignedIdentity, VirtualNetwork } from '../../identity/model';
import type { AdminCredential, VmImage } from '../../identity/newVirtualMachine';
import type { IdentityOperations } from '../../identity/operations';
import type { IActionContext } from '../../ui/azext';

/** A subnet offered for the new VM's NIC, with its network. */
export interface SubnetChoice {
  network: VirtualNetwork;
  subnet: VirtualNetwork['subnets'][number];
}

export interface CreateVmWizardContext extends IActionContext {
  operations: IdentityOperations;
  subscription: Subscription;
  /** Loaded once when the wizard starts; each step awaits what it needs. */
  virtualNetworks: Promise<VirtualNetwork[]>;
  /** The subscription's hosts (the store's list, loaded if it was not), to mark a taken name. */
  existingHosts: Promise<IdentityHost[]>;
  availableIdentities: Promise<UserAssignedIdentity[]>;
  resourceGroup?: ResourceGroup;
  image?: VmImage;
  vmName?: string;
  vmSize?: string;
  adminUsername?: string;
  /** Held only until the create call; never logged. */
  credential?: AdminCredential;
  subnet?: SubnetChoice;
  systemAssigned?: boolean;
  userAssignedIdentities?: UserAssignedIdentity[];
}
