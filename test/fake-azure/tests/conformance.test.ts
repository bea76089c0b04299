// Conformance with Microsoft's published REST examples (the in-repo copy in ../examples, see its SOURCES.md): each
// example that maps to an operation the fake implements is replayed against the fake, with a seed that holds the
// example's named subscription, resource group, VM and identity, and the fake's answer is compared structurally
// with the example's response (conformance-compare.ts says exactly what that means). The test prints which
// examples it covered and which it skipped, and why.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunningFakeAzure } from '../server';
import { loadSeed } from '../state';
import { startFakeAzureForTests } from '../testing';
import type { Seed } from '../types';
import { assertAnswersLike, filesUnder, stringParameters, type Example, type Params } from './conformance-compare';
import { armToken, rawFetch } from './sdk';

const repoRoot = resolve(__dirname, '..', '..', '..');
/** The in-repo copy, so that a clean clone checks conformance on its own. */
const examplesDir = resolve(__dirname, '..', 'examples');
/** The team's shared folder beside the clone, where new examples arrive first (absent on CI). */
const sharedExamplesDir = resolve(repoRoot, '..', 'shared', 'azure-rest-examples');

/** Stands for the examples' placeholder subscriptions ("{subscription-id}", "subid"), which are not GUIDs. */
const EXAMPLE_SUBSCRIPTION = 'c0ffee00-0000-4000-8000-0000000000e1';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Absent = 'vm' | 'identity' | 'resourceGroup';

interface Case {
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE';
  path: (p: Params) => string;
  /** Seed resources that must not exist before the request (the example creates them). */
  absent?: Absent[];
  /** Paths of example keys the fake deliberately leaves out, each with the reason. */
  omitted?: Record<string, string>;
  /** The example's own query options that are generated filler, not part of the operation under test. */
  ignoredQuery?: string[];
}

const vmPath = (p: Params) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.Compute/virtualMachines/${p.vmName}`;
const uaiPath = (p: Params) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${p.resourceName}`;

/** VM properties the fake does not model: nothing about them touches identities. */
const VM_UNMODELLED = {
  availabilitySet: 'availability sets are not modelled',
  proximityPlacementGroup: 'proximity placement groups are not modelled',
  applicationProfile: 'gallery applications are not modelled',
  diagnosticsProfile: 'boot diagnostics are not modelled',
  extensionsTimeBudget: 'VM extensions are not modelled',
};

/** The detach examples' answers describe data disks as the service fills them in; the fake only echoes what was sent. */
const VM_PATCH_DATA_DISKS = {
  'properties.storageProfile.dataDisks[].caching': 'data disks are not modelled: the fake echoes the disks sent, without the caching the service fills in',
  'properties.storageProfile.dataDisks[].managedDisk': 'data disks are not modelled: the fake echoes the disks sent, without the managed disk the service creates',
};

