// What the domain needs from Azure: src/identity talks to Azure only through these interfaces, and src/azure
// implements them with the Azure SDKs and REST (nothing here knows how).
import type {
  AzureResource,
  EntraGroup,
  GroupPage,
  HostKind,
  IdentityHost,
  IdentityHostRef,
  ResourceGroup,
  Subscription,
  UserAssignedIdentity,
  VirtualMachine,
  VirtualMachineScaleSet,
  VirtualNetwork,
} from './model';
import type { VirtualMachineBody } from './newVirtualMachine';
import type { PermissionEntry } from './permissions';
import type { NewRoleAssignment, RoleAssignment, RoleDefinition } from './roles';

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
  /** Called once Azure has accepted the write (its first answer was 2xx): a failure after this may leave the change
   *  applied, so the caller must re-read the resource rather than report that nothing changed. */
  onAccepted?: () => void;
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

export interface VmListOptions extends CallOptions {
  /** A caller may show each page, or abort after the first and list another way. */
  onPage?: OnListPage<VirtualMachine>;
}

export interface VirtualMachinesClient extends IdentityHostClient {
  list(options?: VmListOptions): Promise<VirtualMachine[]>;
  get(vm: IdentityHostRef, options?: CallOptions): Promise<VirtualMachine>;
  updateIdentity(vm: IdentityHostRef, patch: IdentityPatch, options?: WriteOptions): Promise<VirtualMachine>;
  /** PUT the body with If-None-Match: * (never overwrites: a taken name gets 412) and wait for the long-running operation. */
  create(resourceGroup: string, name: string, body: VirtualMachineBody, options?: WriteOptions): Promise<VirtualMachine>;
}

export interface ScaleSetsClient extends IdentityHostClient {
  /** Every scale set of the subscription, Uniform and Flexible. */
  list(options?: CallOptions): Promise<VirtualMachineScaleSet[]>;
  get(scaleSet: IdentityHostRef, options?: CallOptions): Promise<VirtualMachineScaleSet>;
  updateIdentity(scaleSet: IdentityHostRef, patch: IdentityPatch, options?: WriteOptions): Promise<VirtualMachineScaleSet>;
}

export interface VirtualNetworksClient {
  /** Every virtual network of the subscription, with its subnets. */
  list(options?: CallOptions): Promise<VirtualNetwork[]>;
}

