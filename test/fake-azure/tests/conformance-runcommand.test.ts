// Conformance of Run Command with Microsoft's REST examples (examples/compute/RunCommand_Get.json and
// VirtualMachineRunCommand*.json). conformance.test.ts lists these as replayed here, because each needs a run
// between the request and the answer compared: the action's result comes from its Location URL once the run ends,
// and a managed run command must exist before it is read. Shapes are compared as conformance-compare.ts defines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningFakeAzure } from '../server';
import { loadSeed } from '../state';
import { startFakeAzureForTests } from '../testing';
import type { Seed } from '../types';
import { structuralDifferences } from './conformance-compare';
import { armToken, rawFetch } from './sdk';

const examplesDir = resolve(__dirname, '..', 'examples', 'compute');
/** Stands for the managed examples' placeholder subscription "{subscription-id}", which is not a GUID. */
const PLACEHOLDER_SUBSCRIPTION = 'c0ffee00-0000-4000-8000-0000000000e1';

interface Example {
  parameters: Record<string, unknown> & { 'api-version': string };
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}

function example(file: string): Example {
  const text = readFileSync(join(examplesDir, file), 'utf8').split('{subscription-id}').join(PLACEHOLDER_SUBSCRIPTION);
  return JSON.parse(text) as Example;
}

/** The examples' subscriptions, resource groups and VMs (Windows: the action example runs RunPowerShellScript). */
function seed(): Seed {
  const demo = loadSeed(undefined);
  const admin = demo.principals.find((p) => p.displayName === 'sp-identity-admin')!;
  const tenantId = demo.tenants[0]!.tenantId;
  const places = [
    { subscriptionId: '24fb23e3-6ba3-41f0-9b6e-e41131d5d61e', resourceGroup: 'crptestar98131', vm: 'vm3036' },
    { subscriptionId: PLACEHOLDER_SUBSCRIPTION, resourceGroup: 'myResourceGroup', vm: 'myVM' },
  ];
  return {
    tenants: demo.tenants,
    principals: [admin],
    subscriptions: places.map((p, i) => ({ subscriptionId: p.subscriptionId, displayName: `Example ${i + 1}`, tenantId })),
    resourceGroups: places.map((p) => ({ subscriptionId: p.subscriptionId, name: p.resourceGroup, location: 'westus' })),
    userAssignedIdentities: [],
    virtualMachines: places.map((p) => ({ subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup, name: p.vm, location: 'westus', osType: 'Windows' as const })),
    groups: [],
    roleAssignments: places.map((p) => ({ principalId: admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${p.subscriptionId}` })),
  };
}

const vmPath = (p: Record<string, unknown>) =>
  `/subscriptions/${String(p['subscriptionId'])}/resourceGroups/${String(p['resourceGroupName'])}/providers/Microsoft.Compute/virtualMachines/${String(p['vmName'])}`;

describe('conformance of Run Command with Microsoft REST API examples', () => {
  let fake: RunningFakeAzure;
  let token: string;
  before(async () => {
    fake = await startFakeAzureForTests({ seed: seed() });
    token = await armToken(fake);
  });
  after(() => fake.stop());

  /** Follows a long-running answer's Azure-AsyncOperation URL until the operation ends. */
  async function waitFor(asyncOperation: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const status = await rawFetch(fake, asyncOperation.slice(fake.info.url.length), { token });
      if (status.body.status !== 'InProgress') return assert.equal(status.body.status, 'Succeeded');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail('the operation did not end');
  }

  it('answers like RunCommand_Get.json (the built-in command document)', async () => {
    const ex = example('RunCommand_Get.json');
    const p = ex.parameters;
    const answer = await rawFetch(fake, `/subscriptions/${String(p['subscriptionId'])}/providers/Microsoft.Compute/locations/${String(p['location'])}/runCommands/${String(p['commandId'])}?api-version=${p['api-version']}`, { token });
    assert.equal(answer.status, 200);
    assert.deepEqual(structuralDifferences(ex.responses['200']!.body, answer.body), []);
    assert.deepEqual(answer.body, ex.responses['200']!.body, 'the same document, value for value');
  });

  it('answers like VirtualMachineRunCommand.json (202 with Location, then the result at Location)', async () => {
    const ex = example('VirtualMachineRunCommand.json');
    const p = ex.parameters;
    const started = await rawFetch(fake, `${vmPath(p)}/runCommand?api-version=${p['api-version']}`, { method: 'POST', token, body: p['parameters'] });
    assert.equal(started.status, 202);
    const location = started.headers.get('location');
    assert.match(location ?? '', /\/providers\/Microsoft\.Compute\/locations\/westus\/operations\/[0-9a-f-]{36}\?.*monitor=true/);
    await waitFor(started.headers.get('azure-asyncoperation')!);
    const result = await rawFetch(fake, location!.slice(fake.info.url.length), { token });
    assert.equal(result.status, 200);
    assert.deepEqual(structuralDifferences(ex.responses['200']!.body, result.body), []);
    assert.equal(result.body.value.length, 2, 'Windows: StdOut and StdErr');
  });

  it('answers like VirtualMachineRunCommand_CreateOrUpdate.json (201 Creating, without runAsPassword)', async () => {
    const ex = example('VirtualMachineRunCommand_CreateOrUpdate.json');
    const p = ex.parameters;
    const created = await rawFetch(fake, `${vmPath(p)}/runCommands/${String(p['runCommandName'])}?api-version=${p['api-version']}`, { method: 'PUT', token, body: p['runCommand'] });
    assert.equal(created.status, 201);
    assert.deepEqual(structuralDifferences(ex.responses['201']!.body, created.body), []);
    assert.equal(created.body.properties.provisioningState, 'Creating');
    assert.equal(created.body.properties.runAsPassword, undefined, 'Azure never returns the password');
    for (const header of Object.keys(ex.responses['202']!.headers ?? {})) assert.ok(created.headers.get(header), `header ${header}`);
    await waitFor(created.headers.get('azure-asyncoperation')!);
  });

  it('answers like VirtualMachineRunCommand_Get.json', async () => {
    const ex = example('VirtualMachineRunCommand_Get.json');
    const p = ex.parameters;
    const expected = ex.responses['200']!.body as { location: string; tags: unknown; properties: Record<string, unknown> };
    // Made first with the example's own properties (the fake echoes what was sent, as Azure does).
    const { provisioningState: _computed, ...properties } = expected.properties;
    const path = `${vmPath(p)}/runCommands/${String(p['runCommandName'])}?api-version=${p['api-version']}`;
    const put = await rawFetch(fake, path, { method: 'PUT', token, body: { location: expected.location, tags: expected.tags, properties } });
    assert.ok([200, 201].includes(put.status), JSON.stringify(put.body));
    await waitFor(put.headers.get('azure-asyncoperation')!);
    const read = await rawFetch(fake, path, { token });
    assert.equal(read.status, 200);
    assert.deepEqual(structuralDifferences(expected, read.body), []);
    assert.equal(read.body.properties.provisioningState, 'Succeeded');
  });
});
