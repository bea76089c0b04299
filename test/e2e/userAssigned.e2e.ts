// User-assigned identities: assign keeping those there, remove one of two, remove all, and create (invalid name
// first, then valid) followed by assigning it. Each from the tree's context menu or the palette, checked in the
// fake Azure's state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
const development = 'Contoso Development';
const timeout = 180_000;

useSession({ name: 'user-assigned' });

test('assign from the context menu to a VM with one: both are there, the one there is not offered again', { timeout }, scenario('user-assign-tree-vm-web-04', async (session) => {
  const wb = session.workbench;
  assert.deepEqual(session.userAssignedNames('vm-web-04'), ['id-backend']);
  const principalBefore = session.vm('vm-web-04').identity.principalId;

  await wb.contextMenu(await wb.reveal(production, 'vm-web-04'), 'Assign User-Assigned Identities...');
  await wb.waitForQuickInput(/assign/i);
  const rows = await wb.quickPickRowsText();
  const backend = rows.find((row) => row.startsWith('id-backend'));
  assert.ok(backend && /already assigned/.test(backend), `id-backend is shown as already assigned: ${JSON.stringify(rows)}`);
  assert.ok(rows.some((row) => row.startsWith('Create new user-assigned identity...')), 'offers to create one');
  await wb.pickMany(['id-storage']);
  await wb.waitForNotification(/Assigned 'id-storage' to 'vm-web-04'/);

  const vm = session.vm('vm-web-04');
  assert.deepEqual(session.userAssignedNames('vm-web-04'), ['id-backend', 'id-storage']);
  assert.equal(vm.identity.type, 'SystemAssigned, UserAssigned');
  assert.equal(vm.identity.principalId, principalBefore, 'the system-assigned identity is untouched');
  await wb.waitForRowDescription('vm-web-04', /system \+ 2 user /);
}));

test('assign from the palette: subscription, VM, identity', { timeout }, scenario('user-assign-palette-vm-dev-01', async (session) => {
  const wb = session.workbench;
  await wb.runOnVm('Managed Identities: Assign User-Assigned Identities...', development, 'vm-dev-01');
  await wb.waitForQuickInput(/assign/i);
  await wb.pickMany(['id-deploy']);
  await wb.waitForNotification(/Assigned 'id-deploy' to 'vm-dev-01'/);
  assert.equal(session.vm('vm-dev-01').identity.type, 'UserAssigned');
  assert.deepEqual(session.userAssignedNames('vm-dev-01'), ['id-deploy']);
  await wb.reveal(development, 'vm-dev-01');
  await wb.waitForRowDescription('vm-dev-01', /^1 user-assigned · /);
}));

test('remove one of two from the palette: the other stays', { timeout }, scenario('user-remove-one-palette-vm-web-03', async (session) => {
  const wb = session.workbench;
  await wb.runCommand('Managed Identities: Remove User-Assigned Identities...');
  await wb.pick(production);
  await wb.waitForQuickInput(/virtual machine/i);
  const offered = await wb.quickPickLabels();
  assert.ok(!offered.includes('vm-web-01') && !offered.includes('vm-web-02'), `only VMs with user-assigned identities: ${offered.join(', ')}`);
  await wb.pick('vm-web-03');
  await wb.waitForQuickInput(/remove/i);
  await wb.pickMany(['id-backend']);
  const question = await wb.dialogText();
  assert.match(question, /id-backend/);
  assert.doesNotMatch(question, /id-storage/);
  await wb.answerDialog('Remove');
  await wb.waitForNotification(/Removed 'id-backend' from 'vm-web-03'/);

  assert.deepEqual(session.userAssignedNames('vm-web-03'), ['id-storage']);
  assert.equal(session.vm('vm-web-03').identity.type, 'UserAssigned');
  assert.ok(session.state().userAssignedIdentities.some((identity) => identity.name === 'id-backend'), 'the identity itself is not deleted');
}));

test('remove all from the context menu on a VM with the system identity on: the type becomes SystemAssigned', { timeout }, scenario('user-remove-all-tree-vm-data-01', async (session) => {
  const wb = session.workbench;
  const principalBefore = session.vm('vm-data-01').identity.principalId;
  await wb.contextMenu(await wb.reveal(production, 'vm-data-01'), 'Remove User-Assigned Identities...');
  await wb.waitForQuickInput(/remove/i);
  await wb.pickMany(['Remove all user-assigned identities']);
  const question = await wb.dialogText();
  assert.match(question, /id-backend/);
  assert.match(question, /id-storage/);
  await wb.answerDialog('Remove');
  await wb.waitForNotification(/Removed .*'vm-data-01'/);

  const vm = session.vm('vm-data-01');
  assert.equal(vm.identity.type, 'SystemAssigned');
  assert.deepEqual(vm.identity.userAssignedIdentities, {});
  assert.equal(vm.identity.principalId, principalBefore, 'the system-assigned identity keeps its principal');
  await wb.waitForRowDescription('vm-data-01', /^system only · rg-data · westeurope$/);
}));

