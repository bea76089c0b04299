// The domain's vocabulary. No `vscode` import here or anywhere under src/identity.

/** The four identity types ARM accepts on a VM (comma and one space in the combined one). */
export type IdentityType = 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned';

/** What ARM reports for one user-assigned identity attached to a VM. */
export interface AttachedUserIdentity {
  principalId?: string;
  clientId?: string;
}

/** A VM's identity as ARM reports it; an absent identity is `{ type: 'None', userAssignedIdentities: {} }`. */
export interface VmIdentity {
  type: IdentityType;
  principalId?: string;
  tenantId?: string;
  /** Keyed by full resource id, with the casing ARM returned. */
  userAssignedIdentities: Record<string, AttachedUserIdentity>;
}

/** The kinds of Azure resource whose managed identities this extension manages. */
export type HostKind = 'virtualMachine' | 'virtualMachineScaleSet';

/** Enough to address an identity host: the kind says which client reads and writes it. */
export interface IdentityHostRef {
  kind: HostKind;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Full ARM resource id. */
  id: string;
}

/** A resource that carries a managed identity, as ARM reported it. */
export interface IdentityHost extends IdentityHostRef {
  location: string;
  identity: VmIdentity;
  /** For If-Match on the next write. */
  etag?: string;
  provisioningState?: string;
}

/** Which API a listing came from: Resource Graph's rows lag ARM and carry no ETag. */
export type ListingSource = 'arm' | 'resourceGraph';

/** One subscription's hosts as a listing found them, or the error that stopped it. */
export interface HostListing {
  subscriptionId: string;
  result: { status: 'loaded'; value: IdentityHost[] } | { status: 'failed'; error: unknown };
  from: ListingSource;
  /** More of the subscription's hosts follow: `value` is a part of its list (shown while the rest loads), and a
   *  complete listing (or a failure) comes later. */
  partial?: true;
}

/** Enough to address a VM. */
export type VmRef = IdentityHostRef & { kind: 'virtualMachine' };

export interface VirtualMachine extends IdentityHost {
  kind: 'virtualMachine';
  /** e.g. Standard_D2s_v5 */
  vmSize?: string;
  /** Linux or Windows */
  osType?: string;
  /** A Flexible scale set's instance: the scale set's resource id (properties.virtualMachineScaleSet.id). */
  scaleSetId?: string;
}

/** Enough to address a scale set. */
export type ScaleSetRef = IdentityHostRef & { kind: 'virtualMachineScaleSet' };

/** A Microsoft.Compute/virtualMachineScaleSets resource. Its identity is tracked at the scale-set level: a change
 *  reaches every instance without an instance upgrade (azure-wire-facts.md section 10). */
export interface VirtualMachineScaleSet extends IdentityHost {
  kind: 'virtualMachineScaleSet';
  /** Uniform (instances live under the scale set) or Flexible (instances are ordinary VMs). */
  orchestrationMode?: string;
  /** Number of instances (sku.capacity). */
  capacity?: number;
  /** e.g. Standard_D2s_v5 (sku.name) */
  vmSize?: string;
  /** Linux or Windows */
  osType?: string;
}

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

export interface ResourceGroup {
  name: string;
  location: string;
  id: string;
}

/** A Microsoft.ManagedIdentity/userAssignedIdentities resource. */
export interface UserAssignedIdentity {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  principalId: string;
  clientId: string;
  tenantId: string;
}

/** Any ARM resource as the generic resource list shows it: what Grant Access offers as a scope. */
export interface AzureResource {
  id: string;
  name: string;
  /** `{namespace}/{type}`, e.g. Microsoft.Storage/storageAccounts. */
  type: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
}

export interface EntraGroup {
  id: string;
  displayName: string;
  description?: string;
}

/** What the caller asks to change; the pure function turns it into the next identity and the PATCH body. */
export type IdentityChange =
  | { kind: 'enableSystemAssigned' }
  | { kind: 'disableSystemAssigned' }
  | { kind: 'assignUserAssigned'; ids: string[] }
  | { kind: 'removeUserAssigned'; ids: string[] }
  /** `expectedIds`: the ids the user saw; when the VM's set differs, the plan is refused (nothing unseen is removed). */
  | { kind: 'removeAllUserAssigned'; expectedIds?: string[] };

/** The JSON shown in the editor tab for a VM. */
export interface IdentityJson {
  vm: string;
  resourceGroup: string;
  subscriptionId: string;
  type: IdentityType;
  systemAssigned: { principalId: string; tenantId: string } | null;
  userAssigned: { id: string; name: string; clientId?: string; principalId?: string }[];
}

/** How the user signed in (setting azureVmIdentities.signInMethod). */
export type SignInMethod = 'vscode' | 'azureCli' | 'servicePrincipal';

/** Options every write takes. */
export interface OperationOptions {
  signal?: AbortSignal;
  /** Called with short human-readable progress steps ("Waiting for Azure to finish..."). */
  onProgress?: (message: string) => void;
  /**
   * May the sign-in ask the user (VS Code's consent prompt for Microsoft Graph)? True for explicit actions, false for
   * background loads such as expanding a tree item. Defaults: group search and changes true, group listing false.
   */
  allowSignInPrompt?: boolean;
}

/** A page of group search results. */
export interface GroupPage {
  groups: EntraGroup[];
  /** Pass back to get the next page; absent on the last page. */
  nextPageLink?: string;
}

/** A Microsoft.Network/virtualNetworks resource with its subnets (a new VM's NIC joins one of them). */
export interface VirtualNetwork {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  subnets: { id: string; name: string; addressPrefix?: string }[];
}
