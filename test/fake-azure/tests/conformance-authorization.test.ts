// Conformance of the Microsoft.Authorization routes with Microsoft's examples (examples/authorization, copied from
// shared/azure-rest-examples/authorization): each example is replayed against a fake seeded with what it names,
// and the answer is compared structurally (conformance-compare.ts) with the example's response.
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

const examplesDir = resolve(__dirname, '..', 'examples', 'authorization');
/** Stands for the examples' placeholder subscriptions ("subId", "subID"), which are not GUIDs. */
const PLACEHOLDER_SUBSCRIPTION = 'c0ffee00-0000-4000-8000-0000000000e1';
/** The subscription, role and principal the role-assignment examples name. */
const EXAMPLE_SUBSCRIPTION = 'a925f2f7-5c63-4b7b-8799-25a5f97bc3b2';
const EXAMPLE_ROLE = '0b5fe924-9a61-425c-96af-cfe6e287ca2d';
const EXAMPLE_PRINCIPAL = 'ce2ce14e-85d7-4629-bdbc-454d0519d987';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


interface Case {
  method: 'GET' | 'PUT' | 'DELETE';
  path: (p: Params) => string;
  /** Paths of example keys the fake deliberately leaves out, each with the reason. */
  omitted?: Record<string, string>;
  /** The example creates an assignment of the principal's: seeding one at the same scope would make it 409. */
  creates?: boolean;
}

const assignment = (p: Params) => `/${p.scope}/providers/Microsoft.Authorization/roleAssignments/${p.roleAssignmentName}`;
const roleAssignmentsUnder = (p: Params) =>
  `/subscriptions/${p.subscriptionId}${p.resourceGroupName ? `/resourceGroups/${p.resourceGroupName}` : ''}/providers/Microsoft.Authorization/roleAssignments`;
/** The role-definition examples name no real scope or role ("scope", "roleDefinitionId"): a subscription and the example role stand in. */
const roleDefinitionPath = () => `/subscriptions/${EXAMPLE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${EXAMPLE_ROLE}`;

const cases: Record<string, Case> = {
  'RoleAssignments_CreateForResourceGroup.json': { method: 'PUT', path: assignment, creates: true },
  'RoleAssignments_CreateForResource.json': { method: 'PUT', path: assignment, creates: true },
  'RoleAssignments_Get.json': { method: 'GET', path: assignment },
  'RoleAssignments_Delete.json': { method: 'DELETE', path: assignment },
  'RoleAssignments_ListForScope.json': { method: 'GET', path: (p) => `/${p.scope}/providers/Microsoft.Authorization/roleAssignments` },
  'RoleAssignments_ListForResourceGroup.json': { method: 'GET', path: roleAssignmentsUnder },
  'stable-2020-10-01/RoleAssignments_ListForSubscription.json': { method: 'GET', path: roleAssignmentsUnder },
  'GetRoleDefinitionById.json': { method: 'GET', path: roleDefinitionPath },
  'GetRoleDefinitionByName.json': { method: 'GET', path: roleDefinitionPath },
  'preview-2018-01-01/GetRoleDefinitionAtScope.json': {
    method: 'GET',
    path: () => `/subscriptions/${EXAMPLE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions`,
  },
  'preview-2018-01-01/GetPermissions.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/resourcegroups/${p.resourceGroupName}/providers/Microsoft.Authorization/permissions`,
  },
  'preview-2022-05-01/GetResourcePermissions.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/resourcegroups/${p.resourceGroupName}/providers/${p.resourceProviderNamespace}/${p.parentResourcePath}/${p.resourceType}/${p.resourceName}/providers/Microsoft.Authorization/permissions`,
  },
};

const skipped: Record<string, string> = {};

function parametersOf(example: Example): Params {
  const params = stringParameters(example);
  if (params.subscriptionId !== undefined && !GUID.test(params.subscriptionId)) params.subscriptionId = PLACEHOLDER_SUBSCRIPTION;
  return params;
}

/**
 * The examples' world: their subscription and resource group (testrg, or the permissions examples' rgname), the
 * Cosmos DB account one assigns on, the role they all name (as a custom role of that subscription), and the assignments
 * the Get/Delete/List examples read (b0f43c54 at the subscription, 96786e4b at testrg). The admin is Owner at the
 * subscriptions and at the resource groups, so that permissions list two blocks and, one per page, carry nextLink.
 */
