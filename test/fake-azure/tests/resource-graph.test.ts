// Azure Resource Graph (azure-wire-facts.md section 9): the KQL subset the extension sends, projection, ordering,
// subscription scoping, paging with $skipToken, authorization by read access, ARG's 400 for what it cannot parse,
// rows from the same state as ARM, and the per-request service time in the fake's log.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningFakeAzure } from '../server';
import { loadSeed } from '../state';
import { startFakeAzureForTests } from '../testing';
import type { FakeState, Seed, SeedPrincipal } from '../types';
import { armToken, clientsFor, demo, rawFetch, uaiId, useFakeAzure } from './sdk';

const resourcesPath = '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01';
const vmQuery = "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name, type, location, resourceGroup, subscriptionId, identity, properties";

async function query(fake: RunningFakeAzure, body: Record<string, unknown>, who: SeedPrincipal = demo.admin) {
  return rawFetch(fake, resourcesPath, { method: 'POST', token: await armToken(fake, who), body });
}

/** The VMs of the admin's own tenant: a query without `subscriptions` covers only the token's tenant (the seed's
 *  Fabrikam tenant needs a sign-in of its own). */
function tenantVms(state: FakeState) {
  const own = new Set(state.subscriptions.filter((s) => s.tenantId === demo.admin.tenantId).map((s) => s.subscriptionId));
  return state.virtualMachines.filter((vm) => own.has(vm.subscriptionId));
}

/** Every page of a query, following $skipToken; fails when a page does not answer 200. */
async function allPages(fake: RunningFakeAzure, body: Record<string, unknown>) {
  const pages: { count: number; totalRecords: number; data: Record<string, unknown>[]; $skipToken?: string }[] = [];
  let skipToken: string | undefined;
  do {
    const options = { ...(body.options as object | undefined), ...(skipToken ? { $skipToken: skipToken } : {}) };
    const response = await query(fake, { ...body, options });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    pages.push(response.body);
    skipToken = response.body.$skipToken;
  } while (skipToken && pages.length < 50);
  return pages;
}