export interface UserAssignedIdentitiesClient {
  list(options?: CallOptions): Promise<UserAssignedIdentity[]>;
  /** The identity of that name in the resource group, or undefined when there is none. */
  find(resourceGroup: string, name: string, options?: CallOptions): Promise<UserAssignedIdentity | undefined>;
  /** PUT with If-None-Match: * (never overwrites: an identity of that name gets 412). */
  create(
    resourceGroup: string,
    name: string,
    location: string,
    tags?: Record<string, string>,
    options?: CallOptions,
  ): Promise<UserAssignedIdentity>;
  /** DELETE the identity; false when it no longer existed (ARM's 204). Its role assignments stay, orphaned. */
  delete(resourceGroup: string, name: string, options?: CallOptions): Promise<boolean>;
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

/** Microsoft.Authorization/permissions: the signed-in principal's own permission blocks that apply at `scope`
 *  (a subscription, resource group or resource id; every page, nextLink followed). */
export interface PermissionsClient {
  listPermissions(scope: string, options?: CallOptions): Promise<PermissionEntry[]>;
}

export interface RoleDefinitionsClient {
  /** The built-in and custom roles applicable at `scope` and above (GET {scope}/providers/Microsoft.Authorization/roleDefinitions). */
  list(scope: string, options?: CallOptions): Promise<RoleDefinition[]>;
  /** By full id, in either form (`/subscriptions/{s}/providers/…/roleDefinitions/{guid}` or `/providers/…`). */
  get(roleDefinitionId: string, options?: CallOptions): Promise<RoleDefinition>;
}

export interface RoleAssignmentsClient {
  /** One server-side filtered request (`$filter=principalId eq '{id}'`): the principal's assignments at, above and
   *  below `scope`. */
  listForPrincipal(scope: string, principalId: string, options?: CallOptions): Promise<RoleAssignment[]>;
  /** PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name}. */
  create(assignment: NewRoleAssignment, options?: CallOptions): Promise<RoleAssignment>;
  /** DELETE by full id; undefined when it no longer existed (ARM's 204). */
  delete(roleAssignmentId: string, options?: CallOptions): Promise<RoleAssignment | undefined>;
}

/** What a scope search asks ARM's generic resource list for. */
export interface ResourceSearch {
  /** Part of the name (ARM's `substringof`, case-insensitive). */
  nameContains?: string;
  /** Only this type, e.g. Microsoft.Storage/storageAccounts. */
  resourceType?: string;
  /** Only this resource group. */
  resourceGroup?: string;
}

/** ARM's generic resource list (Microsoft.Resources, GET /subscriptions/{s}/resources): any resource, to be a scope. */
export interface GenericResourcesClient {
  list(search: ResourceSearch, options?: CallOptions): Promise<AzureResource[]>;
}

/** What Run Command sends: a built-in command id (RunShellScript, RunPowerShellScript) and the script that replaces
 *  its default. */
export interface RunCommandInput {
  commandId: string;
  script: string[];
}

/** One entry of Run Command's result: Linux gives one (stdout and stderr in its message), Windows one per stream
 *  (codes ComponentStatus/StdOut/succeeded and ComponentStatus/StdErr/succeeded). */
export interface RunCommandStatus {
  code?: string;
  message?: string;
}

/** Run Command on a VM (the action, not a managed run command): long-running, one run at a time per VM. */
export interface RunCommandClient {
  /** POST runCommand and wait for its result; the signal stops the wait only (Azure cannot cancel a run). */
  run(vm: IdentityHostRef, input: RunCommandInput, options?: WriteOptions): Promise<RunCommandStatus[]>;
}

export interface ResourceGraphListOptions extends CallOptions {
  /** Each page's hosts as it arrives, in subscription order (a page completes every subscription before its last
   *  row's); `last` on the final page. */
  onPage?: (hosts: IdentityHost[], last: boolean) => void;
  /** How many rows the caller expects (what the last listing had): the pages that many fill are asked for at once,
   *  without waiting for the first to tell the count. */
  expectedRows?: number;
}

/** Azure Resource Graph: the VMs and scale sets of many subscriptions (of one tenant) in one paged query. Where it is
 *  refused (403) or absent (404, some sovereign clouds and Azure Stack) it throws the ServiceError, and the caller lists
 *  through ARM instead. Its rows lag ARM and carry no ETag. */
export interface ResourceGraphClient {
  listHosts(subscriptionIds: string[], options?: ResourceGraphListOptions): Promise<IdentityHost[]>;
}

/** The clients for one subscription, made with that subscription's tenant credential. */
export interface SubscriptionClients {
  subscription: Subscription;
  virtualMachines: VirtualMachinesClient;
  scaleSets: ScaleSetsClient;
  /** The identity reads and writes of each host kind (a new kind plugs in here, the planner stays as it is). */
  identityHosts: Record<HostKind, IdentityHostClient>;
  virtualNetworks: VirtualNetworksClient;
  userAssignedIdentities: UserAssignedIdentitiesClient;
  resourceGroups: ResourceGroupsClient;
  graph: GraphClient;
  permissions: PermissionsClient;
  roleDefinitions: RoleDefinitionsClient;
  roleAssignments: RoleAssignmentsClient;
  resources: GenericResourcesClient;
  runCommands: RunCommandClient;
  /** Resource Graph with this subscription's credential: it can query every subscription of the same tenant. */
  resourceGraph: ResourceGraphClient;
}

/** Told each page of a list as it arrives, and whether more pages follow: a caller may start on it before the list
 *  is complete. */
export type OnListPage<T> = (page: T[], morePages: boolean) => void;

export interface SubscriptionListOptions extends CallOptions {
  onPage?: OnListPage<Subscription>;
}

/** What a signed-in account offers the operations module. */
export interface AzureClientProvider {
  /** Every subscription, sorted by name; `onPage` sees them page by page first, as listed (where the sign-in lists
   *  them in pages). */
  listSubscriptions(options?: SubscriptionListOptions): Promise<Subscription[]>;
  /** May list subscriptions first (to learn the subscription's tenant); `options.signal` cancels that. */
  forSubscription(subscriptionId: string, options?: CallOptions): Promise<SubscriptionClients>;
}
