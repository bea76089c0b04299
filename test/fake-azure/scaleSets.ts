// Microsoft.Compute/virtualMachineScaleSets for the ARM face (azure-wire-facts.md section 10): lists by subscription
// and resource group, GET, PUT and PATCH. A scale set is an identity host like a VM: the same identity rules, ETags,
// long-running operation, service principal lifecycle and authorization, all from arm.ts. Identity lives at the
// scale-set level: a write changes the scale set only; Flexible instances (ordinary VMs) keep their own identity and
// nothing is marked out of date. Uniform instances (VMSS-VM APIs) are not modelled. See README.md.
import {
  applyIdentity,
  armError,
  authorizedItems,
  bumpEtag,
  checkIdentityWrite,
  defaultImages,
  deny,
  findResourceGroup,
  isResponse,
  isValidArmResourceName,
  locationChangeRefused,
  mergeProperties,
  nextIdentity,
  notFoundHelp,
  page,
  readJsonObject,
  resourceGroupNotFound,
  resourceNotFound,
  startLro,
  type ArmContext,
  type Route,
} from './arm';
import { scopeContains } from './rbac';
import { findScaleSet, hasUserAssigned, sameId, scaleSetResourceId, stableGuid } from './state';
import type { FakeRequest, FakeResponse, StateVirtualMachineScaleSet } from './types';

export const scaleSetType = 'Microsoft.Compute/virtualMachineScaleSets';
const scaleSetRead = `${scaleSetType}/read`;
const scaleSetWrite = `${scaleSetType}/write`;

/** The routes, built when asked so that arm.ts can include them whichever module loads first. */
export function scaleSetRoutes(): Route[] {
  const sub = '/subscriptions/([^/]+)';
  const rg = `${sub}/resourcegroups/([^/]+)`;
  return [
    { pattern: new RegExp(`^${sub}/providers/Microsoft\\.Compute/virtualMachineScaleSets$`, 'i'), methods: { GET: listScaleSets } },
    { pattern: new RegExp(`^${rg}/providers/Microsoft\\.Compute/virtualMachineScaleSets$`, 'i'), methods: { GET: listScaleSets } },
    {
      pattern: new RegExp(`^${rg}/providers/Microsoft\\.Compute/virtualMachineScaleSets/([^/]+)$`, 'i'),
      methods: { GET: getScaleSet, PUT: putScaleSet, PATCH: patchScaleSet },
    },
  ];
}

export function scaleSets(ctx: { state: ArmContext['state'] }): StateVirtualMachineScaleSet[] {
  ctx.state.virtualMachineScaleSets ??= [];
  return ctx.state.virtualMachineScaleSets;
}

function identityBody(scaleSet: StateVirtualMachineScaleSet) {
  const { identity } = scaleSet;
  if (identity.type === 'None') return undefined;
  return {
    type: identity.type,
    ...(identity.principalId ? { principalId: identity.principalId, tenantId: identity.tenantId } : {}),
    ...(hasUserAssigned(identity.type) ? { userAssignedIdentities: structuredClone(identity.userAssignedIdentities) } : {}),
  };
}

/** Keys a scale-set write may not set: ARM computes them. */
const readOnlyProperties = ['provisioningState', 'uniqueId', 'timeCreated', 'orchestrationMode'];

/** The unmodelled properties of a write, kept for echoing: without read-only keys and never a secret. */
function storableProperties(properties: unknown): Record<string, unknown> {
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return {};
  const kept = structuredClone(properties) as Record<string, unknown>;
  for (const key of readOnlyProperties) delete kept[key];
  const osProfile = (kept['virtualMachineProfile'] as { osProfile?: Record<string, unknown> } | undefined)?.osProfile;
  if (osProfile) {
    delete osProfile['adminPassword'];
    delete osProfile['customData'];
  }
  return kept;
}

