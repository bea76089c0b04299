// Conformance of the scale-set routes with Microsoft's examples (examples/compute/VirtualMachineScaleSet_*.json),
// replayed as conformance.test.ts replays the others: a fake seeded with what the example names, its request sent as
// is (path from its parameters, its api-version, its body), its status expected, its body compared structurally.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunningFakeAzure } from '../server';
import { loadSeed } from '../state';
import { startFakeAzureForTests } from '../testing';
import type { Seed } from '../types';
import { assertAnswersLike, stringParameters, type Example, type Params } from './conformance-compare';
import { armToken, rawFetch } from './sdk';

const examplesDir = resolve(__dirname, '..', 'examples');
const prefix = 'VirtualMachineScaleSet_';
/** Stands for the examples' placeholder subscription "{subscription-id}". */
const EXAMPLE_SUBSCRIPTION = 'c0ffee00-0000-4000-8000-0000000000e1';


interface Case {
  method: 'GET' | 'PATCH';
  path: (p: Params) => string;
  omitted?: Record<string, string>;
  /** The example's request body, made valid where its generated filler cannot be sent to Azure as it is (each says why). */
  adaptBody?: (body: Record<string, unknown>, params: Params) => Record<string, unknown>;
}

const scaleSetPath = (p: Params) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.Compute/virtualMachineScaleSets/${p.vmScaleSetName}`;
const identityId = (p: Params) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myIdentity`;

const cases: Record<string, Case> = {
  'VirtualMachineScaleSet_Get_WithUserData.json': {
    method: 'GET',
    path: scaleSetPath,
    omitted: {
      'properties.virtualMachineProfile.applicationProfile': 'gallery applications are not modelled',
      'properties.virtualMachineProfile.userData': 'userData ($expand=userData) is not modelled',
      'properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties.networkSecurityGroup': 'network security groups are not modelled',
      'properties.upgradePolicy.automaticOSUpgradePolicy': 'automatic OS upgrades are not modelled (only the upgrade mode)',
      'properties.hostGroup': 'dedicated hosts are not modelled',
    },
  },
  'VirtualMachineScaleSet_Update_MinimumSet_Gen.json': { method: 'PATCH', path: scaleSetPath },
  'VirtualMachineScaleSet_Update_MaximumSet_Gen.json': {
    method: 'PATCH',
    path: scaleSetPath,
    adaptBody: (body, params) => ({
      ...body,
      // Generated filler: "key3951" is not a resource id (ARM answers LinkedInvalidPropertyId) and type SystemAssigned
      // allows no user-assigned identity (InvalidParameter). Sent instead: the documented way to have both.
      identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [identityId(params)]: {} } },
    }),
    omitted: {
      plan: 'marketplace plans are not modelled',
      zones: 'availability zones are not modelled',
      extendedLocation: 'edge zones are not modelled',
      'properties.virtualMachineProfile.osProfile.customData': 'a secret: never stored or returned (as the fake does for VMs)',
      'properties.zoneBalance': 'availability zones are not modelled',
      'properties.proximityPlacementGroup': 'proximity placement groups are not modelled',
      'properties.hostGroup': 'dedicated hosts are not modelled',
      'properties.additionalCapabilities': 'not modelled',
      'properties.spotRestorePolicy': 'spot instances are not modelled',
      'properties.virtualMachineProfile.storageProfile.osDisk.name': 'scale-set disks are not modelled',
      'properties.virtualMachineProfile.storageProfile.imageReference.exactVersion': 'image versions are not modelled',
      'properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties.ipConfigurations[].properties.publicIPAddressConfiguration.properties.ipTags': 'public IP settings are only echoed as sent',
      'properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties.ipConfigurations[].properties.publicIPAddressConfiguration.properties.publicIPPrefix': 'public IP settings are only echoed as sent',
      'properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties.ipConfigurations[].properties.publicIPAddressConfiguration.properties.publicIPAddressVersion': 'public IP settings are only echoed as sent',
      'properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties.ipConfigurations[].properties.publicIPAddressConfiguration.sku': 'public IP settings are only echoed as sent',
      'properties.virtualMachineProfile.extensionProfile.extensions[].type': 'scale-set extensions are only echoed as sent',
      'properties.virtualMachineProfile.extensionProfile.extensions[].id': 'scale-set extensions are only echoed as sent',
      'properties.virtualMachineProfile.extensionProfile.extensions[].properties.provisioningState': 'scale-set extensions are only echoed as sent',
      'properties.virtualMachineProfile.licenseType': 'only echoed when a write sends it',
      'properties.virtualMachineProfile.priority': 'spot instances are not modelled',
      'properties.virtualMachineProfile.evictionPolicy': 'spot instances are not modelled',
      'properties.virtualMachineProfile.capacityReservation': 'capacity reservations are not modelled',
      'properties.virtualMachineProfile.applicationProfile': 'gallery applications are not modelled',
    },
  },
  'VirtualMachineScaleSet_List_MinimumSet_Gen.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.Compute/virtualMachineScaleSets`,
  },
  'VirtualMachineScaleSet_ListAll_MinimumSet_Gen.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/providers/Microsoft.Compute/virtualMachineScaleSets`,
  },
};