const cases: Record<string, Case> = {
  'compute/VirtualMachine_Get.json': {
    method: 'GET',
    path: vmPath,
    omitted: {
      ...Object.fromEntries(Object.entries(VM_UNMODELLED).map(([k, v]) => [`properties.${k}`, v])),
      'properties.userData': 'userData ($expand=userData) is not modelled',
      resources: 'VM extensions (child resources) are not modelled',
      managedBy: 'only set on VMs in a scale set, which the fake does not model',
    },
  },
  'compute/VirtualMachine_Get_InstanceView.json': {
    method: 'GET',
    path: (p) => `${vmPath(p)}/instanceView`,
    omitted: {
      vmAgent: 'the guest agent is not modelled',
      disks: 'disk status is not modelled',
      bootDiagnostics: 'boot diagnostics are not modelled',
      extensions: 'VM extensions are not modelled',
      patchStatus: 'guest patching is not modelled',
    },
  },
  'compute/VirtualMachine_ListAll_MinimumSet_Gen.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/providers/Microsoft.Compute/virtualMachines`,
  },
  'compute/VirtualMachine_ListAll_MaximumSet_Gen.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/providers/Microsoft.Compute/virtualMachines`,
    ignoredQuery: ['statusOnly', '$filter'],
    omitted: {
      ...Object.fromEntries(Object.entries(VM_UNMODELLED).map(([k, v]) => [`value[].properties.${k}`, v])),
      'value[].plan': 'marketplace plans are not modelled',
      'value[].resources': 'VM extensions (child resources) are not modelled',
      'value[].zones': 'availability zones are not modelled',
      'value[].extendedLocation': 'edge zones are not modelled',
      'value[].properties.additionalCapabilities': 'not modelled',
      'value[].properties.securityProfile': 'not modelled (only echoed when a PUT sends it)',
      'value[].properties.virtualMachineScaleSet': 'only Flexible scale-set instances carry it; the example seed has none',
      'value[].properties.priority': 'spot VMs are not modelled',
      'value[].properties.evictionPolicy': 'spot VMs are not modelled',
      'value[].properties.billingProfile': 'spot VMs are not modelled',
      'value[].properties.host': 'dedicated hosts are not modelled',
      'value[].properties.hostGroup': 'dedicated hosts are not modelled',
      'value[].properties.licenseType': 'not modelled',
      'value[].properties.platformFaultDomain': 'not modelled',
      'value[].properties.scheduledEventsProfile': 'not modelled',
      'value[].properties.userData': 'userData is not modelled',
      'value[].properties.capacityReservation': 'not modelled',
      'value[].properties.hardwareProfile.vmSizeProperties': 'vCPU customisation is not modelled',
      'value[].properties.storageProfile.dataDisks': 'the seed format has no data disks',
      'value[].properties.storageProfile.imageReference.id': 'custom and gallery images are not modelled (marketplace images only)',
      'value[].properties.storageProfile.imageReference.sharedGalleryImageId': 'gallery images are not modelled',
      'value[].properties.storageProfile.imageReference.communityGalleryImageId': 'gallery images are not modelled',
      'value[].properties.storageProfile.osDisk.vhd': 'unmanaged disks are not modelled',
      'value[].properties.storageProfile.osDisk.encryptionSettings': 'not modelled',
      'value[].properties.storageProfile.osDisk.image': 'unmanaged disks are not modelled',
      'value[].properties.storageProfile.osDisk.writeAcceleratorEnabled': 'not modelled',
      'value[].properties.storageProfile.osDisk.diffDiskSettings': 'ephemeral disks are not modelled',
      'value[].properties.storageProfile.osDisk.deleteOption': 'not modelled',
      'value[].properties.storageProfile.osDisk.managedDisk.diskEncryptionSet': 'disk encryption sets are not modelled',
      'value[].properties.storageProfile.osDisk.managedDisk.securityProfile': 'confidential VM disks are not modelled',
      'value[].properties.osProfile': 'the seed format has no OS profile beyond the OS type',
      'value[].properties.networkProfile.networkApiVersion': 'NIC creation with the VM is not modelled',
      'value[].properties.networkProfile.networkInterfaceConfigurations': 'NIC creation with the VM is not modelled',
      'value[].properties.networkProfile.networkInterfaces[].properties': 'NIC settings are not modelled',
    },
  },
  'compute/VirtualMachine_Create_WithSshAuthentication.json': { method: 'PUT', path: vmPath, absent: ['vm'] },
  'compute/VirtualMachine_Create_WithPasswordAuthentication.json': { method: 'PUT', path: vmPath, absent: ['vm'] },
  'compute/VirtualMachine_Create_WithEncryptionIdentity.json': { method: 'PUT', path: vmPath, absent: ['vm'] },
  'compute/VirtualMachine_Update_DetachDataDiskUsingToBeDetachedProperty.json': { method: 'PATCH', path: vmPath, omitted: VM_PATCH_DATA_DISKS },
  'compute/VirtualMachine_Update_ForceDetachDataDisk.json': { method: 'PATCH', path: vmPath, omitted: VM_PATCH_DATA_DISKS },
  'msi/IdentityCreate.json': { method: 'PUT', path: uaiPath, absent: ['identity'] },
  'msi/IdentityGet.json': { method: 'GET', path: uaiPath },
  'msi/IdentityDelete.json': { method: 'DELETE', path: uaiPath },
  'msi/IdentityUpdate.json': { method: 'PATCH', path: uaiPath },
  'msi/IdentityListBySubscription.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`,
  },
  'msi/IdentityListByResourceGroup.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`,
  },
  'resources/GetSubscriptions.json': {
    method: 'GET',
    path: () => '/subscriptions',
    omitted: { 'value[].tags': 'ARM leaves tags out when a subscription has none; the seed format gives subscriptions no tags' },
  },
  'resources/tsp-2022-12-01/GetSubscriptions.json': {
    method: 'GET',
    path: () => '/subscriptions',
    omitted: { 'value[].tags': 'ARM leaves tags out when a subscription has none; the seed format gives subscriptions no tags' },
  },
  'resources/tsp-2022-12-01/GetSubscription.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}`,
    omitted: { tags: 'ARM leaves tags out when a subscription has none; the seed format gives subscriptions no tags' },
  },
  'resources/ResourceGroups_Get.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/resourcegroups/${p.resourceGroupName}`,
  },
  'resources/CreateResourceGroup.json': {
    method: 'PUT',
    path: (p) => `/subscriptions/${p.subscriptionId}/resourcegroups/${p.resourceGroupName}`,
    absent: ['resourceGroup'],
  },
};

