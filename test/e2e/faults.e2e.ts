// Faults injected into the fake Azure: throttling (429 with Retry-After, then success) is retried and the write
// lands; a long-running operation that ends Failed gives a clear error, and the tree shows Azure's true state after.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StateVmIdentity } from '../fake-azure/types';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
const timeout = 180_000;
const vmWebO1Path = '/virtualMachines/vm-web-01$';

useSession({ name: 'faults' });

/** The tree's summary of an identity, derived from the fake's state. */
function summaryOf(identity: StateVmIdentity): string {
  const system = identity.type.includes('SystemAssigned');
  const users = Object.keys(identity.userAssignedIdentities).length;
  if (system && users) return `system + ${users} user`;
  if (system) return 'system only';
  if (users) return `${users} user-assigned`;
  return 'no identity';
}

test('429 with Retry-After on the write, then success: the write lands once', { timeout }, scenario('faults-429-then-success-vm-web-01', async (session) => {
  const wb = session.workbench;
  session.addFaults([{ method: 'PATCH', path: vmWebO1Path, kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 }]);
  await wb.contextMenu(await wb.reveal(production, 'vm-web-01'), 'Enable System-Assigned Identity');
  await wb.waitForNotification(/Enabled the system-assigned identity of 'vm-web-01'/);

  const patches = session.fake.requests().filter((request) => request.method === 'PATCH' && /vm-web-01$/.test(request.path));
  assert.equal(patches.length, 2, `one throttled PATCH and one retry: ${JSON.stringify(patches)}`);
  assert.equal(patches[0].status, 429);
  assert.ok(patches[1].status < 300, 'the retry succeeded');
  const vm = session.vm('vm-web-01');
  assert.equal(vm.identity.type, 'SystemAssigned');
  assert.ok(vm.identity.principalId);
  assert.equal(session.state().servicePrincipals.filter((sp) => sp.alternativeNames.some((name) => /vm-web-01$/i.test(name))).length, 1, 'exactly one principal');
  await wb.waitForRowDescription('vm-web-01', /^system only · /);
}));

test('a long-running operation that ends Failed: a clear error, and the tree shows the true state', { timeout }, scenario('faults-lro-failed-vm-web-03', async (session) => {
  const wb = session.workbench;
  session.addFaults([
    { method: 'PATCH', path: '/virtualMachines/vm-web-03$', kind: 'lroFailed', errorCode: 'AllocationFailed', errorMessage: 'Allocation failed. Please try again later.' },
  ]);
  await wb.runOnVm('Managed Identities: Enable System-Assigned Identity', production, 'vm-web-03');
  const error = await wb.waitForNotification(/Allocation failed|AllocationFailed/);
  const text = ((await error.textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(text, /vm-web-03/, `the error names the VM: ${text}`);

  const vm = session.vm('vm-web-03');
  assert.equal(vm.provisioningState, 'Failed');
  await wb.reveal(production, 'vm-web-03');
  await wb.waitForRowDescription('vm-web-03', new RegExp(`^${summaryOf(vm.identity).replace('+', '\\+')} · `));
  // And after a refresh from the view's title bar, still the fake's state.
  await wb.refreshTreeFromTitleBar();
  await wb.reveal(production, 'vm-web-03');
  await wb.waitForRowDescription('vm-web-03', new RegExp(`^${summaryOf(session.vm('vm-web-03').identity).replace('+', '\\+')} · `));
}));
