// Shared types of the fake Azure: the seed file format, the live state, and the route-handler contract
// that the ARM, Graph and token faces implement. See README.md in this folder for the seed format in prose.
import type { IncomingHttpHeaders } from 'node:http';
import type { SeedPublicClient, SeedUser } from './tenants';

// ---------- Seed (the JSON file given with --seed) ----------

export interface Seed {
  tenants: SeedTenant[];
  principals: SeedPrincipal[];
  /** Optional: people who sign in interactively (authorize endpoint), see tenants.ts. */
  users?: SeedUser[];
  /** Optional: public client applications users sign in with (VS Code, Azure CLI...), see tenants.ts. */
  publicClients?: SeedPublicClient[];
  subscriptions: SeedSubscription[];
  resourceGroups: SeedResourceGroup[];
  userAssignedIdentities: SeedUserAssignedIdentity[];
  /** Optional: resources that are only scopes for role assignments (storage accounts, key vaults, registries...). */
  genericResources?: SeedGenericResource[];
  /** Optional: custom role definitions (authorization.ts). */
  customRoles?: SeedCustomRole[];
  virtualMachines: SeedVirtualMachine[];
  /** Optional: seeds without scale sets have none. */
  virtualMachineScaleSets?: SeedVirtualMachineScaleSet[];
  /** Optional: seeds without networks have none (a VM PUT naming a subnet then fails as in Azure). */
  virtualNetworks?: SeedVirtualNetwork[];
  groups: SeedGroup[];
  roleAssignments: SeedRoleAssignment[];
}

export interface SeedTenant {
  tenantId: string;
  displayName: string;
  defaultDomain: string;
  /** Conditional Access asks for MFA here: a token for this tenant needs an interactive sign-in to it (README). */
  requiresInteractiveSignIn?: boolean;
}

/** A user or an application's service principal that can sign in. */
export interface SeedPrincipal {
  /** Object id in Microsoft Entra (the token's oid). */
  id: string;
  kind: 'User' | 'ServicePrincipal';
  tenantId: string;
  displayName: string;
  /** Service principals: the application (client) id, the token's appid. */
  appId?: string;
  /** Service principals: the client secret accepted by the token endpoint. */
  secret?: string;
  userPrincipalName?: string;
  /** Microsoft Graph application permissions carried in the token's `roles`, e.g. GroupMember.ReadWrite.All. */
  graphPermissions?: string[];
}

export interface SeedSubscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

export interface SeedResourceGroup {
  subscriptionId: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
}

export interface SeedUserAssignedIdentity {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  principalId: string;
  clientId: string;
  tags?: Record<string, string>;
}

/** A resource the fake does not model beyond ARM's generic resource shape (genericResources.ts). */
export interface SeedGenericResource {
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. Microsoft.Storage/storageAccounts */
  type: string;
  name: string;
  location: string;
  kind?: string;
  sku?: { name: string; tier?: string };
  tags?: Record<string, string>;
  /** Echoed by GET by id. */
  properties?: Record<string, unknown>;
}

/** A custom role definition (the role definition's `properties`, plus its GUID). */
export interface SeedCustomRole {
  /** The role definition's name, a GUID. */
  id: string;
  roleName: string;
  description?: string;
  /** e.g. ['/subscriptions/{s}']: where it can be assigned (and where it is listed). */
  assignableScopes: string[];
  permissions: RolePermission[];
}

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface SeedVirtualMachine {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  vmSize?: string;
  osType?: 'Linux' | 'Windows';
  powerState?: 'running' | 'stopped' | 'deallocated';
  /** Commands the guest has for Run Command scripts (runCommand.ts); absent: ['curl']. `[]` is an image without curl. */
  tools?: string[];
  identity?: {
    type: 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned';
    /** With SystemAssigned: the object id of its service principal (created in Graph state at load). */
    principalId?: string;
    /** Full resource ids of user-assigned identities from `userAssignedIdentities`. */
    userAssignedIdentities?: string[];
  };
  /** Full resource id of the Flexible scale set this VM is an instance of (from `virtualMachineScaleSets`). */
  virtualMachineScaleSet?: string;
}

