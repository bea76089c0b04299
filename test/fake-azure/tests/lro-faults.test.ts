// Long-running VM writes, concurrency (409, ETag/412), fault injection, latency and the control routes.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAzureForTests } from '../testing';
import { armToken, clientsFor, demo, rawFetch, rejection, useFakeAzure } from './sdk';

const vmPath = (name: string, group = 'rg-web') => `/subscriptions/${demo.production}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`;
const apiVersion = 'api-version=2025-04-01';

/** FAKE_AZURE_LRO_POLLS (the slow run's 3) wins; 2 otherwise, so that InProgress is seen more than once. */
const lroPolls = Number(process.env['FAKE_AZURE_LRO_POLLS'] || 2);

describe('fake Azure long-running operations', () => {
  const fake = useFakeAzure({ lroPolls });
  let token: string;
  before(async () => {
    token = await armToken(fake());
  });

  it('answers a PATCH with Azure-AsyncOperation and Retry-After; the operation is InProgress for lroPolls polls; 409 meanwhile', async () => {
    const first = await rawFetch(fake(), `${vmPath('vm-web-01')}?${apiVersion}`, { method: 'PATCH', token, body: { identity: { type: 'SystemAssigned' } } });
    assert.equal(first.status, 200);
    assert.equal(first.body.properties.provisioningState, 'Updating');
    assert.equal(first.headers.get('retry-after'), '1');
    const operationUrl = first.headers.get('azure-asyncoperation') ?? '';
    assert.match(operationUrl, new RegExp(`^${fake().info.url}/subscriptions/${demo.production}/providers/Microsoft\\.Compute/locations/eastus/operations/[0-9a-f-]{36}\\?`));
    assert.equal((await rawFetch(fake(), `${vmPath('vm-web-01')}?${apiVersion}`, { token })).body.properties.provisioningState, 'Updating');
    const second = await rawFetch(fake(), `${vmPath('vm-web-01')}?${apiVersion}`, { method: 'PATCH', token, body: { identity: { type: 'None' } } });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'ConflictingConcurrentWriteNotAllowed');
    const operationPath = operationUrl.slice(fake().info.url.length);
    const statuses: string[] = [];
    for (let i = 0; i <= lroPolls; i++) statuses.push((await rawFetch(fake(), operationPath, { token })).body.status);
    assert.deepEqual(statuses, [...Array<string>(lroPolls).fill('InProgress'), 'Succeeded']);
    const done = await rawFetch(fake(), operationPath, { token });
    assert.ok(done.body.startTime && done.body.endTime && done.body.name);
    assert.equal((await rawFetch(fake(), `${vmPath('vm-web-01')}?${apiVersion}`, { token })).body.properties.provisioningState, 'Succeeded');
    assert.equal(fake().getState().virtualMachines.find((v) => v.name === 'vm-web-01')!.identity.type, 'SystemAssigned');
  });

  it('ends an operation nobody polls after about lroPolls × Retry-After seconds, so later writes are accepted', async () => {
    const started = Date.now();
    const first = await rawFetch(fake(), `${vmPath('vm-web-01')}?${apiVersion}`, { method: 'PATCH', token, body: { identity: { type: 'SystemAssigned' } } });
    assert.equal(first.status, 200);
    assert.equal(fake().getState().virtualMachines.find((v) => v.name === 'vm-web-01')!.provisioningState, 'Updating');
    let state = 'Updating';
    while (state === 'Updating' && Date.now() - started < (lroPolls + 3) * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = (await rawFetch(fake(), `${vmPath('vm-web-01')}?${apiVersion}`, { token })).body.properties.provisioningState;
    }
    assert.equal(state, 'Succeeded', 'the operation ended on the server without a poll');
    assert.ok(Date.now() - started >= lroPolls * 1000 - 100, 'not before lroPolls × Retry-After seconds');
    assert.ok(!fake().requests().some((r) => r.path.includes('/operations/')), 'nobody polled the operation');
    const second = await rawFetch(fake(), `${vmPath('vm-web-01')}?${apiVersion}`, { method: 'PATCH', token, body: { identity: { type: 'None' } } });
    assert.equal(second.status, 200);
    assert.equal(fake().getState().virtualMachines.find((v) => v.name === 'vm-web-01')!.identity.type, 'None');
  });

  it('honours If-Match: 412 on a stale ETag, success on the current one, and a new ETag after', async () => {
    const { compute } = clientsFor(fake());
    const vm = await compute.virtualMachines.get('rg-web', 'vm-web-01');
    const before = fake().getState();
    const stale = await rejection(compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } }, { ifMatch: '"999"' }));
    assert.equal(stale.statusCode, 412);
    assert.deepEqual(fake().getState(), before);
    const updated = await compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } }, { ifMatch: vm.etag! });
    assert.equal(updated.identity?.type, 'SystemAssigned');
    assert.notEqual(updated.etag, vm.etag);
  });

  it('honours If-None-Match: * on PUT, refusing to overwrite an existing VM with 412', async () => {
    const error = await rejection(clientsFor(fake()).compute.virtualMachines.createOrUpdate('rg-web', 'vm-web-01', { location: 'eastus' }, { ifNoneMatch: '*' }));
    assert.equal(error.statusCode, 412);
    assert.equal(error.code, 'PreconditionFailed');
    const created = await clientsFor(fake()).compute.virtualMachines.createOrUpdate('rg-web', 'vm-web-09', { location: 'eastus' }, { ifNoneMatch: '*' });
    assert.equal(created.provisioningState, 'Succeeded');
  });

  it('ends an operation Failed by the lroFailed fault, leaving the VM Failed', async () => {
    fake().addFaults([{ kind: 'lroFailed', method: 'PATCH', path: '/virtualMachines/vm-web-01$', errorCode: 'AllocationFailed', errorMessage: 'Allocation failed.' }]);
    const error = await rejection(clientsFor(fake()).compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } }));
    assert.match(`${error.code} ${error.message}`, /AllocationFailed|Allocation failed/);
    assert.equal(fake().getState().virtualMachines.find((v) => v.name === 'vm-web-01')!.provisioningState, 'Failed');
    // The fault applied once: the next write succeeds.
    const vm = await clientsFor(fake()).compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'None' } });
    assert.equal(vm.provisioningState, 'Succeeded');
  });

  it('keeps an operation InProgress forever with the lroNeverEnds fault', async () => {
    fake().addFaults([{ kind: 'lroNeverEnds', path: '/virtualMachines/vm-web-02$' }]);
    const started = await rawFetch(fake(), `${vmPath('vm-web-02')}?${apiVersion}`, { method: 'PATCH', token, body: { identity: { type: 'None' } } });
    const operationPath = (started.headers.get('azure-asyncoperation') ?? '').slice(fake().info.url.length);
    for (let i = 0; i < 5; i++) assert.equal((await rawFetch(fake(), operationPath, { token })).body.status, 'InProgress');
    // Nor does time end it.
    await new Promise((resolve) => setTimeout(resolve, lroPolls * 1000 + 300));
    assert.equal((await rawFetch(fake(), operationPath, { token })).body.status, 'InProgress');
    const again = await rawFetch(fake(), `${vmPath('vm-web-02')}?${apiVersion}`, { method: 'PATCH', token, body: { identity: { type: 'SystemAssigned' } } });
    assert.equal(again.status, 409);
  });
});

