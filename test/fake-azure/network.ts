// Microsoft.Network/virtualNetworks for the ARM face: lists (by subscription and resource group) and GET, each with
// its subnets, and the check a VM PUT makes on the subnet its NIC configuration names (join permission, existence,
// same region). The fake creates no NIC resource: Compute's NIC is only echoed in the VM body. See README.md.
import { armError, authorizedItems, deny, findResourceGroup, isResponse, page, resourceGroupNotFound, type ArmContext, type Route } from './arm';
import { isAllowed, linkedAuthorizationFailed } from './rbac';
import { sameId, stableGuid } from './state';
import type { FakeRequest, FakeResponse, StateVirtualNetwork } from './types';

const vnetType = 'Microsoft.Network/virtualNetworks';
const vnetRead = 'Microsoft.Network/virtualNetworks/read';
export const subnetJoinAction = 'Microsoft.Network/virtualNetworks/subnets/join/action';

/** The routes, built when asked so that arm.ts can include them whichever module loads first. */
export function networkRoutes(): Route[] {
  const sub = '/subscriptions/([^/]+)';
  const rg = `${sub}/resourcegroups/([^/]+)`;
  return [
    { pattern: new RegExp(`^${sub}/providers/Microsoft\\.Network/virtualNetworks$`, 'i'), methods: { GET: listVirtualNetworks } },
    { pattern: new RegExp(`^${rg}/providers/Microsoft\\.Network/virtualNetworks$`, 'i'), methods: { GET: listVirtualNetworks } },
    { pattern: new RegExp(`^${rg}/providers/Microsoft\\.Network/virtualNetworks/([^/]+)$`, 'i'), methods: { GET: getVirtualNetwork } },
  ];
}

function virtualNetworks(ctx: ArmContext): StateVirtualNetwork[] {
  return ctx.state.virtualNetworks ?? [];
}

function vnetBody(vnet: StateVirtualNetwork) {
  const etag = `W/"${stableGuid(`etag:${vnet.id.toLowerCase()}`)}"`;
  return {
    name: vnet.name,
    id: vnet.id,
    etag,
    type: vnetType,
    location: vnet.location,
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: stableGuid(`resourceGuid:${vnet.id.toLowerCase()}`),
      addressSpace: { addressPrefixes: [...vnet.addressPrefixes] },
      subnets: vnet.subnets.map((subnet) => ({
        name: subnet.name,
        id: `${vnet.id}/subnets/${subnet.name}`,
        etag,
        type: `${vnetType}/subnets`,
        properties: {
          provisioningState: 'Succeeded',
          addressPrefix: subnet.addressPrefix,
          delegations: [],
          privateEndpointNetworkPolicies: 'Disabled',
          privateLinkServiceNetworkPolicies: 'Enabled',
        },
      })),
      virtualNetworkPeerings: [],
      enableDdosProtection: false,
    },
  };
}

function listVirtualNetworks(req: FakeRequest, ctx: ArmContext, [subscriptionId, resourceGroup]: string[]): FakeResponse {
  const scope = resourceGroup ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` : `/subscriptions/${subscriptionId}`;
  if (resourceGroup && !findResourceGroup(ctx.state, subscriptionId!, resourceGroup)) {
    return deny(req, ctx, vnetRead, scope) ?? resourceGroupNotFound(resourceGroup);
  }
  const all = virtualNetworks(ctx).filter((n) => n.id.toLowerCase().startsWith(`${scope.toLowerCase()}/`));
  const items = authorizedItems(req, ctx, vnetRead, scope, all);
  if (isResponse(items)) return items;
  return page(req, ctx, items.map(vnetBody));
}

function getVirtualNetwork(req: FakeRequest, ctx: ArmContext, [subscriptionId, resourceGroup, name]: string[]): FakeResponse {
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${vnetType}/${name}`;
  const denied = deny(req, ctx, vnetRead, id);
  if (denied) return denied;
  if (!findResourceGroup(ctx.state, subscriptionId!, resourceGroup!)) return resourceGroupNotFound(resourceGroup!);
  const vnet = virtualNetworks(ctx).find((n) => sameId(n.id, id));
  if (!vnet) {
    return armError(404, 'ResourceNotFound', `The Resource '${vnetType}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  return { status: 200, body: vnetBody(vnet) };
}

interface NicConfiguration {
  name?: unknown;
  properties?: { ipConfigurations?: { properties?: { subnet?: { id?: unknown } } }[] };
}

/**
 * What a VM PUT's `networkProfile.networkInterfaceConfigurations` must satisfy: ARM's linked check of the subnet
 * join permission, then Network's check that the subnet exists in the VM's region (one message for both, as Azure
 * words it). Undefined when the write may go on, or when the body has no NIC configurations.
 */
export function checkVmNetwork(req: FakeRequest, ctx: ArmContext, vmId: string, location: string, properties: unknown): FakeResponse | undefined {
  const configurations = (properties as { networkProfile?: { networkInterfaceConfigurations?: unknown } } | undefined)?.networkProfile?.networkInterfaceConfigurations;
  if (!Array.isArray(configurations)) return undefined;
  const nicPrefix = vmId.replace(/\/providers\/Microsoft\.Compute\/virtualMachines\/.*$/i, '/providers/Microsoft.Network/networkInterfaces/');
  const references = (configurations as NicConfiguration[]).flatMap((nic) =>
    (nic.properties?.ipConfigurations ?? []).map((ip) => ({ nicId: `${nicPrefix}${String(nic.name)}`, subnetId: ip.properties?.subnet?.id })),
  );
  const missing = references.find((reference) => typeof reference.subnetId !== 'string' || !reference.subnetId);
  if (missing) return armError(400, 'InvalidParameter', `Required parameter 'subnet' is missing (null) in the IP configuration of '${missing.nicId}'.`);
  const unjoinable = references.map((r) => r.subnetId as string).filter((id) => !isAllowed(ctx.state, req.caller.oid, subnetJoinAction, id));
  if (unjoinable.length > 0) return linkedAuthorizationFailed(req.caller, 'Microsoft.Compute/virtualMachines/write', vmId, subnetJoinAction, unjoinable);
  for (const { nicId, subnetId } of references) {
    const match = /^(.*\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/([^/]+)$/i.exec(subnetId as string);
    const vnet = match ? virtualNetworks(ctx).find((n) => sameId(n.id, match[1]!)) : undefined;
    const subnet = vnet?.subnets.find((s) => s.name.toLowerCase() === match![2]!.toLowerCase());
    if (!vnet || !subnet || vnet.location.replace(/\s+/g, '').toLowerCase() !== location.replace(/\s+/g, '').toLowerCase()) {
      // Azure's wording for a subnet that does not exist and for one in another region alike.
      return armError(400, 'InvalidResourceReference',
        `Resource ${subnetId as string} referenced by resource ${nicId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
    }
  }
  return undefined;
}
