// ARM reads through the real SDK clients: subscriptions, resource groups, VMs (paged), instance view, identities.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startFakeAzureForTests } from '../testing';
import type { RunningFakeAzure } from '../server';
import { structuralDifferences, type Example } from './conformance-compare';
import { armToken, clientsFor, collect, demo, rawFetch, rejection, uaiId } from './sdk';

describe('fake Azure ARM reads', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    // A page size of 3 makes every list here span several pages, so the SDK must follow nextLink.
    fake = await startFakeAzureForTests({ pageSize: 3 });
  });
  after(() => fake.stop());

  it('lists the subscriptions the caller holds roles on', async () => {
    const subs = await collect(clientsFor(fake).subscriptions.subscriptions.list());
    assert.deepEqual(subs.map((s) => [s.subscriptionId, s.displayName, s.state, s.tenantId]).sort(), [
      [demo.production, 'Contoso Production', 'Enabled', demo.tenantId],
      [demo.development, 'Contoso Development', 'Enabled', demo.tenantId],
    ]);
  });

  it('lists and gets resource groups', async () => {
    const { resources } = clientsFor(fake);
    const groups = await collect(resources.resourceGroups.list());
    assert.deepEqual(groups.map((g) => `${g.name}@${g.location}`).sort(), ['rg-data@westeurope', 'rg-web@eastus']);
    const dev = await collect(clientsFor(fake, demo.admin, demo.development).resources.resourceGroups.list());
    assert.deepEqual(dev.map((g) => g.name).sort(), ['rg-dev', 'rg-identities']);
    const web = await resources.resourceGroups.get('rg-web');
    assert.equal(web.id, `/subscriptions/${demo.production}/resourceGroups/rg-web`);
    const missing = await rejection(resources.resourceGroups.get('rg-nope'));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'ResourceGroupNotFound');
  });

  it("answers the extension's own resource-group list (lower-case path, 2025-04-01) with items shaped as ResourceGroups_Get's example", async () => {
    // The REST examples hold no ResourceGroups_List; each of its items is the resource group ResourceGroups_Get answers.
    const example = JSON.parse(readFileSync(resolve(__dirname, '..', 'examples', 'resources', 'ResourceGroups_Get.json'), 'utf8')) as Example;
    assert.equal(example.parameters['api-version'], '2025-04-01');
    const token = await armToken(fake);
    const { status, body } = await rawFetch(fake, `/subscriptions/${demo.production}/resourcegroups?api-version=2025-04-01`, { token });
    assert.equal(status, 200);
    assert.deepEqual(body.value.map((g: { name: string }) => g.name).sort(), ['rg-data', 'rg-web']);
    for (const group of body.value) {
      assert.deepEqual(structuralDifferences(example.responses['200']!.body, group), [], group.name);
    }
  });

  it('lists all VMs of a subscription across pages with an absolute https nextLink', async () => {
    const { compute } = clientsFor(fake);
    const vms = await collect(compute.virtualMachines.listAll());
    assert.deepEqual(vms.map((v) => v.name).sort(), ['vm-data-01', 'vm-data-02', 'vm-data-03', 'vm-flex-data-01', 'vm-flex-data-02', 'vm-web-01', 'vm-web-02', 'vm-web-03', 'vm-web-04']);
    const pages = fake.requests().filter((r) => r.path === `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachines`);
    assert.equal(pages.length, 3, '9 VMs (two of them Flexible scale-set instances) at 3 per page are 3 pages');
    const token = await armToken(fake);
    const first = await rawFetch(fake, `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachines?api-version=2025-04-01`, { token });
    assert.equal(first.body.value.length, 3);
    assert.match(first.body.nextLink, new RegExp(`^${fake.info.url}/subscriptions/${demo.production}/providers/Microsoft\\.Compute/virtualMachines\\?`));
  });

  it('lists the VMs of one resource group', async () => {
    const vms = await collect(clientsFor(fake, demo.admin, demo.development).compute.virtualMachines.list('rg-dev'));
    assert.deepEqual(vms.map((v) => v.name).sort(), ['vm-dev-01', 'vm-dev-02', 'vm-dev-03', 'vm-flex-dev-01']);
    const missing = await rejection(collect(clientsFor(fake).compute.virtualMachines.list('rg-nope')));
    assert.equal(missing.statusCode, 404);
  });

  it('gets a VM with its identity in the shape Azure uses', async () => {
    const vm = await clientsFor(fake).compute.virtualMachines.get('rg-web', 'vm-web-04');
    assert.equal(vm.type, 'Microsoft.Compute/virtualMachines');
    assert.equal(vm.identity?.type, 'SystemAssigned, UserAssigned');
    assert.match(vm.identity?.principalId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(vm.identity?.tenantId, demo.tenantId);
    const backend = uaiId(demo.production, 'rg-web', 'id-backend');
    assert.deepEqual(Object.keys(vm.identity?.userAssignedIdentities ?? {}), [backend]);
    const seeded = demo.seed.userAssignedIdentities.find((u) => u.name === 'id-backend')!;
    assert.equal(vm.identity?.userAssignedIdentities?.[backend]?.principalId, seeded.principalId);
    assert.equal(vm.identity?.userAssignedIdentities?.[backend]?.clientId, seeded.clientId);
    assert.equal(vm.provisioningState, 'Succeeded');
    assert.match(vm.etag ?? '', /^"\d+"$/);
    const none = await clientsFor(fake).compute.virtualMachines.get('rg-web', 'vm-web-01');
    assert.equal(none.identity, undefined, 'a VM without identity has no identity object');
    const missing = await rejection(clientsFor(fake).compute.virtualMachines.get('rg-web', 'vm-nope'));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'ResourceNotFound');
    assert.match(missing.message, /The Resource 'Microsoft.Compute\/virtualMachines\/vm-nope' under resource group 'rg-web' was not found/);
  });

  it('matches resource paths without regard to case', async () => {
    const token = await armToken(fake);
    const { status, body } = await rawFetch(fake, `/SUBSCRIPTIONS/${demo.production}/resourcegroups/RG-WEB/providers/microsoft.compute/VIRTUALMACHINES/VM-WEB-02?api-version=2025-04-01`, { token });
    assert.equal(status, 200);
    assert.equal(body.name, 'vm-web-02', 'answers with the stored casing');
  });

  it('reports power state in the instance view', async () => {
    const { compute } = clientsFor(fake);
    const running = await compute.virtualMachines.instanceView('rg-web', 'vm-web-01');
    assert.ok(running.statuses?.some((s) => s.code === 'PowerState/running' && s.displayStatus === 'VM running'));
    const deallocated = await compute.virtualMachines.instanceView('rg-data', 'vm-data-03');
    assert.ok(deallocated.statuses?.some((s) => s.code === 'PowerState/deallocated'));
    const expanded = await compute.virtualMachines.get('rg-data', 'vm-data-03', { expand: 'instanceView' });
    assert.ok(expanded.instanceView?.statuses?.some((s) => s.code === 'PowerState/deallocated'));
  });

  it('lists user-assigned identities by subscription and resource group, and gets one', async () => {
    const { msi } = clientsFor(fake);
    const all = await collect(msi.userAssignedIdentities.listBySubscription());
    assert.deepEqual(all.map((u) => u.name).sort(), ['id-backend', 'id-monitor', 'id-storage']);
    const web = await collect(msi.userAssignedIdentities.listByResourceGroup('rg-web'));
    assert.deepEqual(web.map((u) => u.name).sort(), ['id-backend', 'id-storage']);
    const deploy = await clientsFor(fake, demo.admin, demo.development).msi.userAssignedIdentities.get('rg-identities', 'id-deploy');
    assert.equal(deploy.type, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    assert.equal(deploy.principalId, demo.seed.userAssignedIdentities.find((u) => u.name === 'id-deploy')!.principalId);
    assert.equal(deploy.tenantId, demo.tenantId);
    const missing = await rejection(msi.userAssignedIdentities.get('rg-web', 'id-nope'));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'ResourceNotFound');
  });

  it('answers 404 SubscriptionNotFound for an unknown subscription and refuses $expand=instanceView on list-all', async () => {
    const unknown = 'c0ffee00-0000-4000-8000-00000000dead';
    const error = await rejection(clientsFor(fake, demo.admin, unknown).compute.virtualMachines.get('rg-web', 'vm-web-01'));
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'SubscriptionNotFound');
    const token = await armToken(fake);
    const expanded = await rawFetch(fake, `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachines?api-version=2025-04-01&$expand=instanceView`, { token });
    assert.equal(expanded.status, 400);
    const perGroup = await rawFetch(fake, `/subscriptions/${demo.production}/resourceGroups/rg-data/providers/Microsoft.Compute/virtualMachines?api-version=2025-04-01&$expand=instanceView`, { token });
    assert.equal(perGroup.status, 200);
    assert.ok(perGroup.body.value.every((vm: { properties: { instanceView?: unknown } }) => vm.properties.instanceView));
  });

  it('answers with request ids and rate-limit headers', async () => {
    const { headers } = await rawFetch(fake, `/subscriptions?api-version=2022-12-01`, { token: await armToken(fake) });
    assert.match(headers.get('x-ms-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.match(headers.get('x-ms-ratelimit-remaining-subscription-reads') ?? '', /^\d+$/);
  });

  it('refuses a $skiptoken that no nextLink gave with 400', async () => {
    const token = await armToken(fake);
    for (const skip of ['abc', '-1', '1e3']) {
      const answer = await rawFetch(fake, `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachines?api-version=2025-04-01&$skiptoken=${skip}`, { token });
      assert.equal(answer.status, 400, skip);
      assert.equal(answer.body.error.code, 'InvalidParameter');
    }
  });

  it('answers permissions at an unknown subscription or resource group with 404', async () => {
    const { authorization } = clientsFor(fake);
    const noGroup = await rejection(collect(authorization.permissions.listForResourceGroup('rg-ghost')));
    assert.equal(noGroup.statusCode, 404);
    assert.equal(noGroup.code, 'ResourceGroupNotFound');
    const noSubscription = await rawFetch(fake, '/subscriptions/c0ffee00-0000-4000-8000-0000000000ff/providers/Microsoft.Authorization/permissions?api-version=2022-04-01', {
      token: await armToken(fake),
    });
    assert.equal(noSubscription.status, 404);
    assert.equal(noSubscription.body.error.code, 'SubscriptionNotFound');
    assert.ok((await collect(authorization.permissions.listForResourceGroup('rg-web'))).length > 0, 'a known group still answers');
  });

  it('finds an operation only under the subscription of the VM it writes', async () => {
    const token = await armToken(fake);
    const vmPath = `/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
    const started = await rawFetch(fake, `${vmPath}?api-version=2025-04-01`, { method: 'PATCH', token, body: { tags: { a: 'b' } } });
    const operationPath = (started.headers.get('azure-asyncoperation') ?? '').slice(fake.info.url.length);
    assert.equal((await rawFetch(fake, operationPath, { token })).status, 200);
    const elsewhere = await rawFetch(fake, operationPath.replace(demo.production, demo.development), { token });
    assert.equal(elsewhere.status, 404);
  });
});