describe('fake Azure Resource Graph', () => {
  const fake = useFakeAzure();

  it('answers a VM query with the projected columns from the same state as ARM, type lower-cased', async () => {
    const response = await query(fake(), { subscriptions: [demo.production, demo.development], query: vmQuery, options: { resultFormat: 'objectArray' } });
    assert.equal(response.status, 200);
    const state = fake().getState();
    assert.equal(response.body.totalRecords, tenantVms(state).length);
    assert.equal(response.body.count, tenantVms(state).length);
    assert.equal(response.body.resultTruncated, 'false');
    assert.deepEqual(response.body.facets, []);
    const row = response.body.data.find((r: { name: string }) => r.name === 'vm-web-04');
    assert.deepEqual(Object.keys(row), ['id', 'name', 'type', 'location', 'resourceGroup', 'subscriptionId', 'identity', 'properties']);
    assert.equal(row.type, 'microsoft.compute/virtualmachines');
    assert.equal(row.id, state.virtualMachines.find((v) => v.name === 'vm-web-04')!.id, 'ids keep their casing');
    assert.equal(row.resourceGroup, 'rg-web');
    const arm = await clientsFor(fake()).compute.virtualMachines.get('rg-web', 'vm-web-04');
    assert.deepEqual(row.identity, JSON.parse(JSON.stringify(arm.identity)), 'the identity column is the ARM identity object');
    const flex = response.body.data.find((r: { name: string }) => r.name === 'vm-flex-data-01');
    assert.match(flex.properties.virtualMachineScaleSet.id, /virtualMachineScaleSets\/vmss-data-flex$/);
    const none = response.body.data.find((r: { name: string }) => r.name === 'vm-web-01');
    assert.equal(none.identity, null, 'a VM without identity has a null identity column');
  });

  it('matches type with "or type =~" and with "in~ (...)", case-insensitively, and orders by name', async () => {
    const both = "Resources | where type =~ 'Microsoft.Compute/virtualMachines' or type =~ 'Microsoft.Compute/virtualMachineScaleSets' | project id, name, type | order by name asc";
    const viaOr = await query(fake(), { query: both });
    const viaIn = await query(fake(), { query: "Resources | where type in~ ('MICROSOFT.COMPUTE/VIRTUALMACHINES', 'microsoft.compute/virtualmachinescalesets') | project id, name, type | order by name asc" });
    const state = fake().getState();
    const expected = [...tenantVms(state), ...state.virtualMachineScaleSets!].map((r) => r.name).sort();
    assert.deepEqual(viaOr.body.data.map((r: { name: string }) => r.name), expected);
    assert.deepEqual(viaIn.body.data, viaOr.body.data);
    const descending = await query(fake(), { query: both.replace('asc', 'desc') });
    assert.deepEqual(descending.body.data.map((r: { name: string }) => r.name), [...expected].reverse());
    const cased = await query(fake(), { query: "Resources | where type == 'Microsoft.Compute/virtualMachines' | project id" });
    assert.equal(cased.body.totalRecords, 0, '== is case-sensitive and the type column is lower case');
  });

  it('holds scale sets with their identity, sku and orchestration mode, and user-assigned identities', async () => {
    const response = await query(fake(), { subscriptions: [demo.development], query: "Resources | where type =~ 'Microsoft.Compute/virtualMachineScaleSets' | project id, name, sku, identity, mode = properties.orchestrationMode" });
    assert.deepEqual(response.body.data.map((r: { name: string; mode: string }) => [r.name, r.mode]), [['vmss-dev-flex', 'Flexible']]);
    assert.equal(response.body.data[0].identity.type, 'SystemAssigned, UserAssigned');
    assert.ok(response.body.data[0].identity.userAssignedIdentities[uaiId(demo.development, 'rg-identities', 'id-deploy')]);
    assert.equal(response.body.data[0].sku.capacity, 1);
    const identities = await query(fake(), { query: "Resources | where type =~ 'microsoft.managedidentity/userassignedidentities' | project name, principalId = properties.principalId" });
    assert.equal(identities.body.totalRecords, fake().getState().userAssignedIdentities.length);
  });

  it('scopes by the subscriptions option, and to every subscription of the tenant without it', async () => {
    const dev = await query(fake(), { subscriptions: [demo.development], query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, subscriptionId" });
    const state = fake().getState();
    assert.equal(dev.body.totalRecords, state.virtualMachines.filter((v) => v.subscriptionId === demo.development).length);
    assert.ok(dev.body.data.every((r: { subscriptionId: string }) => r.subscriptionId === demo.development));
    const tenant = await query(fake(), { query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id" });
    assert.equal(tenant.body.totalRecords, tenantVms(state).length);
    const unknown = await query(fake(), { subscriptions: ['00000000-0000-4000-8000-000000000000'], query: 'Resources | project id' });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.totalRecords, 0);
  });

  it('filters with where on nested properties, contains, isnotempty and not', async () => {
    const systemAssigned = await query(fake(), { query: "Resources | where type =~ 'microsoft.compute/virtualmachines' and isnotempty(identity.principalId) | project name | order by name asc" });
    const expected = tenantVms(fake().getState()).filter((v) => v.identity.principalId).map((v) => v.name).sort();
    assert.deepEqual(systemAssigned.body.data.map((r: { name: string }) => r.name), expected);
    const data = await query(fake(), { query: "Resources | where name contains 'DATA' and not(name startswith 'vm-flex') | project name | order by name asc" });
    assert.deepEqual(data.body.data.map((r: { name: string }) => r.name), ['vm-data-01', 'vm-data-02', 'vm-data-03', 'vmss-data-flex']);
  });

  it('answers the table format with columns and rows', async () => {
    const response = await query(fake(), { subscriptions: [demo.development], query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name, identity | order by name asc", options: { resultFormat: 'table' } });
    assert.deepEqual(response.body.data.columns, [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }, { name: 'identity', type: 'object' }]);
    assert.deepEqual(response.body.data.rows.map((r: unknown[]) => r[1]), ['vm-dev-01', 'vm-dev-02', 'vm-dev-03', 'vm-flex-dev-01']);
  });

  it('shows a write at once: the row after a PATCH holds the new identity', async () => {
    await clientsFor(fake()).compute.virtualMachineScaleSets.update('rg-web', 'vmss-api', { identity: { type: 'SystemAssigned' } });
    const response = await query(fake(), { query: "Resources | where name =~ 'vmss-api' | project id, identity" });
    assert.equal(response.body.data[0].identity.type, 'SystemAssigned');
    assert.equal(response.body.data[0].identity.principalId, fake().getState().virtualMachineScaleSets!.find((s) => s.name === 'vmss-api')!.identity.principalId);
  });

  it('shows the caller only what it may read', async () => {
    const vmsAndIdentities = "Resources | where type in~ ('microsoft.compute/virtualmachines', 'microsoft.managedidentity/userassignedidentities') | project id, type";
    const admin = await query(fake(), { query: vmsAndIdentities });
    const contributor = await query(fake(), { query: vmsAndIdentities }, demo.vmContributor);
    const state = fake().getState();
    assert.equal(admin.body.totalRecords, tenantVms(state).length + state.userAssignedIdentities.length);
    // Virtual Machine Contributor reads VMs but not user-assigned identities.
    assert.equal(contributor.body.totalRecords, tenantVms(state).length);
    assert.ok(contributor.body.data.every((r: { type: string }) => r.type === 'microsoft.compute/virtualmachines'));
  });

  it('limits a Reader of one resource group to that group', async () => {
    const seed: Seed = loadSeed(undefined);
    seed.roleAssignments = [
      { principalId: demo.admin.id, roleDefinitionName: 'Owner', scope: `/subscriptions/${demo.production}` },
      { principalId: demo.reader.id, roleDefinitionName: 'Reader', scope: `/subscriptions/${demo.production}/resourceGroups/rg-data` },
    ];
    const custom = await startFakeAzureForTests({ seed });
    try {
      const response = await query(custom, { query: 'Resources | project id, resourceGroup' }, demo.reader);
      assert.equal(response.status, 200);
      assert.ok(response.body.totalRecords > 0);
      assert.ok(response.body.data.every((r: { resourceGroup: string }) => r.resourceGroup === 'rg-data'));
    } finally {
      await custom.stop();
    }
  });

  it('answers KQL it cannot parse with 400 in ARG\'s error shape, naming the token', async () => {
    for (const [kql, token] of [
      ['Resources | mv-expand bag_keys(identity)', 'mv-expand'],
      ["Resources | where type =~ 'microsoft.compute/virtualmachines", "'microsoft.compute/virtualmachines"],
      ['Resources | where', '<EOF>'],
      ['Resources | project id,', '<EOF>'],
    ] as const) {
      const response = await query(fake(), { query: kql });
      assert.equal(response.status, 400, kql);
      assert.equal(response.body.error.code, 'BadRequest');
      assert.match(response.body.error.message, /^Please provide below info when asking for support: timestamp = .*, correlationId = [0-9a-f-]{36}\.$/);
      assert.deepEqual(response.body.error.details[0].code, 'InvalidQuery');
      assert.equal(response.body.error.details[1].code, 'ParserFailure', kql);
      assert.equal(response.body.error.details[1].token, token, kql);
      assert.equal(response.body.error.details[1].line, 1);
    }
    const unknownColumn = await query(fake(), { query: 'Resources | project id | where name =~ "x"' });
    assert.equal(unknownColumn.status, 400);
    assert.equal(unknownColumn.body.error.details[0].code, 'InvalidQuery');
    const noQuery = await query(fake(), { subscriptions: [demo.production] });
    assert.equal(noQuery.status, 400);
  });

  it('sends ARG\'s quota headers', async () => {
    const first = await query(fake(), { query: 'Resources | project id | limit 1' });
    const second = await query(fake(), { query: 'Resources | project id | limit 1' });
    assert.match(first.headers.get('x-ms-user-quota-resets-after') ?? '', /^\d\d:\d\d:\d\d$/);
    assert.ok(Number(second.headers.get('x-ms-user-quota-remaining')) < Number(first.headers.get('x-ms-user-quota-remaining')));
  });
});

describe('fake Azure Resource Graph paging', () => {
  /** 2,500 VMs in one resource group, so that paging at 1,000 rows has three pages. */
  function bigSeed(): Seed {
    const seed = loadSeed(undefined);
    for (let i = 0; i < 2500; i += 1) {
      seed.virtualMachines.push({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: `vm-bulk-${String(i).padStart(4, '0')}`, location: 'eastus' });
    }
    return seed;
  }
  const fake = useFakeAzure({ seed: bigSeed() });

  it('pages at 1,000 rows with $skipToken until every row is seen once', async () => {
    const pages = await allPages(fake(), { subscriptions: [demo.production], query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name", options: { $top: 1000 } });
    const total = fake().getState().virtualMachines.filter((v) => v.subscriptionId === demo.production).length;
    assert.deepEqual(pages.map((p) => p.count), [1000, 1000, total - 2000]);
    assert.ok(pages.every((p) => p.totalRecords === total));
    assert.equal(pages[2]!.$skipToken, undefined, 'the last page has no $skipToken');
    const ids = pages.flatMap((p) => p.data.map((r) => r['id'] as string));
    assert.equal(new Set(ids).size, total);
  });

  it('answers 100 rows without $top, honours $skip, and refuses a $top above 1,000 or a token it did not make', async () => {
    const body = { query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name | order by name asc" };
    const first = await query(fake(), body);
    assert.equal(first.body.count, 100);
    assert.ok(first.body.$skipToken);
    const skipped = await query(fake(), { ...body, options: { $skip: 10, $top: 5 } });
    assert.deepEqual(skipped.body.data.map((r: { name: string }) => r.name), first.body.data.slice(10, 15).map((r: { name: string }) => r.name));
    const tooMany = await query(fake(), { ...body, options: { $top: 1001 } });
    assert.equal(tooMany.status, 400);
    const forged = await query(fake(), { ...body, options: { $skipToken: 'eyAibm8iOiAibHVjayIgfQ==' } });
    assert.equal(forged.status, 400);
  });

  it('truncates instead of paging when the query does not project id', async () => {
    const response = await query(fake(), { query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project name", options: { $top: 1000 } });
    assert.equal(response.body.count, 1000);
    assert.equal(response.body.resultTruncated, 'true');
    assert.equal(response.body.$skipToken, undefined);
  });
});

describe('fake Azure service time', () => {
  it('logs each request\'s service time without the injected latency', async () => {
    const lines: string[] = [];
    const fake = await startFakeAzureForTests({ latencyMs: 150, log: (line) => lines.push(line) });
    try {
      const token = await armToken(fake);
      const started = Date.now();
      const response = await rawFetch(fake, resourcesPath, { method: 'POST', token, body: { query: 'Resources | project id' } });
      const elapsed = Date.now() - started;
      assert.equal(response.status, 200);
      const logged = fake.requests().find((r) => r.path === '/providers/Microsoft.ResourceGraph/resources')!;
      assert.equal(typeof logged.serviceMs, 'number');
      assert.ok(logged.serviceMs > 0, 'answering takes some time');
      assert.ok(logged.serviceMs < 150, `service time ${logged.serviceMs} ms leaves out the 150 ms latency`);
      assert.ok(elapsed >= 150 + logged.serviceMs - 1, 'the client waited the latency and the service time');
      assert.ok(fake.requests().every((r) => typeof r.serviceMs === 'number'), 'every logged request has it, token requests too');
      const line = lines.find((l) => l.startsWith('POST /providers/Microsoft.ResourceGraph/resources 200 '));
      assert.match(line ?? '', new RegExp(`^POST /providers/Microsoft\\.ResourceGraph/resources 200 \\d+ms service ${logged.serviceMs}ms$`));
    } finally {
      await fake.stop();
    }
  });
});

describe('fake Azure Resource Graph lag', () => {
  it('answers from the state as it was resourceGraphLagMs ago when told to, while ARM answers the write at once', async () => {
    const fake = await startFakeAzureForTests({ resourceGraphLagMs: 1500 });
    try {
      const identityOf = async () => (await query(fake, { query: "Resources | where name =~ 'vmss-api' | project id, identity" })).body.data[0].identity;
      assert.equal(await identityOf(), null);
      const token = await armToken(fake);
      const written = await rawFetch(fake, `/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-api?api-version=2025-04-01`, {
        method: 'PATCH',
        token,
        body: { identity: { type: 'SystemAssigned' } },
      });
      assert.equal(written.body.identity.type, 'SystemAssigned', 'ARM answers the new identity');
      assert.equal(await identityOf(), null, 'Resource Graph still has the old row');
      await new Promise((resolve) => setTimeout(resolve, 1600));
      assert.equal((await identityOf())?.type, 'SystemAssigned', 'after the lag the row is current');
      fake.reset();
      assert.equal(await identityOf(), null, 'reset goes back to the seed for Resource Graph too');
    } finally {
      await fake.stop();
    }
  });
});

describe('fake Azure Resource Graph refused or absent, and the TLS connection count', () => {
  const fake = useFakeAzure();
  const body = { subscriptions: [demo.production], query: vmQuery, options: { resultFormat: 'objectArray' } };

  it("answers 403 AuthorizationFailed or 404 InvalidResourceNamespace by mode, and reset() restores 'available'", async () => {
    fake().setResourceGraphMode('forbidden');
    const forbidden = await query(fake(), body);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'AuthorizationFailed');
    assert.match(forbidden.body.error.message, /'Microsoft\.ResourceGraph\/resources\/read' over scope '\/providers\/Microsoft\.ResourceGraph'/);

    const control = await rawFetch(fake(), '/_control/resource-graph', { method: 'PUT', body: { mode: 'absent' } });
    assert.deepEqual(control.body, { mode: 'absent' });
    const absent = await query(fake(), body);
    assert.equal(absent.status, 404);
    assert.equal(absent.body.error.code, 'InvalidResourceNamespace');

    assert.equal((await rawFetch(fake(), '/_control/resource-graph', { method: 'PUT', body: { mode: 'sometimes' } })).status, 400);
    assert.equal((await query(fake(), { ...body, query: 'not kql at all (' })).status, 404, 'refused before the query is read');
    // ARM itself still answers.
    assert.equal((await rawFetch(fake(), `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachines?api-version=2025-04-01`, { token: await armToken(fake()) })).status, 200);

    fake().reset();
    assert.equal((await query(fake(), body)).status, 200);
  });

  it('counts TLS connections: a kept-alive client adds none, a new connection adds one; reset() starts again at 0', async () => {
    fake().reset();
    const { Agent, request } = await import('node:https');
    const get = (agent: InstanceType<typeof Agent>, path = '/_control/state') =>
      new Promise<string>((resolve, reject) => {
        const req = request(`${fake().info.url}${path}`, { agent }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 3; i++) await get(kept);
    assert.equal(fake().connections(), 1, 'three requests over one kept-alive connection');
    kept.destroy();
    const another = new Agent({ keepAlive: true });
    assert.deepEqual(JSON.parse(await get(another, '/_control/connections')), { tlsConnections: 2 }, 'a new agent, a new connection');
    another.destroy();
    fake().reset();
    assert.equal(fake().connections(), 0);
  });
});
