// The Azure Resource Manager face: subscriptions, resource groups, VMs (with identity semantics and
// long-running writes), user-assigned identities and Microsoft.Authorization/permissions.
import { randomUUID } from 'node:crypto';
import type { Caller, FakeRequest, FakeResponse, FakeState, IdentityTypeName, StateIdentityHost, StateVirtualMachine } from './types';
import {
  disableSystemAssignedIdentity,
  enableSystemAssignedIdentity,
  findIdentityHost,
  findUserAssignedIdentity,
  findVirtualMachine,
  hasSystemAssigned,
  hasUserAssigned,
  sameId,
  stableGuid,
  tenantOfSubscription,
  userAssignedIdentityResourceId,
  vmResourceId,
  addManagedIdentityServicePrincipal,
  deleteServicePrincipal,
} from './state';
import { authorizationFailed, isAllowed, linkedAuthorizationFailed, permissionsAt, roleByName, scopeContains } from './rbac';
import { checkVmNetwork, networkRoutes } from './network';
import { runCommandOperationStatus, runCommandRoutes, type RunCommandRuntime } from './runCommand';
import { tenantRoutes } from './tenants';
import { authorizationRoutes } from './authorization';
import { genericResourceRoutes } from './genericResources';
import { scaleSetRoutes } from './scaleSets';
import { resourceGraphRoutes } from './resourceGraph';

export interface LroOperation {
  id: string;
  /** The VM or scale set it writes. */
  resourceId: string;
  startTime: string;
  endTime?: string;
  polls: number;
  /** 'never' keeps it InProgress (fault lroNeverEnds). */
  outcome: 'Succeeded' | 'Failed' | 'never';
  error?: { code: string; message: string };
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** Ends the operation on the server after lroPolls × retryAfterSeconds, polled or not; cleared by reset/stop. */
  timer?: NodeJS.Timeout;
}

/** What a started fake keeps beside the state, shared by every ARM request. */
export interface ArmContext {
  state: FakeState;
  pageSize: number;
  lroPolls: number;
  retryAfterSeconds: number;
  operations: Map<string, LroOperation>;
  /** Run Command's operations and managed run commands (runCommand.ts). */
  runCommands: RunCommandRuntime;
  /** A principal created by a request is "not found" by role-assignment writes for this long (authorization.ts). */
  principalReplicationSeconds?: number;
  /** The state Resource Graph answers from: the live one, or an older copy when a lag is configured. */
  resourceGraphState?: () => FakeState;
  /** The lroFailed / lroNeverEnds fault that applies to this write, if any (consumed). */
  takeLroFault(method: string, path: string): { kind: 'lroFailed' | 'lroNeverEnds'; errorCode?: string; errorMessage?: string } | undefined;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): FakeResponse {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export const notFoundHelp = 'For more details please go to https://aka.ms/ARMResourceNotFoundFix';

export function resourceNotFound(type: string, name: string, resourceGroup: string): FakeResponse {
  return armError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. ${notFoundHelp}`);
}

export function resourceGroupNotFound(name: string): FakeResponse {
  return armError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
}

// ---------- Routing ----------

export type Handler = (req: FakeRequest, ctx: ArmContext, params: string[]) => FakeResponse;
export interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

const sub = '/subscriptions/([^/]+)';
const rg = `${sub}/resourcegroups/([^/]+)`;
const vmPath = `${rg}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)`;
const uaiPath = `${rg}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/([^/]+)`;

const routes: Route[] = [
  { pattern: /^(.*)\/providers\/Microsoft\.Authorization\/permissions$/i, methods: { GET: listPermissions } },
  ...authorizationRoutes(),
  ...genericResourceRoutes().lists,
  { pattern: /^\/subscriptions$/i, methods: { GET: listSubscriptions } },
  { pattern: new RegExp(`^${sub}$`, 'i'), methods: { GET: getSubscription } },
  { pattern: new RegExp(`^${sub}/resourcegroups$`, 'i'), methods: { GET: listResourceGroups } },
  { pattern: new RegExp(`^${rg}$`, 'i'), methods: { GET: getResourceGroup, PUT: putResourceGroup } },
  { pattern: new RegExp(`^${sub}/providers/Microsoft\\.Compute/virtualMachines$`, 'i'), methods: { GET: listVirtualMachines } },
  { pattern: new RegExp(`^${rg}/providers/Microsoft\\.Compute/virtualMachines$`, 'i'), methods: { GET: listVirtualMachines } },
  { pattern: new RegExp(`^${vmPath}$`, 'i'), methods: { GET: getVirtualMachine, PUT: putVirtualMachine, PATCH: patchVirtualMachine } },
  { pattern: new RegExp(`^${vmPath}/instanceView$`, 'i'), methods: { GET: getInstanceView } },
  { pattern: new RegExp(`^${sub}/providers/Microsoft\\.Compute/locations/([^/]+)/operations/([^/]+)$`, 'i'), methods: { GET: getOperation } },
  { pattern: new RegExp(`^${sub}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities$`, 'i'), methods: { GET: listUserAssignedIdentities } },
  { pattern: new RegExp(`^${rg}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities$`, 'i'), methods: { GET: listUserAssignedIdentities } },
  {
    pattern: new RegExp(`^${uaiPath}$`, 'i'),
    methods: { GET: getUserAssignedIdentity, PUT: putUserAssignedIdentity, PATCH: patchUserAssignedIdentity, DELETE: deleteUserAssignedIdentity },
  },
  ...networkRoutes(),
  ...runCommandRoutes(),
  ...tenantRoutes(),
  ...scaleSetRoutes(),
  ...resourceGraphRoutes(),
  // Matches any provider path: after every route of a modelled type.
  genericResourceRoutes().byId,
];

export function handleArmRequest(req: FakeRequest, ctx: ArmContext): FakeResponse {
  // The server has already refused a request without api-version (before the token check).
  const path = req.path.replace(/\/+$/, '');
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    let params: string[];
    try {
      params = match.slice(1).map((segment) => decodeURIComponent(segment));
    } catch {
      return armError(400, 'InvalidRequestUri', `The request URI '${path}' is not valid: it has a malformed percent-encoding.`);
    }
    // From the path itself: for routes at any scope the first parameter is the whole scope, not the subscription.
    const subscriptionSegment = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    const subscriptionId = subscriptionSegment === undefined ? undefined : decodeURIComponent(subscriptionSegment);
    if (subscriptionId && route.pattern.source !== routes[0]!.pattern.source) {
      const subscriptionProblem = checkSubscription(ctx.state, req.caller, subscriptionId);
      if (subscriptionProblem) return subscriptionProblem;
    }
    const handler = route.methods[req.method];
    if (!handler) {
      return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    }
    return handler(req, ctx, params);
  }
  return armError(404, 'InvalidResourceType', `The resource type could not be found for the path '${path}' (this fake serves only what its README lists).`);
}

function checkSubscription(state: FakeState, caller: Caller, subscriptionId: string): FakeResponse | undefined {
  const subscription = state.subscriptions.find((s) => sameId(s.subscriptionId, subscriptionId));
  if (!subscription) return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  if (!sameId(subscription.tenantId, caller.tid)) {
    return armError(401, 'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${caller.tid}'. It must match the tenant 'https://sts.windows.net/${subscription.tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${subscription.tenantId}' to get the token.`);
  }
  return undefined;
}

