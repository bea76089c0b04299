// The seam between the identity-operations module and Azure. src/identity talks to Azure only through
// these interfaces; the implementations (in this folder) wrap the Azure SDK clients and nothing else.
import type { TokenCredential } from '@azure/core-auth';
import type {
  EntraGroup,
  GroupPage,
  ResourceGroup,
  Subscription,
  UserAssignedIdentity,
  VirtualMachine,
  VirtualNetwork,
  VmRef,
} from '../identity/model';
import type { VirtualMachineBody } from '../identity/newVirtualMachine';

/** The endpoints of one cloud (Azure public, a sovereign cloud, or the fake Azure). */
export interface CloudEndpoints {
  name: string;
  resourceManagerEndpoint: string;
  /** Graph root without version, e.g. https://graph.microsoft.com */
  graphEndpoint: string;
  authorityHost: string;
  /** Token scopes, e.g. https://management.azure.com/.default */
  resourceManagerScope: string;
  graphScope: string;
}

/** Per-call options shared by the clients. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Microsoft Graph calls only: the sign-in may ask the user (consent) when no token is at hand silently. */
  allowSignInPrompt?: boolean;
}

export interface WriteOptions extends CallOptions {
  /** ETag for If-Match. */
  ifMatch?: string;
  /** Called each time the long-running operation is polled. */
  onPoll?: () => void;
}

/** The PATCH body for a VM's identity, exactly as sent: `null` values remove a user-assigned identity. */
export interface IdentityPatch {
  type: string;
  userAssignedIdentities?: Record<string, Record<string, never> | null>;
}

export interface VirtualMachinesClient {
  list(options?: CallOptions): Promise<VirtualMachine[]>;
  get(vm: VmRef, options?: CallOptions): Promise<VirtualMachine>;
  /** PATCH { identity } and wait for the long-running operation; returns the VM as it is afterwards. */
  updateIdentity(vm: VmRef, patch: IdentityPatch, options?: WriteOptions): Promise<VirtualMachine>;
  /** PUT the body with If-None-Match: * (never overwrites: a taken name gets 412) and wait for the long-running operation. */
  create(resourceGroup: string, name: string, body: VirtualMachineBody, options?: WriteOptions): Promise<VirtualMachine>;
}

export interface VirtualNetworksClient {
  /** Every virtual network of the subscription, with its subnets. */
  list(options?: CallOptions): Promise<VirtualNetwork[]>;
}

export interface UserAssignedIdentitiesClient {
  list(options?: CallOptions): Promise<UserAssignedIdentity[]>;
  /** The identity of that name in the resource group, or undefined when there is none. */
  find(resourceGroup: string, name: string, options?: CallOptions): Promise<UserAssignedIdentity | undefined>;
  create(
    resourceGroup: string,
    name: string,
    location: string,
    tags?: Record<string, string>,
    options?: CallOptions,
  ): Promise<UserAssignedIdentity>;
}

export interface ResourceGroupsClient {
  list(options?: CallOptions): Promise<ResourceGroup[]>;
}

export interface GraphClient {
  searchGroups(text: string, options?: CallOptions & { top?: number }): Promise<GroupPage>;
  nextGroupPage(nextPageLink: string, options?: CallOptions): Promise<GroupPage>;
  listMemberOf(principalId: string, options?: CallOptions): Promise<EntraGroup[]>;
  addMember(groupId: string, principalId: string, options?: CallOptions): Promise<void>;
  removeMember(groupId: string, principalId: string, options?: CallOptions): Promise<void>;
}

/** The clients for one subscription, made with that subscription's tenant credential. */
export interface SubscriptionClients {
  subscription: Subscription;
  virtualMachines: VirtualMachinesClient;
  virtualNetworks: VirtualNetworksClient;
  userAssignedIdentities: UserAssignedIdentitiesClient;
  resourceGroups: ResourceGroupsClient;
  graph: GraphClient;
}

/** What a signed-in account offers the operations module. */
export interface AzureClientProvider {
  listSubscriptions(options?: CallOptions): Promise<Subscription[]>;
  /** May list subscriptions first (to learn the subscription's tenant); `options.signal` cancels that. */
  forSubscription(subscriptionId: string, options?: CallOptions): Promise<SubscriptionClients>;
}

/** A credential together with the cloud it signs in to. */
export interface AzureCredentialContext {
  cloud: CloudEndpoints;
  credential: TokenCredential;
  tenantId?: string;
}