describe('fake Azure faults, latency and control routes', () => {
  const fake = useFakeAzure();

  it('answers 429 with Retry-After, which the SDK waits out and retries', async () => {
    fake().addFaults([{ kind: 'status', status: 429, retryAfterSeconds: 1, method: 'GET', path: '/virtualMachines/vm-web-01$' }]);
    const vm = await clientsFor(fake()).compute.virtualMachines.get('rg-web', 'vm-web-01');
    assert.equal(vm.name, 'vm-web-01');
    const statuses = fake().requests().filter((r) => r.path === vmPath('vm-web-01')).map((r) => r.status);
    assert.deepEqual(statuses, [429, 200]);
  });

  it('answers 500 and 503 in the ARM error shape, as many times as asked', async () => {
    const token = await armToken(fake());
    fake().addFaults([
      { kind: 'status', status: 500, path: '^/subscriptions$', times: 2 },
      { kind: 'status', status: 503, retryAfterSeconds: 2, path: '^/subscriptions$', errorCode: 'ServerBusy' },
    ]);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token }));
    assert.deepEqual(results.map((r) => r.status), [500, 500, 503, 200]);
    assert.equal(results[0]!.body.error.code, 'InternalServerError');
    assert.equal(results[2]!.body.error.code, 'ServerBusy');
    assert.equal(results[2]!.headers.get('retry-after'), '2');
  });

  it('drops a connection, which raw fetch sees as a network error and the SDK retries', async () => {
    fake().addFaults([{ kind: 'drop', path: '/virtualMachines/vm-web-03$' }]);
    await assert.rejects(rawFetch(fake(), `${vmPath('vm-web-03')}?${apiVersion}`, { token: await armToken(fake()) }));
    fake().addFaults([{ kind: 'drop', path: '/virtualMachines/vm-web-03$' }]);
    const vm = await clientsFor(fake()).compute.virtualMachines.get('rg-web', 'vm-web-03');
    assert.equal(vm.name, 'vm-web-03');
  });

  it('delays a matching answer by delayMs, and every answer by latencyMs', async () => {
    const token = await armToken(fake());
    fake().addFaults([{ kind: 'delay', delayMs: 300, path: '^/subscriptions$' }]);
    let started = Date.now();
    assert.equal((await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token })).status, 200);
    assert.ok(Date.now() - started >= 300, 'the delay fault held the answer back');
    const slow = await startFakeAzureForTests({ latencyMs: 200 });
    try {
      started = Date.now();
      await rawFetch(slow, '/subscriptions?api-version=2022-12-01');
      assert.ok(Date.now() - started >= 200, 'latency applies even to a refused request');
    } finally {
      await slow.stop();
    }
  });

  it('serves the control routes: faults, requests, state and reset', async () => {
    const token = await armToken(fake());
    const added = await rawFetch(fake(), '/_control/faults', { method: 'POST', body: { kind: 'status', status: 503, path: '^/subscriptions$', times: 0 } });
    assert.equal(added.status, 204);
    assert.equal((await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token })).status, 503);
    assert.equal((await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token })).status, 503, 'times 0 means every time');
    assert.equal((await rawFetch(fake(), '/_control/faults', { method: 'DELETE' })).status, 204);
    assert.equal((await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token })).status, 200);
    const logged = await rawFetch(fake(), '/_control/requests');
    assert.deepEqual(logged.body.map((r: { status: number }) => r.status).slice(-3), [503, 503, 200]);
    assert.ok(logged.body.every((r: { path: string }) => !r.path.includes('?') && !r.path.startsWith('/_control')));
    await clientsFor(fake()).compute.virtualMachines.update('rg-web', 'vm-web-01', { identity: { type: 'SystemAssigned' } });
    const changed = await rawFetch(fake(), '/_control/state');
    assert.equal(changed.body.virtualMachines.find((v: { name: string }) => v.name === 'vm-web-01').identity.type, 'SystemAssigned');
    assert.equal((await rawFetch(fake(), '/_control/reset', { method: 'POST' })).status, 204);
    const reset = await rawFetch(fake(), '/_control/state');
    assert.equal(reset.body.virtualMachines.find((v: { name: string }) => v.name === 'vm-web-01').identity.type, 'None');
    assert.deepEqual((await rawFetch(fake(), '/_control/requests')).body, []);
    assert.equal((await rawFetch(fake(), '/_control/faults', { method: 'POST', body: { kind: 'explode' } })).status, 400);
  });

  it('refuses invalid fault rules with 400 and adds none of the list', async () => {
    const bad = [
      { kind: 'explode', path: '.' },
      { kind: 'status', path: '.', status: 200 },
      { kind: 'status', path: '.', status: 'busy' },
      { kind: 'status', path: '.', times: -1 },
      { kind: 'status', path: '.', times: 1.5 },
      { kind: 'delay', path: '.', delayMs: -5 },
      { kind: 'status', path: '(' },
      { kind: 'status' },
    ];
    for (const rule of bad) {
      const answer = await rawFetch(fake(), '/_control/faults', { method: 'POST', body: [{ kind: 'status', path: '^/subscriptions$', times: 0 }, rule] });
      assert.equal(answer.status, 400, JSON.stringify(rule));
      assert.equal(answer.body.error.code, 'InvalidFault');
    }
    assert.throws(() => fake().addFaults([{ kind: 'status', path: '.', status: 99 }]), /status must be/);
    assert.equal((await rawFetch(fake(), '/subscriptions?api-version=2022-12-01', { token: await armToken(fake()) })).status, 200, 'no rule was added');
  });

  it('answers a status fault in the error shape of the face it hits: Entra on /login, Graph on /graph, ARM elsewhere', async () => {
    fake().addFaults([
      { kind: 'status', status: 503, path: '^/login/', retryAfterSeconds: 2 },
      { kind: 'status', status: 429, path: '^/graph/', errorMessage: 'Slow down.' },
    ]);
    const login = await rawFetch(fake(), `/login/${demo.tenantId}/oauth2/v2.0/token`, { method: 'POST' });
    assert.equal(login.status, 503);
    assert.equal(login.headers.get('retry-after'), '2');
    assert.deepEqual(Object.keys(login.body).sort(), ['correlation_id', 'error', 'error_codes', 'error_description', 'timestamp', 'trace_id']);
    assert.equal(login.body.error, 'temporarily_unavailable');
    assert.match(login.body.error_description, /^AADSTS90033: /);
    const graph = await rawFetch(fake(), '/graph/v1.0/groups', { headers: { 'client-request-id': 'abc' } });
    assert.equal(graph.status, 429);
    assert.equal(graph.body.error.code, 'TooManyRequests');
    assert.equal(graph.body.error.message, 'Slow down.');
    assert.equal(graph.body.error.innerError['client-request-id'], 'abc');
    assert.match(graph.body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.ok(graph.body.error.innerError['request-id']);
  });

  it('redacts principals\' secrets in /_control/state and answers /_control without a slash as a control route', async () => {
    const state = await rawFetch(fake(), '/_control/state');
    const secrets = demo.seed.principals.map((p) => p.secret).filter((x): x is string => !!x);
    assert.ok(secrets.length > 0);
    const text = JSON.stringify(state.body);
    for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret in /_control/state');
    assert.ok(state.body.principals.every((p: { secret?: string }) => p.secret === undefined || p.secret === '<redacted>'));
    assert.equal(fake().getState().principals.find((p) => p.id === demo.admin.id)!.secret, demo.admin.secret, 'getState() in-process keeps them');
    const root = await rawFetch(fake(), '/_control');
    assert.equal(root.status, 200);
    assert.ok(root.body.routes.includes('GET /_control/state'));
    assert.ok(!fake().requests().some((r) => r.path.startsWith('/_control')), 'control routes stay out of the request log');
  });
});