export function deny(req: FakeRequest, ctx: ArmContext, action: string, scope: string): FakeResponse | undefined {
  return isAllowed(ctx.state, req.caller.oid, action, scope) ? undefined : authorizationFailed(req.caller, action, scope);
}

/**
 * Lists at a scope: everything when the action is allowed there; when it is allowed only below (a role on a
 * resource group), just the items it is allowed on; otherwise 403.
 */
export function authorizedItems<T extends { id: string }>(req: FakeRequest, ctx: ArmContext, action: string, scope: string, items: T[]): T[] | FakeResponse {
  if (isAllowed(ctx.state, req.caller.oid, action, scope)) return items;
  const grantedBelow = ctx.state.roleAssignments.some(
    (ra) => sameId(ra.principalId, req.caller.oid) && scopeContains(scope, ra.scope) &&
      isAllowed({ ...ctx.state, roleAssignments: [ra] }, req.caller.oid, action, ra.scope),
  );
  if (!grantedBelow) return authorizationFailed(req.caller, action, scope);
  return items.filter((item) => isAllowed(ctx.state, req.caller.oid, action, item.id));
}

/** One page of a list, with an absolute https nextLink back to this fake while more remain. */
export function page(req: FakeRequest, ctx: ArmContext, items: unknown[]): FakeResponse {
  const token = req.query.get('$skiptoken') ?? '0';
  // The token is the fake's own (an offset in a nextLink); anything else did not come from a nextLink.
  if (!/^\d+$/.test(token)) return armError(400, 'InvalidParameter', `The value '${token}' of parameter '$skiptoken' is invalid: use the nextLink of the previous page.`);
  const skip = Number(token);
  const value = items.slice(skip, skip + ctx.pageSize);
  const body: { value: unknown[]; nextLink?: string } = { value };
  if (skip + ctx.pageSize < items.length) {
    const query = new URLSearchParams(req.query);
    query.set('$skiptoken', String(skip + ctx.pageSize));
    body.nextLink = `${req.baseUrl}${req.path}?${query.toString()}`;
  }
  return { status: 200, body };
}

/** The request's JSON object, wrapped so that it can never be mistaken for an answer. */
export function readJsonObject(body: unknown): { fields: Record<string, unknown> } | FakeResponse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
  }
  return { fields: body as Record<string, unknown> };
}

/** Tells an answer from the other results of the helpers here (items, VMs, wrapped bodies, identity outcomes). */
export function isResponse(x: unknown): x is FakeResponse {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { status?: unknown }).status === 'number' && !('fields' in x) && !('id' in x);
}

// ---------- Microsoft.Authorization/permissions ----------

function listPermissions(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const scope = params[0] || '/';
  // The scope's subscription and resource group must exist, as for any other route under them.
  const [, subscriptionId, resourceGroup] = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(scope) ?? [];
  if (subscriptionId) {
    const subscriptionProblem = checkSubscription(ctx.state, req.caller, subscriptionId);
    if (subscriptionProblem) return subscriptionProblem;
    if (resourceGroup && !findResourceGroup(ctx.state, subscriptionId, resourceGroup)) return resourceGroupNotFound(resourceGroup);
  }
  return page(req, ctx, permissionsAt(ctx.state, req.caller.oid, scope));
}

// ---------- Subscriptions and resource groups ----------

