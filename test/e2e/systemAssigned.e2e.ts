// System-assigned identity: enable (tree and palette) keeping user-assigned ones; disable confirmed (palette) and
// cancelled (tree), where cancelling changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
const development = 'Contoso Development';
useSession({ name: 'system-assigned' });

test('enable from the context menu on a VM with two user-assigned identities: both stay', { timeout: 180_000 }, scenario('system-enable-tree-vm-web-03', async (session) => {
  const wb = session.workbench;
  assert.equal(session.vm('vm-web-03').identity.type, 'UserAssigned');
  assert.deepEqual(session.userAssignedNames('vm-web-03'), ['id-backend', 'id-storage']);

  const row = await wb.reveal(production, 'vm-web-03');
  await wb.contextMenu(row, 'Enable System-Assigned Identity');
  await wb.waitForNotification(/Enabled the system-assigned identity of 'vm-web-03'/);

  const vm = session.vm('vm-web-03');
  assert.equal(vm.identity.type, 'SystemAssigned, UserAssigned');
  assert.deepEqual(session.userAssignedNames('vm-web-03'), ['id-backend', 'id-storage']);
  assert.ok(vm.identity.principalId, 'a principal id was issued');
  assert.ok(
    session.state().servicePrincipals.some((sp) => sp.id === vm.identity.principalId && sp.servicePrincipalType === 'ManagedIdentity'),
    'its service principal exists in the directory',
  );
  // The tree shows the new state without a manual refresh.
  await wb.waitForRowDescription('vm-web-03', /system \+ 2 user /);
  await wb.expand(wb.treeRow('vm-web-03'));
  await wb.waitForRowDescription('System-assigned identity', new RegExp(`On · ${vm.identity.principalId}`));
}));

test('enable from the palette: subscription, then VM (only VMs without one are offered)', { timeout: 180_000 }, scenario('system-enable-palette-vm-dev-01', async (session) => {
  const wb = session.workbench;
  await wb.runCommand('Managed Identities: Enable System-Assigned Identity');
  await wb.pick(development);
  await wb.waitForQuickInput(/virtual machine/i);
  const offered = await wb.quickPickLabels();
  assert.ok(offered.includes('vm-dev-01') && offered.includes('vm-dev-03'), `offered: ${offered.join(', ')}`);
  assert.ok(!offered.includes('vm-dev-02'), 'vm-dev-02 already has one and is not offered');
  await wb.pick('vm-dev-01');
  await wb.waitForNotification(/Enabled the system-assigned identity of 'vm-dev-01'/);
  const vm = session.vm('vm-dev-01');
  assert.equal(vm.identity.type, 'SystemAssigned');
  assert.ok(vm.identity.principalId);
  await wb.reveal(development, 'vm-dev-01');
  await wb.waitForRowDescription('vm-dev-01', /^system only · /);
}));

test('disable from the context menu, cancelled: nothing changes', { timeout: 180_000 }, scenario('system-disable-cancelled-tree-vm-web-02', async (session) => {
  const wb = session.workbench;
  const before = session.vm('vm-web-02');
  const groupsBefore = session.state().groups.filter((group) => group.members.includes(before.identity.principalId!)).map((group) => group.displayName);
  assert.deepEqual(groupsBefore, ['sg-keyvault-readers']);

  const row = await wb.reveal(production, 'vm-web-02');
  await wb.contextMenu(row, 'Disable System-Assigned Identity');
  const question = await wb.dialogText();
  assert.match(question, /vm-web-02/);
  assert.match(question, /service principal/i);
  assert.match(question, /group/i);
  await session.screenshot('system-disable-cancel-dialog-vm-web-02');
  await wb.answerDialog('Cancel');

  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.deepEqual(session.vm('vm-web-02').identity, before.identity);
  assert.deepEqual(session.writeRequests(), [], 'no write reached Azure');
  assert.ok(session.state().groups.find((group) => group.displayName === 'sg-keyvault-readers')!.members.includes(before.identity.principalId!));
  await wb.waitForRowDescription('vm-web-02', /^system only · /);
}));

test('disable from the palette, confirmed: user-assigned stays, the principal and its memberships go', { timeout: 180_000 }, scenario('system-disable-confirmed-palette-vm-web-04', async (session) => {
  const wb = session.workbench;
  const before = session.vm('vm-web-04');
  const principalId = before.identity.principalId!;
  assert.equal(before.identity.type, 'SystemAssigned, UserAssigned');

  await wb.runCommand('Managed Identities: Disable System-Assigned Identity');
  await wb.pick(production);
  await wb.waitForQuickInput(/virtual machine/i);
  const offered = await wb.quickPickLabels();
  assert.ok(!offered.includes('vm-web-01'), 'a VM without a system identity is not offered');
  await wb.pick('vm-web-04');
  assert.match(await wb.dialogText(), /vm-web-04/);
  await wb.answerDialog('Disable');
  await wb.waitForNotification(/Disabled the system-assigned identity of 'vm-web-04'/);

  const vm = session.vm('vm-web-04');
  assert.equal(vm.identity.type, 'UserAssigned');
  assert.equal(vm.identity.principalId, undefined);
  assert.deepEqual(session.userAssignedNames('vm-web-04'), ['id-backend']);
  assert.ok(!session.state().servicePrincipals.some((sp) => sp.id === principalId), 'its service principal was deleted');
  await wb.reveal(production, 'vm-web-04');
  await wb.waitForRowDescription('vm-web-04', /^1 user-assigned · /);
}));