/** A scale set; its identity is seeded as a VM's is. */
export interface SeedVirtualMachineScaleSet {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  orchestrationMode: 'Uniform' | 'Flexible';
  /** Default Standard_B2s. */
  vmSize?: string;
  /** Instance count (sku.capacity). Default 2 for Uniform; for Flexible, the number of seeded VMs naming it. */
  capacity?: number;
  osType?: 'Linux' | 'Windows';
  /** Default Manual. */
  upgradePolicyMode?: 'Manual' | 'Automatic' | 'Rolling';
  identity?: SeedVirtualMachine['identity'];
}

export interface SeedVirtualNetwork {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** Default ['10.0.0.0/16']. */
  addressPrefixes?: string[];
  subnets: { name: string; addressPrefix: string }[];
}

export interface SeedGroup {
  id: string;
  displayName: string;
  description?: string;
  /** Object ids of direct members (principals, managed identities' service principals, or groups). */
  members?: string[];
  /** Object ids of owners; an owner may add members without GroupMember.ReadWrite.All. */
  owners?: string[];
}

export interface SeedRoleAssignment {
  principalId: string;
  /** A role's name: a built-in role of rbac.ts (Owner, Contributor, Reader, ...) or a seeded custom role. */
  roleDefinitionName: string;
  /** /subscriptions/{s}[/resourceGroups/{rg}[/providers/...]] */
  scope: string;
  /** The assignment's name (a GUID); derived from principal, role and scope when absent. */
  name?: string;
  /** User, Group, ServicePrincipal or ForeignGroup; absent in seeds means the principal's kind. */
  principalType?: string;
  description?: string;
  condition?: string;
  conditionVersion?: string;
  /** ISO times and the creating principal's object id; set by a PUT, absent for seeded assignments. */
  createdOn?: string;
  updatedOn?: string;
  createdBy?: string;
  updatedBy?: string;
}

// ---------- What a started fake reports (the one JSON line on stdout, and startFakeAzure's result) ----------

export interface FakeAzureInfo {
  /** https://127.0.0.1:PORT */
  url: string;
  /** PEM file of the CA that signed the server certificate (for NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** ARM root, `${url}/`. Also the ARM token audience. */
  resourceManagerEndpoint: string;
  /** Graph root without version, `${url}/graph`. Also the Graph token audience. */
  graphEndpoint: string;
  /** `${url}/login`; the token service is at `${authorityHost}/{tenant}/oauth2/v2.0/token`. */
  authorityHost: string;
  tenantId: string;
  /** The full-rights service principal of the seed. */
  clientId: string;
  clientSecret: string;
}

// ---------- Route-handler contract ----------

/** Claims of the validated bearer token of a request. */
export interface Caller {
  oid: string;
  tid: string;
  appid?: string;
  /** Name shown in AuthorizationFailed messages: the UPN for users, the appId for service principals. */
  displayName: string;
  aud: string;
  /** Graph permissions: application permissions (`roles`) of an app, delegated scopes (`scp`) of a user. */
  roles: string[];
}

export interface FakeRequest {
  method: string;
  /** Path below the face's prefix, e.g. `/v1.0/groups` for Graph, the full path for ARM. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  caller: Caller;
  /** `https://127.0.0.1:PORT`, for building absolute links. */
  baseUrl: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** An HTML page (the sign-in pages), sent as is instead of `body`. */
  html?: string;
}

// ---------- Live state (what GET /_control/state and RunningFakeAzure.getState() return) ----------

export type IdentityTypeName = 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned';

export interface StateVmIdentity {
  type: IdentityTypeName;
  principalId?: string;
  tenantId?: string;
  /** Keyed by full resource id in the casing it was stored with. */
  userAssignedIdentities: Record<string, { principalId: string; clientId: string }>;
}