function subscriptionBody(s: FakeState['subscriptions'][number]) {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

/** Subscriptions of the caller's tenant on which it holds any role assignment, as ARM lists them. */
function visibleSubscriptions(req: FakeRequest, ctx: ArmContext) {
  return ctx.state.subscriptions.filter(
    (s) => sameId(s.tenantId, req.caller.tid) &&
      ctx.state.roleAssignments.some((ra) => sameId(ra.principalId, req.caller.oid) && scopeContains(`/subscriptions/${s.subscriptionId}`, ra.scope)),
  );
}

function listSubscriptions(req: FakeRequest, ctx: ArmContext): FakeResponse {
  return page(req, ctx, visibleSubscriptions(req, ctx).map(subscriptionBody));
}

function getSubscription(req: FakeRequest, ctx: ArmContext, [subscriptionId]: string[]): FakeResponse {
  const s = visibleSubscriptions(req, ctx).find((x) => sameId(x.subscriptionId, subscriptionId!));
  if (!s) return authorizationFailed(req.caller, 'Microsoft.Resources/subscriptions/read', `/subscriptions/${subscriptionId}`);
  return { status: 200, body: subscriptionBody(s) };
}

export function findResourceGroup(state: FakeState, subscriptionId: string, name: string) {
  return state.resourceGroups.find((g) => sameId(g.subscriptionId, subscriptionId) && sameId(g.name, name));
}

function resourceGroupBody(g: FakeState['resourceGroups'][number]) {
  return {
    id: `/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}`,
    name: g.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: g.location,
    ...(g.tags ? { tags: g.tags } : {}),
    properties: { provisioningState: 'Succeeded' },
  };
}

const resourceGroupRead = 'Microsoft.Resources/subscriptions/resourceGroups/read';

function listResourceGroups(req: FakeRequest, ctx: ArmContext, [subscriptionId]: string[]): FakeResponse {
  const all = ctx.state.resourceGroups.filter((g) => sameId(g.subscriptionId, subscriptionId!)).map(resourceGroupBody);
  const items = authorizedItems(req, ctx, resourceGroupRead, `/subscriptions/${subscriptionId}`, all);
  return isResponse(items) ? items : page(req, ctx, items);
}

function getResourceGroup(req: FakeRequest, ctx: ArmContext, [subscriptionId, name]: string[]): FakeResponse {
  const denied = deny(req, ctx, resourceGroupRead, `/subscriptions/${subscriptionId}/resourceGroups/${name}`);
  if (denied) return denied;
  const g = findResourceGroup(ctx.state, subscriptionId!, name!);
  return g ? { status: 200, body: resourceGroupBody(g) } : resourceGroupNotFound(name!);
}

function putResourceGroup(req: FakeRequest, ctx: ArmContext, [subscriptionId, name]: string[]): FakeResponse {
  const denied = deny(req, ctx, 'Microsoft.Resources/subscriptions/resourceGroups/write', `/subscriptions/${subscriptionId}/resourceGroups/${name}`);
  if (denied) return denied;
  const read = readJsonObject(req.body);
  if (isResponse(read)) return read;
  const body = read.fields;
  if (!/^[-\w._()]{1,90}$/.test(name!) || name!.endsWith('.')) {
    return armError(400, 'InvalidResourceGroupName', `The resource group name '${name}' is invalid. It can be up to 90 characters long and contain letters, digits, underscores, parentheses, hyphens and periods (not at the end).`);
  }
  if (typeof body['location'] !== 'string' || !body['location']) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  const tags = (body['tags'] ?? undefined) as Record<string, string> | undefined;
  const existing = findResourceGroup(ctx.state, subscriptionId!, name!);
  if (existing) {
    if (tags) existing.tags = tags;
    return { status: 200, body: resourceGroupBody(existing) };
  }
  const created = { subscriptionId: subscriptionId!, name: name!, location: body['location'], ...(tags ? { tags } : {}) };
  ctx.state.resourceGroups.push(created);
  return { status: 201, body: resourceGroupBody(created) };
}

// ---------- Virtual machines ----------

const vmType = 'Microsoft.Compute/virtualMachines';
const vmRead = 'Microsoft.Compute/virtualMachines/read';
const vmWrite = 'Microsoft.Compute/virtualMachines/write';
const assignAction = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';

function vmIdentityBody(vm: StateVirtualMachine) {
  if (vm.identity.type === 'None') return undefined;
  return {
    type: vm.identity.type,
    ...(vm.identity.principalId ? { principalId: vm.identity.principalId, tenantId: vm.identity.tenantId } : {}),
    ...(hasUserAssigned(vm.identity.type) ? { userAssignedIdentities: structuredClone(vm.identity.userAssignedIdentities) } : {}),
  };
}

const powerStatusText = { running: 'VM running', stopped: 'VM stopped', deallocated: 'VM deallocated' } as const;

function instanceViewBody(vm: StateVirtualMachine) {
  const provisioning = vm.provisioningState.toLowerCase();
  return {
    platformUpdateDomain: 0,
    platformFaultDomain: 0,
    computerName: vm.name,
    osName: vm.osType === 'Windows' ? 'Windows Server 2022 Datacenter' : 'ubuntu',
    osVersion: vm.osType === 'Windows' ? 'Microsoft Windows NT 10.0.20348.0' : '22.04',
    hyperVGeneration: 'V2',
    isVMInStandbyPool: false,
    statuses: [
      {
        code: `ProvisioningState/${provisioning}`,
        level: vm.provisioningState === 'Failed' ? 'Error' : 'Info',
        displayStatus: vm.provisioningState === 'Succeeded' ? 'Provisioning succeeded' : vm.provisioningState,
        time: '2024-01-15T09:00:00.0000000+00:00',
      },
      { code: `PowerState/${vm.powerState}`, level: 'Info', displayStatus: powerStatusText[vm.powerState] },
    ],
  };
}

/** Keys a VM write may not set: ARM computes them. */
const readOnlyVmProperties = ['vmId', 'provisioningState', 'instanceView', 'timeCreated'];

/** Merges `patch` into `target` as ARM merges a PATCH: objects key by key, anything else replaced; null removes. */
export function mergeProperties(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)) {
      merged[key] = mergeProperties(current as Record<string, unknown>, value as Record<string, unknown>);
    } else merged[key] = structuredClone(value);
  }
  return merged;
}

