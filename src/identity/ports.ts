// What the domain needs from Azure: src/identity talks to Azure only through these interfaces, and src/azure
// implements them with the Azure SDKs and REST (nothing here knows how).
import type {
  EntraGroup,
  GroupPage,
  HostKind,
  IdentityHost,
  IdentityHostRef,
  ResourceGroup,
  Subscription,
  UserAssignedIdentity,
  VirtualMachine,
  VirtualNetwork,
} from './model';
import type { VirtualMachineBody } from './newVirtualMachine';

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

/** The PATCH body for a host's identity, exactly as sent: `null` values remove a user-assigned identity. */
export interface IdentityPatch {
  type: string;
  userAssignedIdentities?: Record<string, Record<string, never> | null>;
}

/** Reads and writes the identity of one kind of host; the planner and the write loop need nothing else. */
export interface IdentityHostClient {
  get(host: IdentityHostRef, options?: CallOptions): Promise<IdentityHost>;
  /** PATCH { identity } and wait for the long-running operation; returns the host as it is afterwards. */
  updateIdentity(host: IdentityHostRef, patch: IdentityPatch, options?: WriteOptions): Promise<IdentityHost>;
}

export interface VirtualMachinesClient extends IdentityHostClient {
  list(options?: CallOptions): Promise<VirtualMachine[]>;
  get(vm: IdentityHostRef, options?: CallOptions): Promise<VirtualMachine>;
  updateIdentity(vm: IdentityHostRef, patch: IdentityPatch, options?: WriteOptions): Promise<VirtualMachine>;
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
  /** The identity reads and writes of each host kind (a new kind plugs in here, the planner stays as it is). */
  identityHosts: Record<HostKind, IdentityHostClient>;
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
