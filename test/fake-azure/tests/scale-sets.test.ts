// Scale sets through the real compute SDK and raw requests (azure-wire-facts.md section 10): seeded Uniform and
// Flexible scale sets, the VM identity semantics at scale-set level, the service principal lifecycle, ETags, the
// long-running operation, authorization and faults.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineScaleSetIdentity } from '@azure/arm-compute';
import { loadSeed } from '../state';
import type { FakeState, Seed } from '../types';
import { armToken, clientsFor, collect, demo, rawFetch, rejection, uaiId, useFakeAzure } from './sdk';

const backend = uaiId(demo.production, 'rg-web', 'id-backend');
const monitor = uaiId(demo.production, 'rg-data', 'id-monitor');
const deploy = uaiId(demo.development, 'rg-identities', 'id-deploy');
const apiVersion = '2025-04-01';

function scaleSetPath(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;
}

function stateScaleSet(state: FakeState, name: string) {
  return state.virtualMachineScaleSets!.find((s) => s.name === name)!;
}

/** The demo seed, with vmss-web's system identity holding a role and a group membership (which disabling must remove). */
function seedWithScaleSetAccess(): Seed {
  const seed = loadSeed(undefined);
  const principalId = seed.virtualMachineScaleSets!.find((s) => s.name === 'vmss-web')!.identity!.principalId!;
  seed.roleAssignments.push({ principalId, roleDefinitionName: 'Reader', scope: `/subscriptions/${demo.production}/resourceGroups/rg-data` });
  seed.groups.find((g) => g.displayName === 'sg-monitoring')!.members!.push(principalId);
  return seed;
}