/** The unmodelled properties of a VM write, kept for echoing: without read-only keys and never the password. */
function storableVmProperties(properties: unknown): Record<string, unknown> {
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return {};
  const kept = structuredClone(properties) as Record<string, unknown>;
  for (const key of readOnlyVmProperties) delete kept[key];
  const osProfile = kept['osProfile'] as Record<string, unknown> | undefined;
  if (osProfile) {
    delete osProfile['adminPassword'];
    delete osProfile['customData'];
  }
  return kept;
}

export const defaultImages = {
  Linux: { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest', exactVersion: '22.04.202401100' },
  Windows: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest', exactVersion: '20348.2227.240104' },
} as const;

export function vmBody(vm: StateVirtualMachine, withInstanceView = false) {
  const body = modelledVmBody(vm, withInstanceView);
  if (!vm.extraProperties) return body;
  // What the caller sent wins over the fake's defaults, except what the fake models or computes.
  const properties = mergeProperties(body.properties, vm.extraProperties);
  for (const key of [...readOnlyVmProperties, 'hardwareProfile']) {
    const modelled = (body.properties as Record<string, unknown>)[key];
    if (modelled !== undefined) properties[key] = key === 'hardwareProfile' ? { ...(properties[key] as object), vmSize: vm.vmSize } : modelled;
  }
  return { ...body, properties };
}

function modelledVmBody(vm: StateVirtualMachine, withInstanceView: boolean) {
  const identity = vmIdentityBody(vm);
  const osDiskName = `${vm.name}_OsDisk_1`;
  return {
    name: vm.name,
    id: vm.id,
    type: vmType,
    location: vm.location,
    tags: structuredClone(vm.tags),
    etag: vm.etag,
    ...(identity ? { identity } : {}),
    properties: {
      vmId: stableGuid(`vmId:${vm.id.toLowerCase()}`),
      hardwareProfile: { vmSize: vm.vmSize },
      storageProfile: {
        imageReference: { ...defaultImages[vm.osType] },
        osDisk: {
          osType: vm.osType,
          name: osDiskName,
          createOption: 'FromImage',
          caching: 'ReadWrite',
          managedDisk: {
            storageAccountType: 'Premium_LRS',
            id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/disks/${osDiskName}`,
          },
          diskSizeGB: 30,
        },
        dataDisks: [],
      },
      osProfile: {
        computerName: vm.name,
        adminUsername: 'azureuser',
        ...(vm.osType === 'Windows'
          ? { windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true } }
          : { linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true } }),
        secrets: [],
      },
      networkProfile: {
        networkInterfaces: [{ id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${vm.name}-nic` }],
      },
      ...(vm.virtualMachineScaleSetId ? { virtualMachineScaleSet: { id: vm.virtualMachineScaleSetId } } : {}),
      provisioningState: vm.provisioningState,
      ...(withInstanceView ? { instanceView: instanceViewBody(vm) } : {}),
      timeCreated: '2024-01-15T09:00:00.0000000+00:00',
    },
  };
}

function listVirtualMachines(req: FakeRequest, ctx: ArmContext, [subscriptionId, resourceGroup]: string[]): FakeResponse {
  const scope = resourceGroup ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` : `/subscriptions/${subscriptionId}`;
  if (resourceGroup && !findResourceGroup(ctx.state, subscriptionId!, resourceGroup)) {
    return deny(req, ctx, vmRead, scope) ?? resourceGroupNotFound(resourceGroup);
  }
  const expandInstanceView = (req.query.get('$expand') ?? '').toLowerCase() === 'instanceview';
  if (expandInstanceView && !resourceGroup && !req.query.get('$filter')) {
    return armError(400, 'InvalidParameter', "The value 'instanceView' of parameter '$expand' is not supported when listing all virtual machines in a subscription without a filter. Use statusOnly=true or GET .../instanceView per virtual machine.");
  }
  const all = ctx.state.virtualMachines.filter((v) => scopeContains(scope, v.id));
  const items = authorizedItems(req, ctx, vmRead, scope, all);
  if (isResponse(items)) return items;
  return page(req, ctx, items.map((vm) => vmBody(vm, expandInstanceView)));
}

/** The VM of a request's path, after the RBAC check, or the 403/404 answer. */
export function targetVm(req: FakeRequest, ctx: ArmContext, params: string[], action: string, notFoundCode: 'ResourceNotFound' | 'PatchResourceNotFound'): StateVirtualMachine | FakeResponse {
  const [subscriptionId, resourceGroup, name] = params as [string, string, string];
  const denied = deny(req, ctx, action, vmResourceId(subscriptionId, resourceGroup, name));
  if (denied) return denied;
  if (!findResourceGroup(ctx.state, subscriptionId, resourceGroup)) return resourceGroupNotFound(resourceGroup);
  const vm = findVirtualMachine(ctx.state, subscriptionId, resourceGroup, name);
  if (vm) return vm;
  if (notFoundCode === 'PatchResourceNotFound') {
    return armError(404, 'PatchResourceNotFound', `The resource '${vmResourceId(subscriptionId, resourceGroup, name)}' was not found. ${notFoundHelp}`);
  }
  return resourceNotFound(vmType, name, resourceGroup);
}

function getVirtualMachine(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const vm = targetVm(req, ctx, params, vmRead, 'ResourceNotFound');
  if (isResponse(vm)) return vm;
  return { status: 200, body: vmBody(vm, (req.query.get('$expand') ?? '').toLowerCase() === 'instanceview') };
}

function getInstanceView(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const vm = targetVm(req, ctx, params, 'Microsoft.Compute/virtualMachines/instanceView/read', 'ResourceNotFound');
  if (isResponse(vm)) return vm;
  return { status: 200, body: instanceViewBody(vm) };
}

const identityTypes: Record<string, IdentityTypeName> = {
  none: 'None',
  systemassigned: 'SystemAssigned',
  userassigned: 'UserAssigned',
  'systemassigned,userassigned': 'SystemAssigned, UserAssigned',
};

export interface IdentityOutcome {
  type: IdentityTypeName;
  /** Resource ids in the casing to store, mapped to the identity they name. */
  userAssignedIdentities: Record<string, { principalId: string; clientId: string }>;
  /** Non-null ids named in the request: what the caller must be allowed to assign. */
  requestedIds: string[];
}

/** ARM's rule for a linked resource id: it starts with /subscriptions/{id} or /providers/{namespace}/. */
function isFullyQualifiedResourceId(id: string): boolean {
  return /^\/subscriptions\/[^/]+(\/|$)/i.test(id) || /^\/providers\/[^/]+\//i.test(id);
}

/** Worded as Azure/azure-cli#25401 and MicrosoftDocs/azure-docs#112377 report it (seen there for other resource types). */
function linkedInvalidPropertyId(id: string): FakeResponse {
  return armError(400, 'LinkedInvalidPropertyId',
    `Property id '${id}' at path '' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`);
}

function invalidIdentity(message: string): FakeResponse {
  return { status: 400, body: { error: { code: 'InvalidParameter', message, target: 'identity' } } };
}

/**
 * The VM identity after a write: PATCH merges the request's userAssignedIdentities into the current ones
 * (null removes a key), PUT replaces them. ids match without regard to case; a kept id keeps its stored casing.
 */
export function nextIdentity(state: FakeState, vm: StateIdentityHost | undefined, requested: unknown, mode: 'PATCH' | 'PUT'): IdentityOutcome | FakeResponse {
  const current = vm?.identity ?? { type: 'None' as IdentityTypeName, userAssignedIdentities: {} };
  if (requested === undefined || (requested === null && mode === 'PATCH')) {
    // A PUT that leaves `identity` out keeps an existing VM's identity (README, "Where the sources were silent" 5).
    return { type: current.type, userAssignedIdentities: structuredClone(current.userAssignedIdentities), requestedIds: [] };
  }
  if (requested === null || typeof requested !== 'object' || Array.isArray(requested)) return invalidIdentity("The value of parameter 'identity' is invalid: it must be an object.");
  const body = requested as { type?: unknown; userAssignedIdentities?: unknown };
  let type: IdentityTypeName;
  if (body.type === undefined || body.type === null) {
    type = mode === 'PATCH' ? current.type : 'None';
  } else {
    const canonical = typeof body.type === 'string' ? identityTypes[body.type.replace(/\s+/g, '').toLowerCase()] : undefined;
    if (!canonical) {
      return invalidIdentity(`The value '${String(body.type)}' of parameter 'identity.type' is invalid. Allowed values are 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned' and 'None'.`);
    }
    type = canonical;
  }
  const dictionary = body.userAssignedIdentities ?? {};
  if (typeof dictionary !== 'object' || Array.isArray(dictionary)) return invalidIdentity("The value of parameter 'identity.userAssignedIdentities' is invalid: it must be a dictionary keyed by resource id.");
  const entries = Object.entries(dictionary as Record<string, unknown>);
  const malformed = entries.find(([id]) => !isFullyQualifiedResourceId(id));
  if (malformed) return linkedInvalidPropertyId(malformed[0]);
  const duplicate = entries.find(([id], i) => entries.findIndex(([other]) => sameId(other, id)) !== i);
  if (duplicate) {
    const first = entries.find(([id]) => sameId(id, duplicate[0]))![0];
    return invalidIdentity(`The user-assigned identities '${first}' and '${duplicate[0]}' differ only by case and name the same identity; name each identity once.`);
  }
  const added = entries.filter(([, v]) => v !== null);
  for (const [id, v] of added) {
    if (typeof v !== 'object' || Array.isArray(v)) return invalidIdentity(`The value for user-assigned identity '${id}' must be an empty object {} or null.`);
  }
  if (!hasUserAssigned(type)) {
    if (added.length > 0) {
      return invalidIdentity(`The identity type '${type}' does not allow user-assigned identities, but the request names ${added.map(([id]) => `'${id}'`).join(', ')}. Use 'UserAssigned' or 'SystemAssigned, UserAssigned'.`);
    }
    return { type, userAssignedIdentities: {}, requestedIds: [] };
  }
  // Start from what the VM has (PATCH keeps unmentioned keys while the type still includes UserAssigned).
  const result: Record<string, { principalId: string; clientId: string }> =
    mode === 'PATCH' && hasUserAssigned(current.type) ? structuredClone(current.userAssignedIdentities) : {};
  const storedKey = (id: string) => Object.keys(result).find((k) => sameId(k, id));
  for (const [id, value] of entries) {
    const existingKey = storedKey(id);
    if (value === null) {
      if (existingKey) delete result[existingKey];
      continue;
    }
    if (existingKey) continue;
    const uai = findUserAssignedIdentity(state, id);
    result[id] = uai ? { principalId: uai.principalId, clientId: uai.clientId } : { principalId: '', clientId: '' };
  }
  if (Object.keys(result).length === 0) {
    return invalidIdentity(`The identity type '${type}' requires at least one user-assigned identity, but none would remain on the resource. Use type '${hasSystemAssigned(type) ? 'SystemAssigned' : 'None'}' to remove the last one.`);
  }
  return { type, userAssignedIdentities: result, requestedIds: added.map(([id]) => id) };
}