export interface StateVirtualMachine {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  vmSize: string;
  osType: 'Linux' | 'Windows';
  powerState: 'running' | 'stopped' | 'deallocated';
  /** As in the seed; absent means the default (curl present). */
  tools?: string[];
  provisioningState: string;
  etag: string;
  identity: StateVmIdentity;
  tags: Record<string, string>;
  /** VM properties the fake does not model (imageReference, osProfile, securityProfile...), kept as PUT/PATCH
   *  sent them (minus secrets and read-only keys) and echoed back, as ARM does. */
  extraProperties?: Record<string, unknown>;
  /** A Flexible scale set's instance: the scale set's resource id (properties.virtualMachineScaleSet.id). */
  virtualMachineScaleSetId?: string;
}

/** What carries a managed identity and is written with an ETag and a long-running operation: a VM or a scale set. */
export type StateIdentityHost = Pick<StateVirtualMachine, 'id' | 'subscriptionId' | 'resourceGroup' | 'name' | 'location' | 'provisioningState' | 'etag' | 'identity'>;

export interface StateVirtualMachineScaleSet extends StateIdentityHost {
  orchestrationMode: 'Uniform' | 'Flexible';
  sku: { name: string; tier: string; capacity: number };
  osType: 'Linux' | 'Windows';
  upgradePolicyMode: string;
  tags: Record<string, string>;
  /** Properties the fake does not model, kept as PUT/PATCH sent them (minus secrets and read-only keys) and echoed. */
  extraProperties?: Record<string, unknown>;
}

export interface StateGenericResource extends SeedGenericResource {
  id: string;
  tags: Record<string, string>;
}

export interface StateVirtualNetwork {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  addressPrefixes: string[];
  subnets: { name: string; addressPrefix: string }[];
}

export interface StateUserAssignedIdentity {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tenantId: string;
  principalId: string;
  clientId: string;
  tags: Record<string, string>;
}

/** Directory service principals: app principals from the seed and managed identities' principals. */
export interface StateServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: 'Application' | 'ManagedIdentity';
  /** For managed identities: the resource id of the VM or user-assigned identity. */
  alternativeNames: string[];
  tenantId: string;
  /** Epoch ms when a request created it (absent for seeded ones): a role assignment to it fails with
   *  PrincipalNotFound until the principal replication delay has passed (authorization.ts). */
  createdAt?: number;
}

export interface StateGroup {
  id: string;
  displayName: string;
  description?: string;
  members: string[];
  owners: string[];
}

export interface FakeState {
  tenants: SeedTenant[];
  principals: SeedPrincipal[];
  /** Optional so hand-built states of other faces' tests stay valid; stateFromSeed always sets it. */
  users?: SeedUser[];
  publicClients?: SeedPublicClient[];
  subscriptions: SeedSubscription[];
  resourceGroups: SeedResourceGroup[];
  userAssignedIdentities: StateUserAssignedIdentity[];
  virtualMachines: StateVirtualMachine[];
  /** Optional so hand-built states of other faces' tests stay valid; stateFromSeed always sets it. */
  virtualMachineScaleSets?: StateVirtualMachineScaleSet[];
  /** Optional so hand-built states of other faces' tests stay valid; stateFromSeed always sets it. */
  virtualNetworks?: StateVirtualNetwork[];
  /** Optional so hand-built states stay valid; stateFromSeed always sets them. */
  genericResources?: StateGenericResource[];
  customRoles?: SeedCustomRole[];
  servicePrincipals: StateServicePrincipal[];
  groups: StateGroup[];
  roleAssignments: SeedRoleAssignment[];
}

// ---------- Fault injection (a file given with --faults, or POST /_control/faults) ----------

export interface FaultRule {
  /** Matched against the request method; any method when absent. */
  method?: string;
  /** A regular expression matched against the URL path (without query). */
  path: string;
  kind: 'status' | 'drop' | 'delay' | 'lroFailed' | 'lroNeverEnds';
  /** kind 'status': 429, 500, 503... */
  status?: number;
  retryAfterSeconds?: number;
  /** kind 'delay': extra milliseconds before answering. */
  delayMs?: number;
  /** How many matching requests it applies to; default 1, 0 means every one. */
  times?: number;
  /** kind 'status' and 'lroFailed': the error code and message in the body. */
  errorCode?: string;
  errorMessage?: string;
}