function parametersOf(example: Example): Params {
  const params = stringParameters(example);
  if (params.subscriptionId === '{subscription-id}') params.subscriptionId = EXAMPLE_SUBSCRIPTION;
  params.resourceGroupName ??= 'rgcompute';
  params.vmScaleSetName ??= 'myScaleSet';
  return params;
}

function substitutePlaceholders<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).split('{subscription-id}').join(EXAMPLE_SUBSCRIPTION)) as T;
}

/** The example's subscription, resource group, scale set (with both kinds of identity, so every identity key is checked) and identity. */
function seedFor(params: Params): Seed {
  const demo = loadSeed(undefined);
  const tenant = demo.tenants[0]!;
  const admin = demo.principals.find((p) => p.displayName === 'sp-identity-admin')!;
  const sub = params.subscriptionId!;
  const group = params.resourceGroupName!;
  return {
    tenants: [tenant],
    principals: [admin],
    subscriptions: [{ subscriptionId: sub, displayName: 'Example Subscription', tenantId: tenant.tenantId }],
    resourceGroups: [{ subscriptionId: sub, name: group, location: 'westus' }],
    userAssignedIdentities: [
      { subscriptionId: sub, resourceGroup: group, name: 'myIdentity', location: 'westus', principalId: 'a1d00000-0000-4000-8000-0000000000e1', clientId: 'a2c00000-0000-4000-8000-0000000000e1' },
    ],
    virtualMachines: [],
    virtualMachineScaleSets: [params.vmScaleSetName!, 'myScaleSet-2'].map((name) => ({
      subscriptionId: sub,
      resourceGroup: group,
      name,
      location: 'westus',
      orchestrationMode: 'Uniform' as const,
      identity: { type: 'SystemAssigned, UserAssigned' as const, userAssignedIdentities: [identityId(params)] },
    })),
    groups: [],
    roleAssignments: [{ principalId: admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${sub}` }],
  };
}

const covered: string[] = [];
let fake: RunningFakeAzure | undefined;

describe('conformance of scale sets with Microsoft REST API examples', () => {
  after(async () => {
    await fake?.stop();
    console.log(`Conformance (scale sets): covered ${covered.length} examples:\n  ${covered.join('\n  ')}`);
  });

  it(`maps every compute/${prefix}* example`, () => {
    const files = readdirSync(join(examplesDir, 'compute')).filter((f) => f.startsWith(prefix));
    assert.ok(files.length >= 5, 'the scale-set examples are in the in-repo copy');
    assert.deepEqual(files.filter((f) => !(f in cases)), []);
  });

  for (const [file, testCase] of Object.entries(cases)) {
    it(`answers like compute/${file}`, async (t) => {
      const example = JSON.parse(readFileSync(join(examplesDir, 'compute', file), 'utf8')) as Example;
      const params = parametersOf(example);
      await fake?.stop();
      fake = await startFakeAzureForTests({ seed: seedFor(params), pageSize: 1 });
      const query = new URLSearchParams({ 'api-version': params['api-version']! });
      if (params.$expand) query.set('$expand', params.$expand);
      const requestBody = example.parameters.parameters as Record<string, unknown> | undefined;
      const body = requestBody === undefined ? undefined : substitutePlaceholders(testCase.adaptBody ? testCase.adaptBody(requestBody, params) : requestBody);
      const response = await rawFetch(fake, `${testCase.path(params)}?${query.toString()}`, {
        method: testCase.method,
        token: await armToken(fake),
        ...(body !== undefined ? { body } : {}),
      });
      assertAnswersLike(t, file, example, response, testCase.omitted, substitutePlaceholders);
      covered.push(`compute/${file} (${testCase.method} -> ${response.status})`);
    });
  }
});