function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

function preconditionFailed(): FakeResponse {
  return armError(412, 'PreconditionFailed', 'The condition specified using HTTP conditional header(s) is not met.');
}

function checkConditions(req: FakeRequest, vm: StateIdentityHost | undefined): FakeResponse | undefined {
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  if (typeof ifMatch === 'string') {
    if (!vm) return preconditionFailed();
    const wanted = ifMatch.split(',').map(normalizeEtag);
    if (!wanted.includes('*') && !wanted.includes(normalizeEtag(vm.etag))) return preconditionFailed();
  }
  if (typeof ifNoneMatch === 'string' && vm) {
    const unwanted = ifNoneMatch.split(',').map(normalizeEtag);
    if (unwanted.includes('*') || unwanted.includes(normalizeEtag(vm.etag))) return preconditionFailed();
  }
  return undefined;
}

function runningOperation(ctx: ArmContext, host: StateIdentityHost): LroOperation | undefined {
  return [...ctx.operations.values()].find((op) => sameId(op.resourceId, host.id) && op.status === 'InProgress');
}

/** What ARM answers a VM write while another one runs (seen in bosh-azure-cpi-release#762, microsoft/lisa#4623). */
function conflict(): FakeResponse {
  return armError(409, 'ConflictingConcurrentWriteNotAllowed', 'The operation was interrupted by a conflicting concurrent write on the same entity. Please retry later.');
}