test('remove one from its own tree item: only that one goes', { timeout }, scenario('user-remove-item-tree-vm-data-01', async (session) => {
  const wb = session.workbench;
  await wb.expandPath(production, 'vm-data-01', 'User-assigned identities');
  await wb.contextMenu(wb.treeRow('id-storage'), 'Remove User-Assigned Identities...');
  assert.match(await wb.dialogText(), /id-storage/);
  await wb.answerDialog('Remove');
  await wb.waitForNotification(/Removed 'id-storage' from 'vm-data-01'/);
  assert.deepEqual(session.userAssignedNames('vm-data-01'), ['id-backend']);
  assert.equal(session.vm('vm-data-01').identity.type, 'SystemAssigned, UserAssigned');
}));

test('create from the context menu: an invalid name is refused inline, a valid one is created and then assigned', { timeout }, scenario('user-create-tree-vm-dev-03', async (session) => {
  const wb = session.workbench;
  const identitiesBefore = session.state().userAssignedIdentities.length;
  await wb.contextMenu(await wb.reveal(development, 'vm-dev-03'), 'Create User-Assigned Identity...');
  await wb.waitForQuickInput(/name/i);

  await wb.typeInQuickInput('bad name!');
  await wb.page.waitForTimeout(500);
  const message = await wb.quickInputMessage();
  assert.match(message, /\S/, 'an inline message explains the problem');
  assert.match(message, /character|letter|name/i, `message: ${message}`);
  await session.screenshot('user-create-invalid-name-vm-dev-03');
  await wb.pressEnter();
  await wb.page.waitForTimeout(500);
  assert.equal(session.state().userAssignedIdentities.length, identitiesBefore, 'Enter on an invalid name creates nothing');
  assert.equal(await wb.quickInputValue(), 'bad name!', 'the prompt stays open with the text');

  await wb.typeInQuickInput('id-e2e-worker');
  await wb.page.waitForTimeout(300);
  assert.equal(await wb.quickInputMessage(), '', 'no message for a valid name');
  await wb.pressEnter();
  await wb.waitForQuickInput(/resource group/i);
  await wb.pick('rg-identities');
  // The location defaults to the VM's.
  await wb.waitForQuickInput(/location|region/i);
  assert.equal(await wb.quickInputValue(), 'eastus');
  await wb.pressEnter();
  await wb.waitForQuickInput(/Create the user-assigned identity 'id-e2e-worker' in resource group 'rg-identities' \(eastus\)\?/);
  assert.deepEqual(await wb.quickPickLabels(), ['Create', 'Copy as Script...']);
  await wb.pick('Create');
  const created = await wb.waitForNotification(/Created user-assigned identity 'id-e2e-worker' in resource group 'rg-identities'/);
  const identity = session.state().userAssignedIdentities.find((candidate) => candidate.name === 'id-e2e-worker');
  assert.ok(identity, 'the identity exists in Azure');
  assert.equal(identity.resourceGroup, 'rg-identities');
  assert.equal(identity.location, 'eastus');
  assert.deepEqual(session.userAssignedNames('vm-dev-03'), ['id-deploy'], 'creating does not assign by itself');

  await wb.clickNotificationButton(created, "Assign to 'vm-dev-03'");
  await wb.waitForNotification(/Assigned 'id-e2e-worker' to 'vm-dev-03'/);
  assert.deepEqual(session.userAssignedNames('vm-dev-03'), ['id-deploy', 'id-e2e-worker']);
  await wb.waitForRowDescription('vm-dev-03', /2 user-assigned/);
}));

test('create from the palette: a resource group where the name is taken is refused, another is fine', { timeout }, scenario('user-create-palette', async (session) => {
  const wb = session.workbench;
  await wb.runCommand('Managed Identities: Create User-Assigned Identity...');
  await wb.pick(production);
  await wb.waitForQuickInput(/name/i);
  await wb.typeInQuickInput('id-backend');
  await wb.pressEnter();
  // Names are unique per resource group: rg-web, which has an id-backend, is marked, and picking it is refused.
  await wb.waitForQuickInput(/resource group/i);
  const rows = await wb.quickPickRowsText();
  assert.ok(rows.some((row) => /^rg-web.*already exists/.test(row)), `rg-web is marked: ${JSON.stringify(rows)}`);
  assert.ok(rows.some((row) => /^rg-data/.test(row) && !/already exists/.test(row)), `rg-data is not: ${JSON.stringify(rows)}`);
  await wb.pick('rg-web');
  await wb.waitForQuickInput(/already exists/i);
  assert.equal(session.state().userAssignedIdentities.filter((identity) => identity.name === 'id-backend').length, 1, 'nothing created');

  await wb.pick('rg-data');
  await wb.waitForQuickInput(/location|region/i);
  assert.equal(await wb.quickInputValue(), 'westeurope', "the location defaults to the resource group's");
  await wb.pressEnter();
  await wb.waitForQuickInput(/Create the user-assigned identity 'id-backend'/);
  await wb.pick('Create');
  await wb.waitForNotification(/Created user-assigned identity 'id-backend' in resource group 'rg-data' \(westeurope\)/);
  const created = session.state().userAssignedIdentities.filter((identity) => identity.name === 'id-backend').map((identity) => `${identity.resourceGroup}/${identity.location}`);
  assert.deepEqual(created.sort(), ['rg-data/westeurope', 'rg-web/eastus']);
}));