const fic = 'federated identity credentials (wire facts section 12) are not served yet: no feature of the extension uses them';
const skipped: Record<string, string> = {
  'msi/FederatedIdentityCredentialCreate.json': fic,
  'msi/FederatedIdentityCredentialDelete.json': fic,
  'msi/FederatedIdentityCredentialGet.json': fic,
  'msi/FederatedIdentityCredentialList.json': fic,
};

/** Examples replayed by their own conformance test (with seeds or steps of their own), by path prefix; each of those
 *  tests maps every file under its prefix. */
const replayedElsewhere: Record<string, string> = {
  'authorization/': 'conformance-authorization.test.ts',
  'compute/RunCommand_': 'conformance-runcommand.test.ts',
  'compute/VirtualMachineRunCommand': 'conformance-runcommand.test.ts',
  'compute/VirtualMachineScaleSet_': 'conformance-scalesets.test.ts',
  'resourcegraph/': 'conformance-resourcegraph.test.ts',
};

/** The request/response examples: JSON files in the subfolders (the top-level *-definitions.json are swagger definitions). */
function exampleFiles(): string[] {
  return filesUnder(examplesDir).filter((file) => file.endsWith('.json') && file.includes('/') && !Object.keys(replayedElsewhere).some((prefix) => file.startsWith(prefix)));
}

/** The example's path parameters, with placeholder subscriptions replaced by a GUID the seed holds. */
function parametersOf(example: Example): Params {
  const params = stringParameters(example);
  if (params.subscriptionId !== undefined && !GUID.test(params.subscriptionId)) params.subscriptionId = EXAMPLE_SUBSCRIPTION;
  return params;
}

function substitutePlaceholders<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).split('{subscription-id}').join(EXAMPLE_SUBSCRIPTION)) as T;
}