function failedIdentityOperation(vmId: string, uaiId: string): FakeResponse {
  // Worded as reported in Azure/azure-policy#1311.
  const inner = JSON.stringify({ error: { code: 'BadRequest', message: `Resource '${uaiId}' was not found.` } });
  return armError(400, 'FailedIdentityOperation',
    `Identity operation for resource '${vmId}' failed with error 'Failed to perform resource identity operation. Status: 'BadRequest'. Response: '${inner}'.'.`);
}

/**
 * Checks shared by every PUT and PATCH of a VM or scale set after the resource (or its absence) is known; undefined
 * when the write may go on. `writeAction` is the resource's write action, named by LinkedAuthorizationFailed.
 */
export function checkIdentityWrite(req: FakeRequest, ctx: ArmContext, writeAction: string, resourceId: string, host: StateIdentityHost | undefined, outcome: IdentityOutcome): FakeResponse | undefined {
  const unassignable = outcome.requestedIds.filter((id) => !isAllowed(ctx.state, req.caller.oid, assignAction, id));
  if (unassignable.length > 0) return linkedAuthorizationFailed(req.caller, writeAction, resourceId, assignAction, unassignable);
  if (host) {
    const running = runningOperation(ctx, host);
    if (running) return conflict();
  }
  const precondition = checkConditions(req, host);
  if (precondition) return precondition;
  const missing = outcome.requestedIds.find((id) => !findUserAssignedIdentity(ctx.state, id));
  if (missing) return failedIdentityOperation(resourceId, missing);
  return undefined;
}

export function applyIdentity(state: FakeState, host: StateIdentityHost, outcome: IdentityOutcome): void {
  const wasSystem = hasSystemAssigned(host.identity.type);
  const isSystem = hasSystemAssigned(outcome.type);
  host.identity.type = outcome.type;
  host.identity.userAssignedIdentities = outcome.userAssignedIdentities;
  if (isSystem && !wasSystem) enableSystemAssignedIdentity(state, host);
  if (!isSystem && wasSystem) disableSystemAssignedIdentity(state, host);
}

export function bumpEtag(host: StateIdentityHost): void {
  host.etag = `"${(Number.parseInt(normalizeEtag(host.etag), 10) || 0) + 1}"`;
}

/** Starts the long-running part of a VM or scale-set write; answers the polling headers of the write's response. */
export function startLro(req: FakeRequest, ctx: ArmContext, host: StateIdentityHost, provisioningState: 'Creating' | 'Updating'): Record<string, string> {
  const fault = ctx.takeLroFault(req.method, req.path);
  const op: LroOperation = {
    id: randomUUID(),
    resourceId: host.id,
    startTime: new Date().toISOString(),
    polls: 0,
    outcome: fault?.kind === 'lroNeverEnds' ? 'never' : fault?.kind === 'lroFailed' ? 'Failed' : 'Succeeded',
    ...(fault?.kind === 'lroFailed'
      ? { error: { code: fault.errorCode ?? 'InternalExecutionError', message: fault.errorMessage ?? 'An internal execution error occurred. Please retry later.' } }
      : {}),
    status: 'InProgress',
  };
  ctx.operations.set(op.id, op);
  if (op.outcome !== 'never') {
    // Azure finishes the write whether or not anyone polls; polling only observes it.
    op.timer = setTimeout(() => finishOperation(ctx, op), ctx.lroPolls * ctx.retryAfterSeconds * 1000);
    op.timer.unref();
  }
  host.provisioningState = provisioningState;
  const location = normalizedLocation(host.location);
  const apiVersion = req.query.get('api-version')!;
  const operationUrl = `${req.baseUrl}/subscriptions/${host.subscriptionId}/providers/Microsoft.Compute/locations/${location}/operations/${op.id}?p=${stableGuid(op.id)}&api-version=${encodeURIComponent(apiVersion)}`;
  return { 'Azure-AsyncOperation': operationUrl, 'Retry-After': String(ctx.retryAfterSeconds) };
}

/** Ends a running operation with its planned outcome (after lroPolls polls or its timer, whichever comes first). */
function finishOperation(ctx: ArmContext, op: LroOperation): void {
  // A reset between start and timer drops the operation (and the state it belonged to).
  if (op.status !== 'InProgress' || op.outcome === 'never' || ctx.operations.get(op.id) !== op) return;
  clearTimeout(op.timer);
  op.status = op.outcome;
  op.endTime = new Date().toISOString();
  const host = findIdentityHost(ctx.state, op.resourceId);
  if (host) host.provisioningState = op.outcome;
}