describe('fake Azure scale sets', () => {
  const fake = useFakeAzure({ seed: seedWithScaleSetAccess() });

  const patch = (resourceGroup: string, name: string, identity: VirtualMachineScaleSetIdentity, who = demo.admin, subscriptionId = demo.production) =>
    clientsFor(fake(), who, subscriptionId).compute.virtualMachineScaleSets.update(resourceGroup, name, { identity });

  it('lists the seeded scale sets by subscription and by resource group, Uniform and Flexible, in every identity state', async () => {
    const { compute } = clientsFor(fake());
    const all = await collect(compute.virtualMachineScaleSets.listAll());
    assert.deepEqual(all.map((s) => [s.name, s.orchestrationMode, s.identity?.type ?? 'None']).sort(), [
      ['vmss-api', 'Uniform', 'None'],
      ['vmss-data-flex', 'Flexible', 'UserAssigned'],
      ['vmss-web', 'Uniform', 'SystemAssigned'],
    ]);
    const web = await collect(compute.virtualMachineScaleSets.list('rg-web'));
    assert.deepEqual(web.map((s) => s.name).sort(), ['vmss-api', 'vmss-web']);
    const dev = await collect(clientsFor(fake(), demo.admin, demo.development).compute.virtualMachineScaleSets.listAll());
    assert.deepEqual(dev.map((s) => [s.name, s.identity?.type]), [['vmss-dev-flex', 'SystemAssigned, UserAssigned']]);
  });

  it('pages scale-set lists with nextLink', async () => {
    const token = await armToken(fake());
    const first = await rawFetch(fake(), `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=${apiVersion}`, { token });
    assert.equal(first.status, 200);
    assert.equal(first.body.value.length, 3);
    assert.equal(first.body.nextLink, undefined, 'three fit in one page of the default size');
  });

  it('answers a scale set with its identity, sku, ETag and orchestration mode; Flexible instances are VMs naming their scale set', async () => {
    const { compute } = clientsFor(fake(), demo.admin, demo.development);
    const scaleSet = await compute.virtualMachineScaleSets.get('rg-dev', 'vmss-dev-flex');
    assert.equal(scaleSet.identity?.principalId, 'b5a00000-0000-4000-8000-000000000011');
    assert.equal(scaleSet.identity?.tenantId, demo.tenantId);
    assert.deepEqual(scaleSet.identity?.userAssignedIdentities, { [deploy]: { principalId: 'a1d00000-0000-4000-8000-000000000004', clientId: 'a2c00000-0000-4000-8000-000000000004' } });
    assert.equal(scaleSet.etag, '"1"');
    assert.equal(scaleSet.sku?.capacity, 1, 'a seeded Flexible scale set counts its seeded instances');
    const instance = await compute.virtualMachines.get('rg-dev', 'vm-flex-dev-01');
    assert.equal(instance.virtualMachineScaleSet?.id, scaleSet.id);
    const plain = await compute.virtualMachines.get('rg-dev', 'vm-dev-01');
    assert.equal(plain.virtualMachineScaleSet, undefined);
  });

  it('answers 404 ResourceNotFound on GET and PatchResourceNotFound on PATCH of a missing scale set', async () => {
    const { compute } = clientsFor(fake());
    const got = await rejection(compute.virtualMachineScaleSets.get('rg-web', 'vmss-none'));
    assert.equal(got.statusCode, 404);
    assert.equal(got.code, 'ResourceNotFound');
    const patched = await rejection(patch('rg-web', 'vmss-none', { type: 'SystemAssigned' }));
    assert.equal(patched.statusCode, 404);
    assert.equal(patched.code, 'PatchResourceNotFound');
  });

  it('enables a system-assigned identity on a scale set, creating its service principal; Flexible instances keep their own identity', async () => {
    const before = fake().getState();
    const scaleSet = await patch('rg-data', 'vmss-data-flex', { type: 'SystemAssigned, UserAssigned' });
    assert.equal(scaleSet.provisioningState, 'Succeeded');
    assert.equal(scaleSet.identity?.type, 'SystemAssigned, UserAssigned');
    assert.deepEqual(Object.keys(scaleSet.identity?.userAssignedIdentities ?? {}), [monitor], 'the type change keeps the user-assigned ones');
    const state = fake().getState();
    const principalId = stateScaleSet(state, 'vmss-data-flex').identity.principalId!;
    assert.equal(scaleSet.identity?.principalId, principalId);
    const sp = state.servicePrincipals.find((s) => s.id === principalId);
    assert.equal(sp?.servicePrincipalType, 'ManagedIdentity');
    assert.equal(sp?.displayName, 'vmss-data-flex');
    assert.ok(sp?.alternativeNames.includes(stateScaleSet(state, 'vmss-data-flex').id));
    // Identity is tracked at the scale-set level: instances are neither changed nor marked out of date.
    for (const name of ['vm-flex-data-01', 'vm-flex-data-02']) {
      const was = before.virtualMachines.find((v) => v.name === name)!;
      const now = state.virtualMachines.find((v) => v.name === name)!;
      assert.deepEqual(now.identity, was.identity, `${name} keeps its own identity`);
      assert.equal(now.etag, was.etag, `${name} is not written`);
    }
  });

  it('disables a system-assigned identity, deleting its service principal with its role assignments; re-enabling gives a new one', async () => {
    const oldId = stateScaleSet(fake().getState(), 'vmss-web').identity.principalId!;
    assert.ok(fake().getState().roleAssignments.some((ra) => ra.principalId === oldId), 'the seed gives the scale set a role');
    assert.ok(fake().getState().groups.some((g) => g.members.includes(oldId)), 'and a group');
    const off = await patch('rg-web', 'vmss-web', { type: 'None' });
    assert.equal(off.identity, undefined);
    const afterOff = fake().getState();
    assert.equal(stateScaleSet(afterOff, 'vmss-web').identity.type, 'None');
    assert.equal(afterOff.servicePrincipals.find((s) => s.id === oldId), undefined);
    assert.ok(afterOff.roleAssignments.every((ra) => ra.principalId !== oldId));
    assert.ok(afterOff.groups.every((g) => !g.members.includes(oldId)));
    const on = await patch('rg-web', 'vmss-web', { type: 'SystemAssigned' });
    assert.ok(on.identity?.principalId);
    assert.notEqual(on.identity?.principalId, oldId);
    assert.ok(fake().getState().servicePrincipals.some((s) => s.id === on.identity?.principalId && s.displayName === 'vmss-web'));
  });

  it('follows the VM PATCH rules: SystemAssigned drops user-assigned ones, null removes one, keys not named are kept, none left is refused', async () => {
    const dev = (identity: VirtualMachineScaleSetIdentity) => patch('rg-dev', 'vmss-dev-flex', identity, demo.admin, demo.development);
    const principalId = stateScaleSet(fake().getState(), 'vmss-dev-flex').identity.principalId;
    const merged = await patch('rg-data', 'vmss-data-flex', { type: 'UserAssigned', userAssignedIdentities: { [backend]: {} } });
    assert.deepEqual(Object.keys(merged.identity?.userAssignedIdentities ?? {}).sort(), [backend, monitor].sort());
    const removed = await patch('rg-data', 'vmss-data-flex', { type: 'UserAssigned', userAssignedIdentities: { [monitor.toUpperCase()]: null as never } });
    assert.deepEqual(Object.keys(removed.identity?.userAssignedIdentities ?? {}), [backend]);
    const lastOne = await rejection(patch('rg-data', 'vmss-data-flex', { type: 'UserAssigned', userAssignedIdentities: { [backend]: null as never } }));
    assert.equal(lastOne.statusCode, 400);
    assert.equal(lastOne.code, 'InvalidParameter');
    const systemOnly = await dev({ type: 'SystemAssigned' });
    assert.equal(systemOnly.identity?.type, 'SystemAssigned');
    assert.equal(systemOnly.identity?.userAssignedIdentities, undefined);
    assert.equal(systemOnly.identity?.principalId, principalId, 'the system identity stays the same');
  });

  it('accepts "SystemAssigned,UserAssigned" without the space (as the scale-set docs spell it) and stores the canonical type', async () => {
    const token = await armToken(fake());
    const response = await rawFetch(fake(), `${scaleSetPath(demo.production, 'rg-web', 'vmss-api')}?api-version=${apiVersion}`, {
      method: 'PATCH',
      token,
      body: { identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [backend]: {} } } },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.identity.type, 'SystemAssigned, UserAssigned');
    assert.equal(stateScaleSet(fake().getState(), 'vmss-api').identity.type, 'SystemAssigned, UserAssigned');
  });

  it('refuses an identity that does not exist with FailedIdentityOperation, changing nothing', async () => {
    const missing = uaiId(demo.production, 'rg-web', 'id-missing');
    const error = await rejection(patch('rg-web', 'vmss-api', { type: 'UserAssigned', userAssignedIdentities: { [missing]: {} } }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'FailedIdentityOperation');
    assert.match(error.message, /vmss-api/);
    assert.equal(stateScaleSet(fake().getState(), 'vmss-api').identity.type, 'None');
  });

  it('honours If-Match: 412 on a stale ETag, success on the current one, a new ETag after; If-None-Match: * refuses a PUT over one', async () => {
    const { compute } = clientsFor(fake());
    const scaleSet = await compute.virtualMachineScaleSets.get('rg-web', 'vmss-api');
    const stale = await rejection(compute.virtualMachineScaleSets.update('rg-web', 'vmss-api', { identity: { type: 'SystemAssigned' } }, { ifMatch: '"999"' }));
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.code, 'PreconditionFailed');
    assert.equal(stateScaleSet(fake().getState(), 'vmss-api').identity.type, 'None', 'a refused write changes nothing');
    const updated = await compute.virtualMachineScaleSets.update('rg-web', 'vmss-api', { identity: { type: 'SystemAssigned' } }, { ifMatch: scaleSet.etag! });
    assert.equal(updated.identity?.type, 'SystemAssigned');
    assert.notEqual(updated.etag, scaleSet.etag);
    const overwrite = await rejection(compute.virtualMachineScaleSets.createOrUpdate('rg-web', 'vmss-api', { location: 'eastus' }, { ifNoneMatch: '*' }));
    assert.equal(overwrite.statusCode, 412);
  });

  it('runs a write as a long-running operation: Azure-AsyncOperation and Retry-After, Updating, then Succeeded; a second write meanwhile gets 409', async () => {
    const token = await armToken(fake());
    const path = `${scaleSetPath(demo.production, 'rg-web', 'vmss-api')}?api-version=${apiVersion}`;
    const accepted = await rawFetch(fake(), path, { method: 'PATCH', token, body: { identity: { type: 'SystemAssigned' } } });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.properties.provisioningState, 'Updating');
    assert.equal(accepted.headers.get('retry-after'), '1');
    const operationUrl = new URL(accepted.headers.get('azure-asyncoperation')!);
    assert.match(operationUrl.pathname, new RegExp(`^/subscriptions/${demo.production}/providers/Microsoft\\.Compute/locations/eastus/operations/`));
    const busy = await rawFetch(fake(), path, { method: 'PATCH', token, body: { tags: { a: 'b' } } });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'ConflictingConcurrentWriteNotAllowed');
    let status = 'InProgress';
    for (let polls = 0; status === 'InProgress' && polls < 10; polls += 1) {
      status = (await rawFetch(fake(), `${operationUrl.pathname}${operationUrl.search}`, { token })).body.status;
    }
    assert.equal(status, 'Succeeded');
    assert.equal(stateScaleSet(fake().getState(), 'vmss-api').provisioningState, 'Succeeded');
  });

  it('ends Failed under the lroFailed fault, leaving the scale set Failed', async () => {
    fake().addFaults([{ kind: 'lroFailed', method: 'PATCH', path: 'virtualMachineScaleSets/vmss-api$', errorCode: 'InternalExecutionError' }]);
    const error = await rejection(patch('rg-web', 'vmss-api', { type: 'SystemAssigned' }));
    assert.match(`${error.code} ${error.message}`, /InternalExecutionError/);
    assert.equal(stateScaleSet(fake().getState(), 'vmss-api').provisioningState, 'Failed');
  });

  it('answers status faults and latency on scale-set routes like on any other', async () => {
    fake().addFaults([{ kind: 'status', status: 429, retryAfterSeconds: 0, path: '/virtualMachineScaleSets$', method: 'GET' }]);
    const token = await armToken(fake());
    const throttled = await rawFetch(fake(), `/subscriptions/${demo.production}/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=${apiVersion}`, { token });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error.code, 'TooManyRequests');
    assert.equal(throttled.headers.get('retry-after'), '0');
  });

  it('needs virtualMachineScaleSets/write: a Reader gets 403 AuthorizationFailed and may still read', async () => {
    const error = await rejection(patch('rg-web', 'vmss-api', { type: 'SystemAssigned' }, demo.reader));
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'AuthorizationFailed');
    assert.match(error.message, /Microsoft\.Compute\/virtualMachineScaleSets\/write/);
    const read = await clientsFor(fake(), demo.reader).compute.virtualMachineScaleSets.get('rg-web', 'vmss-api');
    assert.equal(read.name, 'vmss-api');
  });

  it('needs the assign action on each identity: Virtual Machine Contributor gets LinkedAuthorizationFailed naming both, and may enable the system identity', async () => {
    const error = await rejection(patch('rg-web', 'vmss-api', { type: 'UserAssigned', userAssignedIdentities: { [backend]: {} } }, demo.vmContributor));
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'LinkedAuthorizationFailed');
    assert.match(error.message, /Microsoft\.Compute\/virtualMachineScaleSets\/write/);
    assert.ok(error.message.includes(backend));
    assert.equal(stateScaleSet(fake().getState(), 'vmss-api').identity.type, 'None');
    const enabled = await patch('rg-web', 'vmss-api', { type: 'SystemAssigned' }, demo.vmContributor);
    assert.equal(enabled.identity?.type, 'SystemAssigned');
  });

  it('creates a scale set with PUT (201 Creating, then Succeeded) with its identity; refuses to change the orchestration mode', async () => {
    const { compute } = clientsFor(fake());
    const created = await compute.virtualMachineScaleSets.createOrUpdate('rg-web', 'vmss-new', {
      location: 'eastus',
      sku: { name: 'Standard_B2s', capacity: 2 },
      orchestrationMode: 'Flexible',
      identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [backend]: {} } },
    });
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.orchestrationMode, 'Flexible');
    assert.equal(created.sku?.capacity, 2);
    assert.ok(fake().getState().servicePrincipals.some((s) => s.id === created.identity?.principalId && s.displayName === 'vmss-new'));
    assert.ok(fake().requests().some((r) => r.method === 'PUT' && r.path.endsWith('/vmss-new') && r.status === 201));
    const changed = await rejection(compute.virtualMachineScaleSets.createOrUpdate('rg-web', 'vmss-new', { location: 'eastus', orchestrationMode: 'Uniform' }));
    assert.equal(changed.statusCode, 409);
    assert.equal(changed.code, 'PropertyChangeNotAllowed');
  });
});