function exampleSeed(params: Params, creates: boolean): Seed {
  const demo = loadSeed(undefined);
  const tenant = demo.tenants[0]!;
  const admin = demo.principals.find((p) => p.displayName === 'sp-identity-admin')!;
  const subscriptionIds = [...new Set([EXAMPLE_SUBSCRIPTION, params.subscriptionId ?? EXAMPLE_SUBSCRIPTION])];
  const groupNames = [...new Set(['testrg', params.resourceGroupName ?? 'testrg'])];
  const resourceGroups = subscriptionIds.flatMap((subscriptionId) => groupNames.map((name) => ({ subscriptionId, name, location: 'westus' })));
  return {
    tenants: [tenant],
    principals: [admin],
    subscriptions: subscriptionIds.map((subscriptionId, i) => ({ subscriptionId, displayName: `Example Subscription ${i + 1}`, tenantId: tenant.tenantId })),
    resourceGroups,
    userAssignedIdentities: [],
    genericResources: [
      { subscriptionId: EXAMPLE_SUBSCRIPTION, resourceGroup: 'testrg', type: 'Microsoft.DocumentDb/databaseAccounts', name: 'test-db-account', location: 'westus' },
    ],
    customRoles: [{
      id: EXAMPLE_ROLE,
      roleName: 'Example Role',
      description: 'Role description',
      assignableScopes: [`/subscriptions/${EXAMPLE_SUBSCRIPTION}`],
      permissions: [{ actions: ['Microsoft.Resources/subscriptions/resourceGroups/read'], notActions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'], notDataActions: [] }],
    }],
    virtualMachines: [],
    groups: [],
    roleAssignments: [
      ...subscriptionIds.map((s) => ({ principalId: admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${s}` })),
      ...resourceGroups.map((g) => ({ principalId: admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}` })),
      ...(creates ? [] : [
        { principalId: EXAMPLE_PRINCIPAL, roleDefinitionName: 'Example Role', scope: `/subscriptions/${EXAMPLE_SUBSCRIPTION}`, name: 'b0f43c54-e787-4862-89b1-a653fa9cf747', principalType: 'User' },
        { principalId: EXAMPLE_PRINCIPAL, roleDefinitionName: 'Example Role', scope: `/subscriptions/${EXAMPLE_SUBSCRIPTION}/resourceGroups/testrg`, name: '96786e4b-dede-4c2e-8736-8ab911987f08', principalType: 'User' },
      ]),
    ],
  };
}

const covered: string[] = [];
let fake: RunningFakeAzure | undefined;

describe('conformance of role assignments, role definitions and permissions with Microsoft REST API examples', () => {
  after(async () => {
    await fake?.stop();
    console.log(`Conformance (authorization): covered ${covered.length} examples:\n  ${covered.join('\n  ')}`);
  });

  it('maps every authorization example of the in-repo copy', () => {
    assert.ok(existsSync(examplesDir), `Microsoft's authorization examples were not found at ${examplesDir}.`);
    const unmapped = filesUnder(examplesDir).filter((file) => file.endsWith('.json') && !(file in cases) && !(file in skipped));
    assert.deepEqual(unmapped, [], 'every example is either covered or skipped with a reason');
  });

  for (const [file, testCase] of Object.entries(cases)) {
    it(`answers like ${file}`, async (t) => {
      const example = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as Example;
      const params = parametersOf(example);
      await fake?.stop();
      fake = await startFakeAzureForTests({ seed: exampleSeed(params, testCase.creates ?? false), pageSize: 1 });
      const query = new URLSearchParams({ 'api-version': params['api-version']! });
      const body = example.parameters.parameters;
      const response = await rawFetch(fake, `${testCase.path(params)}?${query.toString()}`, {
        method: testCase.method,
        token: await armToken(fake),
        ...(body !== undefined ? { body } : {}),
      });
      assertAnswersLike(t, file, example, response, testCase.omitted);
      covered.push(`${file} (${testCase.method} -> ${response.status})`);
    });
  }
});