function getOperation(req: FakeRequest, ctx: ArmContext, [subscriptionId, , operationId]: string[]): FakeResponse {
  const denied = deny(req, ctx, 'Microsoft.Compute/locations/operations/read', `/subscriptions/${subscriptionId}`);
  if (denied) return denied;
  const runCommandStatus = runCommandOperationStatus(req, ctx, subscriptionId!, operationId!);
  if (runCommandStatus) return runCommandStatus;
  const op = ctx.operations.get(operationId!);
  // An operation is found only under the subscription of the resource it writes.
  if (!op || !scopeContains(`/subscriptions/${subscriptionId}`, op.resourceId)) return armError(404, 'NotFound', `The operation '${operationId}' could not be found.`);
  if (op.status === 'InProgress' && op.outcome !== 'never') {
    if (op.polls < ctx.lroPolls) op.polls += 1;
    else finishOperation(ctx, op);
  }
  const body = {
    startTime: op.startTime,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    status: op.status,
    ...(op.status === 'Failed' && op.error ? { error: op.error } : {}),
    name: op.id,
  };
  return { status: 200, headers: op.status === 'InProgress' ? { 'Retry-After': String(ctx.retryAfterSeconds) } : {}, body };
}

function patchVirtualMachine(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const vm = targetVm(req, ctx, params, vmWrite, 'PatchResourceNotFound');
  if (isResponse(vm)) return vm;
  const read = readJsonObject(req.body);
  if (isResponse(read)) return read;
  const body = read.fields;
  const outcome = nextIdentity(ctx.state, vm, body['identity'], 'PATCH');
  if (isResponse(outcome)) return outcome;
  const refused = checkIdentityWrite(req, ctx, vmWrite, vm.id, vm, outcome);
  if (refused) return refused;
  applyIdentity(ctx.state, vm, outcome);
  if (body['tags'] && typeof body['tags'] === 'object') vm.tags = body['tags'] as Record<string, string>;
  const size = (body['properties'] as { hardwareProfile?: { vmSize?: unknown } } | undefined)?.hardwareProfile?.vmSize;
  if (typeof size === 'string') vm.vmSize = size;
  const patched = storableVmProperties(body['properties']);
  if (Object.keys(patched).length > 0) vm.extraProperties = mergeProperties(vm.extraProperties ?? {}, patched);
  bumpEtag(vm);
  const headers = startLro(req, ctx, vm, 'Updating');
  return { status: 200, headers, body: vmBody(vm) };
}

/** ARM's generic resource name rule, applied to VM names (computer-name limits are the guest's, not ARM's). */
export function isValidArmResourceName(name: string): boolean {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(name) && !name.startsWith('_') && !/[.-]$/.test(name);
}

/** 'East US' and 'eastus' are one region. */
export function normalizedLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

/** A PUT may not move an existing resource to another region; undefined when the location stays. */
export function locationChangeRefused(existing: StateIdentityHost, location: string): FakeResponse | undefined {
  if (normalizedLocation(existing.location) === normalizedLocation(location)) return undefined;
  // Worded as ARM answers it (MicrosoftDocs/azure-docs#70422, fortinetsolutions/Azure-Templates#8).
  return armError(400, 'InvalidResourceLocation',
    `The resource '${existing.name}' already exists in location '${existing.location}' in resource group '${existing.resourceGroup}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`);
}

function putVirtualMachine(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const [subscriptionId, resourceGroup, name] = params as [string, string, string];
  const vmId = vmResourceId(subscriptionId, resourceGroup, name);
  const denied = deny(req, ctx, vmWrite, vmId);
  if (denied) return denied;
  const group = findResourceGroup(ctx.state, subscriptionId, resourceGroup);
  if (!group) return resourceGroupNotFound(resourceGroup);
  const read = readJsonObject(req.body);
  if (isResponse(read)) return read;
  const body = read.fields;
  if (!isValidArmResourceName(name)) {
    return armError(400, 'InvalidParameter',
      `The resource name '${name}' is invalid. It must be 1 to 64 characters of letters, digits, hyphens, underscores and periods, must not start with an underscore and must not end with a period or hyphen.`);
  }
  if (typeof body['location'] !== 'string' || !body['location']) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  const existing = findVirtualMachine(ctx.state, subscriptionId, resourceGroup, name);
  const moved = existing && locationChangeRefused(existing, body['location']);
  if (moved) return moved;
  const outcome = nextIdentity(ctx.state, existing, body['identity'], 'PUT');
  if (isResponse(outcome)) return outcome;
  const refused = checkIdentityWrite(req, ctx, vmWrite, vmId, existing, outcome) ?? checkVmNetwork(req, ctx, vmId, body['location'], body['properties']);
  if (refused) return refused;
  const properties = (body['properties'] ?? {}) as { hardwareProfile?: { vmSize?: string }; storageProfile?: { osDisk?: { osType?: 'Linux' | 'Windows' } } };
  const tags = (body['tags'] ?? {}) as Record<string, string>;
  const vm: StateVirtualMachine = existing ?? {
    id: vmId,
    subscriptionId: group.subscriptionId,
    resourceGroup: group.name,
    name,
    location: body['location'],
    vmSize: 'Standard_B2s',
    osType: 'Linux',
    powerState: 'running',
    provisioningState: 'Creating',
    etag: '"0"',
    identity: { type: 'None', userAssignedIdentities: {} },
    tags: {},
  };
  vm.vmSize = properties.hardwareProfile?.vmSize ?? vm.vmSize;
  // Without an explicit osType Azure takes it from the image; Windows images come from Windows publishers.
  const publisher = (properties.storageProfile as { imageReference?: { publisher?: unknown } } | undefined)?.imageReference?.publisher;
  const imageOsType = typeof publisher === 'string' && /windows/i.test(publisher) ? 'Windows' : undefined;
  vm.osType = properties.storageProfile?.osDisk?.osType ?? imageOsType ?? vm.osType;
  vm.extraProperties = storableVmProperties(body['properties']);
  vm.tags = tags;
  if (!existing) ctx.state.virtualMachines.push(vm);
  applyIdentity(ctx.state, vm, outcome);
  bumpEtag(vm);
  const headers = startLro(req, ctx, vm, existing ? 'Updating' : 'Creating');
  return { status: existing ? 200 : 201, headers, body: vmBody(vm) };
}