/** A seed holding every resource the examples name (minus those the example creates), in westus. */
function seedFor(params: Params, absent: Absent[]): Seed {
  const demo = loadSeed(undefined);
  const tenant = demo.tenants[0]!;
  const admin = demo.principals.find((p) => p.displayName === 'sp-identity-admin')!;
  const subscriptionIds = [EXAMPLE_SUBSCRIPTION, params.subscriptionId ?? EXAMPLE_SUBSCRIPTION, 'c0ffee00-0000-4000-8000-0000000000e2'];
  const subscriptions = [...new Set(subscriptionIds)].map((subscriptionId, i) => ({
    subscriptionId,
    displayName: `Example Subscription ${i + 1}`,
    tenantId: tenant.tenantId,
  }));
  const sub = params.subscriptionId ?? EXAMPLE_SUBSCRIPTION;
  const group = params.resourceGroupName ?? 'myResourceGroup';
  const resourceGroups = [
    { subscriptionId: sub, name: group, location: 'westus' },
    { subscriptionId: sub, name: `${group}-2`, location: 'westus' },
  ].filter((g) => !(absent.includes('resourceGroup') && g.name === group));
  const identityNames = [params.resourceName ?? 'myIdentity', 'myIdentity', 'identity-2'];
  const userAssignedIdentities = [...new Set(identityNames)]
    .filter((name) => !(absent.includes('identity') && name === params.resourceName))
    .map((name, i) => ({
      subscriptionId: sub,
      resourceGroup: group,
      name,
      location: 'westus',
      principalId: `a1d00000-0000-4000-8000-0000000000${10 + i}`,
      clientId: `a2c00000-0000-4000-8000-0000000000${10 + i}`,
      tags: { key1: 'value1' },
    }));
  const vmNames = [params.vmName ?? 'myVM', 'myVM-2'].filter((name) => !(absent.includes('vm') && name === params.vmName));
  const virtualMachines = [...new Set(vmNames)].map((name) => ({
    subscriptionId: sub,
    resourceGroup: group,
    name,
    location: 'westus',
    osType: 'Windows' as const,
    // With both kinds of identity, so that every identity key of the examples is checked.
    identity: {
      type: 'SystemAssigned, UserAssigned' as const,
      userAssignedIdentities: [`/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myIdentity`],
    },
  }));
  return {
    tenants: [tenant],
    principals: [admin],
    subscriptions,
    resourceGroups,
    userAssignedIdentities,
    virtualMachines,
    groups: [],
    roleAssignments: subscriptions.map((s) => ({ principalId: admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${s.subscriptionId}` })),
  };
}

const covered: string[] = [];
let fake: RunningFakeAzure | undefined;

describe('conformance with Microsoft REST API examples', () => {
  after(async () => {
    await fake?.stop();
    console.log(`Conformance: covered ${covered.length} examples:\n  ${covered.join('\n  ')}`);
    console.log(`Conformance: skipped ${Object.keys(skipped).length} examples:\n  ${Object.entries(skipped).map(([f, why]) => `${f}: ${why}`).join('\n  ')}`);
  });

  it('maps every example of the in-repo copy', () => {
    assert.ok(existsSync(examplesDir), `Microsoft's REST examples were not found at ${examplesDir}.`);
    const unmapped = exampleFiles().filter((file) => !(file in cases) && !(file in skipped));
    assert.deepEqual(unmapped, [], 'every example is either covered or skipped with a reason');
  });

  it('holds every file of shared/azure-rest-examples, unchanged, when that folder is beside the clone', (t) => {
    if (!existsSync(sharedExamplesDir)) {
      t.diagnostic(`${sharedExamplesDir} is absent (a clean clone): the in-repo copy is used as it is.`);
      console.log(`Conformance: ${sharedExamplesDir} is absent; skipped comparing the in-repo copy with it.`);
      return;
    }
    const stale = filesUnder(sharedExamplesDir).filter((file) => {
      const copy = join(examplesDir, file);
      return !existsSync(copy) || !readFileSync(copy).equals(readFileSync(join(sharedExamplesDir, file)));
    });
    assert.deepEqual(stale, [], `copy these from ${sharedExamplesDir} into test/fake-azure/examples and map them here`);
  });

  for (const [file, testCase] of Object.entries(cases)) {
    it(`answers like ${file}`, async (t) => {
      const example = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as Example;
      const params = parametersOf(example);
      await fake?.stop();
      fake = await startFakeAzureForTests({ seed: seedFor(params, testCase.absent ?? []), pageSize: 1 });

      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) {
        if ((key === 'api-version' || key.startsWith('$') || key === 'statusOnly') && !testCase.ignoredQuery?.includes(key)) {
          query.set(key, value);
        }
      }
      const body = example.parameters.parameters === undefined ? undefined : substitutePlaceholders(example.parameters.parameters);
      const response = await rawFetch(fake, `${testCase.path(params)}?${query.toString()}`, {
        method: testCase.method,
        token: await armToken(fake),
        ...(body !== undefined ? { body } : {}),
      });

      assertAnswersLike(t, file, example, response, testCase.omitted, substitutePlaceholders);
      covered.push(`${file} (${testCase.method} -> ${response.status})`);
    });
  }
});
