// The one identity-operations module. The tree's context menu and the command palette both call it.
// SKELETON: the signatures are the contract for the UI; the core work (issue 3) fills in the bodies.
import type { AzureClientProvider } from '../azure/clients';
import type {
  EntraGroup,
  GroupPage,
  IdentityJson,
  OperationOptions,
  ResourceGroup,
  Subscription,
  UserAssignedIdentity,
  VirtualMachine,
  VmIdentity,
  VmRef,
} from './model';

export interface CreateUserAssignedIdentityRequest {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
}

export class IdentityOperations {
  constructor(private readonly clients: AzureClientProvider) {}

  // Reads (used by the tree and the quick picks)
  listSubscriptions(options?: OperationOptions): Promise<Subscription[]> { return notYet(this.clients, options); }
  listVirtualMachines(subscriptionId: string, options?: OperationOptions): Promise<VirtualMachine[]> { return notYet(subscriptionId, options); }
  getVirtualMachine(vm: VmRef, options?: OperationOptions): Promise<VirtualMachine> { return notYet(vm, options); }
  listResourceGroups(subscriptionId: string, options?: OperationOptions): Promise<ResourceGroup[]> { return notYet(subscriptionId, options); }
  listUserAssignedIdentities(subscriptionId: string, options?: OperationOptions): Promise<UserAssignedIdentity[]> { return notYet(subscriptionId, options); }
  getIdentityJson(vm: VmRef, options?: OperationOptions): Promise<IdentityJson> { return notYet(vm, options); }

  // Identity writes: each waits for the long-running operation and returns the VM's identity afterwards.
  enableSystemAssigned(vm: VmRef, options?: OperationOptions): Promise<VmIdentity> { return notYet(vm, options); }
  disableSystemAssigned(vm: VmRef, options?: OperationOptions): Promise<VmIdentity> { return notYet(vm, options); }
  assignUserAssigned(vm: VmRef, identityIds: string[], options?: OperationOptions): Promise<VmIdentity> { return notYet(vm, identityIds, options); }
  removeUserAssigned(vm: VmRef, identityIds: string[], options?: OperationOptions): Promise<VmIdentity> { return notYet(vm, identityIds, options); }
  removeAllUserAssigned(vm: VmRef, options?: OperationOptions): Promise<VmIdentity> { return notYet(vm, options); }
  createUserAssignedIdentity(request: CreateUserAssignedIdentityRequest, options?: OperationOptions): Promise<UserAssignedIdentity> { return notYet(request, options); }

  // Microsoft Entra groups, for the VM's system-assigned identity
  searchGroups(subscriptionId: string, text: string, options?: OperationOptions): Promise<GroupPage> { return notYet(subscriptionId, text, options); }
  nextGroupPage(subscriptionId: string, nextPageLink: string, options?: OperationOptions): Promise<GroupPage> { return notYet(subscriptionId, nextPageLink, options); }
  listGroupMemberships(vm: VmRef, options?: OperationOptions): Promise<EntraGroup[]> { return notYet(vm, options); }
  addToGroup(vm: VmRef, groupId: string, options?: OperationOptions): Promise<void> { return notYet(vm, groupId, options); }
  removeFromGroup(vm: VmRef, groupId: string, options?: OperationOptions): Promise<void> { return notYet(vm, groupId, options); }
}

function notYet(..._args: unknown[]): never {
  throw new Error('not implemented yet');
}