// ---------- User-assigned identities ----------

const uaiType = 'Microsoft.ManagedIdentity/userAssignedIdentities';

function uaiBody(u: FakeState['userAssignedIdentities'][number]) {
  return {
    id: u.id,
    name: u.name,
    type: uaiType,
    location: u.location,
    tags: structuredClone(u.tags),
    properties: { tenantId: u.tenantId, principalId: u.principalId, clientId: u.clientId, isolationScope: 'None' },
  };
}

function listUserAssignedIdentities(req: FakeRequest, ctx: ArmContext, [subscriptionId, resourceGroup]: string[]): FakeResponse {
  const scope = resourceGroup ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` : `/subscriptions/${subscriptionId}`;
  const action = `${uaiType}/read`;
  if (resourceGroup && !findResourceGroup(ctx.state, subscriptionId!, resourceGroup)) return deny(req, ctx, action, scope) ?? resourceGroupNotFound(resourceGroup);
  const all = ctx.state.userAssignedIdentities.filter((u) => scopeContains(scope, u.id));
  const items = authorizedItems(req, ctx, action, scope, all);
  return isResponse(items) ? items : page(req, ctx, items.map(uaiBody));
}

function targetUai(req: FakeRequest, ctx: ArmContext, params: string[], action: string) {
  const [subscriptionId, resourceGroup, name] = params as [string, string, string];
  const id = userAssignedIdentityResourceId(subscriptionId, resourceGroup, name);
  const denied = deny(req, ctx, action, id);
  if (denied) return { response: denied };
  const group = findResourceGroup(ctx.state, subscriptionId, resourceGroup);
  if (!group) return { response: resourceGroupNotFound(resourceGroup) };
  return { id, group, name, existing: findUserAssignedIdentity(ctx.state, id) };
}

function getUserAssignedIdentity(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const target = targetUai(req, ctx, params, `${uaiType}/read`);
  if (target.response) return target.response;
  return target.existing ? { status: 200, body: uaiBody(target.existing) } : resourceNotFound(uaiType, target.name!, target.group!.name);
}

/** Azure's rule for user-assigned identity names (resource-name-rules). */
export function isValidUserAssignedIdentityName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/.test(name);
}

function putUserAssignedIdentity(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const target = targetUai(req, ctx, params, `${uaiType}/write`);
  if (target.response) return target.response;
  const { group, name } = target as Required<Omit<typeof target, 'response' | 'existing'>>;
  const read = readJsonObject(req.body);
  if (isResponse(read)) return read;
  const body = read.fields;
  if (!isValidUserAssignedIdentityName(name)) {
    return armError(400, 'InvalidResourceName',
      `Resource name '${name}' is invalid. The name can be 3 to 128 characters long and may contain only letters, digits, hyphens and underscores, starting with a letter or digit.`);
  }
  if (typeof body['location'] !== 'string' || !body['location']) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  const tags = (body['tags'] ?? {}) as Record<string, string>;
  if (target.existing) {
    target.existing.tags = tags;
    return { status: 200, body: uaiBody(target.existing) };
  }
  const tenantId = tenantOfSubscription(ctx.state, group.subscriptionId);
  const created = {
    id: userAssignedIdentityResourceId(group.subscriptionId, group.name, name),
    subscriptionId: group.subscriptionId,
    resourceGroup: group.name,
    name,
    location: body['location'],
    tenantId,
    principalId: randomUUID(),
    clientId: randomUUID(),
    tags,
  };
  ctx.state.userAssignedIdentities.push(created);
  addManagedIdentityServicePrincipal(ctx.state, { id: created.principalId, appId: created.clientId, displayName: name, resourceId: created.id, tenantId, isExplicit: true });
  return { status: 201, body: uaiBody(created) };
}

function patchUserAssignedIdentity(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const target = targetUai(req, ctx, params, `${uaiType}/write`);
  if (target.response) return target.response;
  if (!target.existing) return armError(404, 'PatchResourceNotFound', `The resource '${target.id}' was not found. ${notFoundHelp}`);
  const read = readJsonObject(req.body);
  if (isResponse(read)) return read;
  const body = read.fields;
  if (body['tags'] && typeof body['tags'] === 'object') target.existing.tags = body['tags'] as Record<string, string>;
  return { status: 200, body: uaiBody(target.existing) };
}

function deleteUserAssignedIdentity(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const target = targetUai(req, ctx, params, `${uaiType}/delete`);
  if (target.response) return target.response;
  if (!target.existing) return { status: 204 };
  const removed = target.existing;
  ctx.state.userAssignedIdentities = ctx.state.userAssignedIdentities.filter((u) => u !== removed);
  // Its role assignments stay, orphaned ("Identity not found" in the portal), as Azure leaves them.
  deleteServicePrincipal(ctx.state, removed.principalId, { keepRoleAssignments: true });
  return { status: 200 };
}

// Keeps the role table honest at load: every seeded assignment must name a role this fake knows.
export function checkRoleAssignments(state: FakeState): void {
  for (const ra of state.roleAssignments) roleByName(ra.roleDefinitionName, state);
}
