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
  virtualMachines: SeedVirtualMachine[];
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

export interface SeedVirtualMachine {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  vmSize?: string;
  osType?: 'Linux' | 'Windows';
  powerState?: 'running' | 'stopped' | 'deallocated';
  identity?: {
    type: 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned';
    /** With SystemAssigned: the object id of its service principal (created in Graph state at load). */
    principalId?: string;
    /** Full resource ids of user-assigned identities from `userAssignedIdentities`. */
    userAssignedIdentities?: string[];
  };
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
  /** A built-in role name: Owner, Contributor, Reader, Virtual Machine Contributor,
   *  Managed Identity Operator, Managed Identity Contributor. */
  roleDefinitionName: string;
  /** /subscriptions/{s}[/resourceGroups/{rg}[/providers/...]] */
  scope: string;
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
  provisioningState: string;
  etag: string;
  identity: StateVmIdentity;
  tags: Record<string, string>;
  /** VM properties the fake does not model (imageReference, osProfile, securityProfile...), kept as PUT/PATCH
   *  sent them (minus secrets and read-only keys) and echoed back, as ARM does. */
  extraProperties?: Record<string, unknown>;
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
  virtualNetworks?: StateVirtualNetwork[];
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