function modelledBody(scaleSet: StateVirtualMachineScaleSet) {
  const identity = identityBody(scaleSet);
  const flexible = scaleSet.orchestrationMode === 'Flexible';
  const prefix = scaleSet.name.slice(0, 9);
  return {
    name: scaleSet.name,
    id: scaleSet.id,
    type: scaleSetType,
    location: scaleSet.location,
    tags: structuredClone(scaleSet.tags),
    etag: scaleSet.etag,
    sku: { ...scaleSet.sku },
    ...(identity ? { identity } : {}),
    properties: {
      singlePlacementGroup: !flexible,
      orchestrationMode: scaleSet.orchestrationMode,
      upgradePolicy: { mode: scaleSet.upgradePolicyMode },
      virtualMachineProfile: {
        storageProfile: {
          imageReference: { ...defaultImages[scaleSet.osType] },
          osDisk: { osType: scaleSet.osType, createOption: 'FromImage', caching: 'ReadWrite', managedDisk: { storageAccountType: 'Premium_LRS' }, diskSizeGB: 30 },
          dataDisks: [],
        },
        osProfile: {
          computerNamePrefix: prefix,
          adminUsername: 'azureuser',
          ...(scaleSet.osType === 'Windows'
            ? { windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true } }
            : { linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true } }),
          secrets: [],
        },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: `${prefix}-nic`,
              properties: {
                primary: true,
                ipConfigurations: [
                  {
                    name: `${prefix}-ipconfig`,
                    properties: {
                      primary: true,
                      subnet: { id: `/subscriptions/${scaleSet.subscriptionId}/resourceGroups/${scaleSet.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${scaleSet.resourceGroup}-vnet/subnets/default` },
                    },
                  },
                ],
              },
            },
          ],
          ...(flexible ? { networkApiVersion: '2020-11-01' } : {}),
        },
      },
      provisioningState: scaleSet.provisioningState,
      ...(flexible ? {} : { overprovision: false, doNotRunExtensionsOnOverprovisionedVMs: false }),
      uniqueId: stableGuid(`uniqueId:${scaleSet.id.toLowerCase()}`),
      platformFaultDomainCount: 1,
      timeCreated: '2024-01-15T09:00:00.0000000+00:00',
    },
  };
}

export function scaleSetBody(scaleSet: StateVirtualMachineScaleSet) {
  const body = modelledBody(scaleSet);
  if (!scaleSet.extraProperties) return body;
  // What the caller sent wins over the fake's defaults, except what the fake models or computes.
  const properties = mergeProperties(body.properties, scaleSet.extraProperties);
  for (const key of [...readOnlyProperties, 'upgradePolicy']) {
    const modelled = (body.properties as Record<string, unknown>)[key];
    if (modelled !== undefined) properties[key] = key === 'upgradePolicy' ? { ...(properties[key] as object), mode: scaleSet.upgradePolicyMode } : modelled;
  }
  return { ...body, properties };
}

