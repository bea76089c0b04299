// Conformance of Resource Graph with Microsoft's examples (examples/resourcegraph/**), replayed as
// conformance.test.ts replays the ARM ones: a fake seeded with resources like the example's, its request sent as is,
// its status expected and its body compared structurally (conformance-compare.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningFakeAzure } from '../server';
import { loadSeed } from '../state';
import { startFakeAzureForTests } from '../testing';
import type { Seed } from '../types';
import { structuralDifferences } from './conformance-compare';
import { armToken, rawFetch } from './sdk';

const examplesDir = resolve(__dirname, '..', 'examples', 'resourcegraph');

interface Example {
  parameters: { 'api-version': string; query: Record<string, unknown> };
  responses: Record<string, { body?: unknown }>;
}

interface Case {
  /** Makes the example's request one the fake can answer, saying why. */
  adaptRequest?: (request: Record<string, unknown>, fake: RunningFakeAzure) => Promise<Record<string, unknown>>;
}

const cases: Record<string, Case> = {
  'ResourcesBasicQuery.json': {},
  'ResourcesFilterQuery.json': {},
  'ResourcesFirstPageQuery.json': {},
  'ResourcesNextPageQuery.json': {
    // The example's $skipToken was made by the real service; a continuation token is opaque and only its maker reads
    // it. The replay asks the fake for the first page of the same query and sends the token the fake gave.
    adaptRequest: async (request, fake) => {
      const first = await post(fake, '2024-04-01', { ...request, options: { $top: 3, $skip: 0 } });
      assert.ok(first.body.$skipToken, 'the first page has a $skipToken');
      return { ...request, options: { $skipToken: first.body.$skipToken } };
    },
  },
  'stable-2022-10-01/ResourcesPropertiesQuery.json': {},
};

const skipped: Record<string, string> = {
  'ResourcesMgBasicQuery.json': 'management groups are not modelled: a query scoped by managementGroups answers 400 (README)',
};

function exampleFiles(dir = examplesDir, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? exampleFiles(join(dir, name), `${prefix}${name}/`) : name.endsWith('.json') ? [`${prefix}${name}`] : []);
}

async function post(fake: RunningFakeAzure, apiVersion: string, body: Record<string, unknown>) {
  return rawFetch(fake, `/providers/Microsoft.ResourceGraph/resources?api-version=${apiVersion}`, { method: 'POST', token: await armToken(fake), body });
}

/** The examples' subscription with VMs like theirs, Windows and Linux; more than two pages of 3 named "test", as the paging examples need. */
function seedFor(subscriptionId: string): Seed {
  const demo = loadSeed(undefined);
  const tenant = demo.tenants[0]!;
  const admin = demo.principals.find((p) => p.displayName === 'sp-identity-admin')!;
  const vms: [string, string, string, 'Linux' | 'Windows'][] = [
    ['RG1', 'myVm1', 'centralus', 'Linux'],
    ['RG2', 'myVirtualMachine', 'eastus', 'Windows'],
    ['RG3', 'testVm', 'eastus', 'Linux'],
    ['RG1', 'yetanothertest', 'eastus', 'Windows'],
    ['RG2', 'TestAA', 'westcentralus', 'Linux'],
    ['RG2', 'AATest', 'westcentralus', 'Linux'],
    ['RG1', 'second-test', 'eastus', 'Linux'],
    ['RG2', 'RBTest', 'westcentralus', 'Linux'],
    ['RG3', 'test-3', 'eastus', 'Linux'],
  ];
  return {
    tenants: [tenant],
    principals: [admin],
    subscriptions: [{ subscriptionId, displayName: 'Example Subscription', tenantId: tenant.tenantId }],
    resourceGroups: ['RG1', 'RG2', 'RG3'].map((name) => ({ subscriptionId, name, location: 'eastus' })),
    userAssignedIdentities: [],
    virtualMachines: vms.map(([resourceGroup, name, location, osType]) => ({ subscriptionId, resourceGroup, name, location, osType })),
    virtualMachineScaleSets: [{ subscriptionId, resourceGroup: 'RG1', name: 'testScaleSet', location: 'eastus', orchestrationMode: 'Uniform' }],
    groups: [],
    roleAssignments: [{ principalId: admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${subscriptionId}` }],
  };
}

const covered: string[] = [];

describe('conformance of Resource Graph with Microsoft REST API examples', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    const subscriptionId = (JSON.parse(readFileSync(join(examplesDir, 'ResourcesBasicQuery.json'), 'utf8')) as Example).parameters.query['subscriptions'] as string[];
    fake = await startFakeAzureForTests({ seed: seedFor(subscriptionId[0]!) });
  });
  after(async () => {
    await fake?.stop();
    console.log(`Conformance (Resource Graph): covered ${covered.length} examples:\n  ${covered.join('\n  ')}`);
    console.log(`Conformance (Resource Graph): skipped ${Object.keys(skipped).length}:\n  ${Object.entries(skipped).map(([f, why]) => `${f}: ${why}`).join('\n  ')}`);
  });

  it('maps every resourcegraph example', () => {
    const files = exampleFiles();
    assert.ok(files.length >= 6, 'the Resource Graph examples are in the in-repo copy');
    assert.deepEqual(files.filter((f) => !(f in cases) && !(f in skipped)), []);
  });

  it('answers a management-group query, which it does not model, with 400 in ARG\'s error shape', async () => {
    const example = JSON.parse(readFileSync(join(examplesDir, 'ResourcesMgBasicQuery.json'), 'utf8')) as Example;
    const response = await post(fake, example.parameters['api-version'], example.parameters.query);
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'BadRequest');
    assert.ok(Array.isArray(response.body.error.details));
  });

  for (const [file, testCase] of Object.entries(cases)) {
    it(`answers like resourcegraph/${file}`, async () => {
      const example = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as Example;
      const request = testCase.adaptRequest ? await testCase.adaptRequest(example.parameters.query, fake) : example.parameters.query;
      const response = await post(fake, example.parameters['api-version'], request);
      const statuses = Object.keys(example.responses);
      assert.ok(statuses.includes(String(response.status)), `status ${response.status} (${JSON.stringify(response.body)}) is not one of the example's ${statuses.join(', ')}`);
      const expected = example.responses[String(response.status)]!.body as { data: unknown[]; count: number };
      assert.deepEqual(structuralDifferences(expected, response.body), [], `${file}: the fake's answer differs in shape`);
      assert.ok(response.body.data.length > 0, 'compared with a non-empty answer');
      covered.push(`resourcegraph/${file} (POST -> ${response.status})`);
    });
  }
});