function listScaleSets(req: FakeRequest, ctx: ArmContext, [subscriptionId, resourceGroup]: string[]): FakeResponse {
  const scope = resourceGroup ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` : `/subscriptions/${subscriptionId}`;
  if (resourceGroup && !findResourceGroup(ctx.state, subscriptionId!, resourceGroup)) {
    return deny(req, ctx, scaleSetRead, scope) ?? resourceGroupNotFound(resourceGroup);
  }
  const all = scaleSets(ctx).filter((s) => scopeContains(scope, s.id));
  const items = authorizedItems(req, ctx, scaleSetRead, scope, all);
  return isResponse(items) ? items : page(req, ctx, items.map(scaleSetBody));
}

/** The scale set of a request's path after the RBAC and resource-group checks, or the 403/404 answer; undefined when absent. */
function target(req: FakeRequest, ctx: ArmContext, params: string[], action: string): { scaleSet?: StateVirtualMachineScaleSet; id: string } | FakeResponse {
  const [subscriptionId, resourceGroup, name] = params as [string, string, string];
  const id = scaleSetResourceId(subscriptionId, resourceGroup, name);
  const denied = deny(req, ctx, action, id);
  if (denied) return denied;
  if (!findResourceGroup(ctx.state, subscriptionId, resourceGroup)) return resourceGroupNotFound(resourceGroup);
  const scaleSet = findScaleSet(ctx.state, subscriptionId, resourceGroup, name);
  return scaleSet ? { scaleSet, id } : { id };
}

function getScaleSet(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const found = target(req, ctx, params, scaleSetRead);
  if (isResponse(found)) return found;
  if (!found.scaleSet) return resourceNotFound(scaleSetType, params[2]!, params[1]!);
  return { status: 200, body: scaleSetBody(found.scaleSet) };
}

const orchestrationModes = ['Uniform', 'Flexible'] as const;

/** The orchestration mode a write asks for (case-insensitive), undefined when it names none, or the 400 answer. */
function requestedMode(properties: unknown): StateVirtualMachineScaleSet['orchestrationMode'] | undefined | FakeResponse {
  const mode = (properties as { orchestrationMode?: unknown } | undefined)?.orchestrationMode;
  if (mode === undefined || mode === null) return undefined;
  const known = orchestrationModes.find((m) => typeof mode === 'string' && sameId(m, mode));
  return known ?? armError(400, 'InvalidParameter', `The value '${String(mode)}' of parameter 'properties.orchestrationMode' is invalid. Allowed values are 'Uniform' and 'Flexible'.`);
}

function modeChangeRefused(): FakeResponse {
  return armError(409, 'PropertyChangeNotAllowed', "Changing property 'orchestrationMode' is not allowed.");
}

/** Applies the modelled fields a write may carry besides identity: sku, tags, upgrade policy and unmodelled properties. */
function applyFields(scaleSet: StateVirtualMachineScaleSet, body: Record<string, unknown>, mode: 'PUT' | 'PATCH'): void {
  const sku = body['sku'] as { name?: unknown; tier?: unknown; capacity?: unknown } | undefined;
  if (sku && typeof sku === 'object') {
    if (typeof sku.name === 'string') scaleSet.sku.name = sku.name;
    if (typeof sku.tier === 'string') scaleSet.sku.tier = sku.tier;
    if (typeof sku.capacity === 'number' && Number.isInteger(sku.capacity) && sku.capacity >= 0) scaleSet.sku.capacity = sku.capacity;
  }
  if (body['tags'] && typeof body['tags'] === 'object') scaleSet.tags = structuredClone(body['tags']) as Record<string, string>;
  else if (mode === 'PUT') scaleSet.tags = {};
  const upgradeMode = (body['properties'] as { upgradePolicy?: { mode?: unknown } } | undefined)?.upgradePolicy?.mode;
  if (typeof upgradeMode === 'string') scaleSet.upgradePolicyMode = upgradeMode;
  const stored = storableProperties(body['properties']);
  scaleSet.extraProperties = mode === 'PUT' ? stored : mergeProperties(scaleSet.extraProperties ?? {}, stored);
}

function patchScaleSet(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const found = target(req, ctx, params, scaleSetWrite);
  if (isResponse(found)) return found;
  const scaleSet = found.scaleSet;
  if (!scaleSet) return armError(404, 'PatchResourceNotFound', `The resource '${found.id}' was not found. ${notFoundHelp}`);
  const read = readJsonObject(req.body);
  if (isResponse(read)) return read;
  const body = read.fields;
  const mode = requestedMode(body['properties']);
  if (isResponse(mode)) return mode;
  if (mode && mode !== scaleSet.orchestrationMode) return modeChangeRefused();
  const outcome = nextIdentity(ctx.state, scaleSet, body['identity'], 'PATCH');
  if (isResponse(outcome)) return outcome;
  const refused = checkIdentityWrite(req, ctx, scaleSetWrite, scaleSet.id, scaleSet, outcome);
  if (refused) return refused;
  applyIdentity(ctx.state, scaleSet, outcome);
  applyFields(scaleSet, body, 'PATCH');
  bumpEtag(scaleSet);
  const headers = startLro(req, ctx, scaleSet, 'Updating');
  return { status: 200, headers, body: scaleSetBody(scaleSet) };
}

function putScaleSet(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const found = target(req, ctx, params, scaleSetWrite);
  if (isResponse(found)) return found;
  const [subscriptionId, resourceGroup, name] = params as [string, string, string];
  const read = readJsonObject(req.body);
  if (isResponse(read)) return read;
  const body = read.fields;
  if (!isValidArmResourceName(name)) {
    return armError(400, 'InvalidParameter',
      `The resource name '${name}' is invalid. It must be 1 to 64 characters of letters, digits, hyphens, underscores and periods, must not start with an underscore and must not end with a period or hyphen.`);
  }
  if (typeof body['location'] !== 'string' || !body['location']) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  const existing = found.scaleSet;
  const moved = existing && locationChangeRefused(existing, body['location']);
  if (moved) return moved;
  const mode = requestedMode(body['properties']);
  if (isResponse(mode)) return mode;
  if (existing && mode && mode !== existing.orchestrationMode) return modeChangeRefused();
  const outcome = nextIdentity(ctx.state, existing, body['identity'], 'PUT');
  if (isResponse(outcome)) return outcome;
  const refused = checkIdentityWrite(req, ctx, scaleSetWrite, found.id, existing, outcome);
  if (refused) return refused;
  const group = findResourceGroup(ctx.state, subscriptionId, resourceGroup)!;
  const osType = (body['properties'] as { virtualMachineProfile?: { storageProfile?: { osDisk?: { osType?: unknown } } } } | undefined)
    ?.virtualMachineProfile?.storageProfile?.osDisk?.osType;
  const scaleSet: StateVirtualMachineScaleSet = existing ?? {
    id: scaleSetResourceId(group.subscriptionId, group.name, name),
    subscriptionId: group.subscriptionId,
    resourceGroup: group.name,
    name,
    location: body['location'],
    // Without orchestrationMode the REST API has long made Uniform scale sets (README, silent choices).
    orchestrationMode: mode ?? 'Uniform',
    sku: { name: 'Standard_B2s', tier: 'Standard', capacity: 0 },
    osType: osType === 'Windows' ? 'Windows' : 'Linux',
    upgradePolicyMode: 'Manual',
    provisioningState: 'Creating',
    etag: '"0"',
    identity: { type: 'None', userAssignedIdentities: {} },
    tags: {},
  };
  if (!existing) scaleSets(ctx).push(scaleSet);
  applyIdentity(ctx.state, scaleSet, outcome);
  applyFields(scaleSet, body, 'PUT');
  bumpEtag(scaleSet);
  const headers = startLro(req, ctx, scaleSet, existing ? 'Updating' : 'Creating');
  return { status: existing ? 200 : 201, headers, body: scaleSetBody(scaleSet) };
}
