// Microsoft Entra groups (add by typing part of a name, add again -> already a member, remove from the tree and the
// palette) and the identity JSON tab (matches the fake's state, updates after a change; tree, inline and palette).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FakeState } from '../fake-azure/types';
import { scenario, useSession, type E2ESession } from './harness';

const production = 'Contoso Production';
const timeout = 180_000;

useSession({ name: 'groups-json' });

function groupsOf(state: FakeState, principalId: string): string[] {
  return state.groups.filter((group) => group.members.includes(principalId)).map((group) => group.displayName).sort();
}

/** What the JSON tab must show for a VM, built from the fake's state (not from the extension's code). */
function expectedIdentityJson(session: E2ESession, vmName: string): unknown {
  const vm = session.vm(vmName);
  const system = vm.identity.type.includes('SystemAssigned');
  return {
    vm: vm.name,
    resourceGroup: vm.resourceGroup,
    subscriptionId: vm.subscriptionId,
    type: vm.identity.type,
    systemAssigned: system ? { principalId: vm.identity.principalId, tenantId: vm.identity.tenantId } : null,
    userAssigned: Object.entries(vm.identity.userAssignedIdentities).map(([id, value]) => ({
      id,
      name: id.split('/').pop(),
      clientId: value.clientId,
      principalId: value.principalId,
    })),
  };
}

function normalise(json: unknown): unknown {
  const value = json as { userAssigned?: { id: string }[] };
  if (value && Array.isArray(value.userAssigned)) {
    value.userAssigned = [...value.userAssigned].sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
  }
  return value;
}

async function waitForJsonTab(session: E2ESession, vmName: string, timeoutMs = 20_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = await session.workbench.activeEditorText();
    try {
      const parsed = JSON.parse(last) as unknown;
      assert.deepEqual(normalise(parsed), normalise(expectedIdentityJson(session, vmName)));
      return parsed;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`identity JSON tab of ${vmName} never matched the fake's state:\n${last}\n${String(error)}`);
      await session.workbench.page.waitForTimeout(500);
    }
  }
}

test('add to a group found by typing part of its name (tree), then again: already a member', { timeout }, scenario('groups-add-tree-vm-web-02', async (session) => {
  const wb = session.workbench;
  const principalId = session.vm('vm-web-02').identity.principalId!;
  assert.deepEqual(groupsOf(session.state(), principalId), ['sg-keyvault-readers']);

  await wb.contextMenu(await wb.reveal(production, 'vm-web-02'), 'Add to Group...');
  await wb.waitForQuickInput(/group/i);
  await wb.typeInQuickInput('storage');
  // Graph answers the search (debounced): the list narrows to the matching group.
  await wb.quickPickRow('sg-app-readers').waitFor({ state: 'detached', timeout: 15_000 });
  assert.deepEqual(await wb.quickPickLabels(), ['sg-storage-contributors']);
  await wb.pick('sg-storage-contributors');
  await wb.waitForNotification(/Added the system-assigned identity of 'vm-web-02' to the group 'sg-storage-contributors'/);
  assert.deepEqual(groupsOf(session.state(), principalId), ['sg-keyvault-readers', 'sg-storage-contributors']);

  // The tree lists the new membership under the system-assigned identity.
  await wb.expandPath('vm-web-02', 'System-assigned identity');
  await wb.treeRow('sg-storage-contributors').waitFor({ state: 'visible' });
  await wb.clearNotifications();

  // Again: the group is shown as one it is already in, and picking it says so and changes nothing.
  const writesBefore = session.writeRequests().length;
  await wb.contextMenu(wb.treeRow('vm-web-02'), 'Add to Group...');
  await wb.waitForQuickInput(/group/i);
  await wb.typeInQuickInput('sg-stor');
  await wb.quickPickRow('sg-app-readers').waitFor({ state: 'detached', timeout: 15_000 });
  const rows = await wb.quickPickRowsText();
  assert.ok(rows.some((row) => /sg-storage-contributors.*already a member/.test(row)), `shown as already a member: ${JSON.stringify(rows)}`);
  await wb.pick('sg-storage-contributors');
  await wb.waitForNotification(/already a member of the group 'sg-storage-contributors'/);
  assert.equal(session.writeRequests().length, writesBefore, 'nothing was sent');
  assert.deepEqual(groupsOf(session.state(), principalId), ['sg-keyvault-readers', 'sg-storage-contributors']);
}));

test('add to a group from the palette, matching a name with an apostrophe', { timeout }, scenario('groups-add-palette-vm-data-01', async (session) => {
  const wb = session.workbench;
  const principalId = session.vm('vm-data-01').identity.principalId!;
  await wb.runOnVm('Managed Identities: Add to Group...', production, 'vm-data-01');
  await wb.waitForQuickInput(/group/i);
  await wb.typeInQuickInput("O'Bri");
  await wb.quickPickRow("O'Brien Ops").waitFor({ state: 'visible' });
  await wb.pick("O'Brien Ops");
  await wb.waitForNotification(/Added the system-assigned identity of 'vm-data-01' to the group 'O'Brien Ops'/);
  assert.deepEqual(groupsOf(session.state(), principalId), ["O'Brien Ops", 'sg-sql-admins']);
  await wb.expandPath(production, 'vm-data-01', 'System-assigned identity');
  await wb.treeRow("O'Brien Ops").waitFor({ state: 'visible' });
  await wb.treeRow('sg-sql-admins').waitFor({ state: 'visible' });
}));

test('a group search with no match says so', { timeout }, scenario('groups-search-no-match', async (session) => {
  const wb = session.workbench;
  await wb.contextMenu(await wb.reveal(production, 'vm-web-02'), 'Add to Group...');
  await wb.waitForQuickInput(/group/i);
  await wb.typeInQuickInput('zzz-no-such-group');
  await wb.quickPickRow('sg-app-readers').waitFor({ state: 'detached', timeout: 15_000 });
  const deadline = Date.now() + 15_000;
  let rows = await wb.quickPickRowsText();
  while (!rows.some((row) => row.includes("No groups match 'zzz-no-such-group'")) && Date.now() < deadline) {
    await wb.page.waitForTimeout(250);
    rows = await wb.quickPickRowsText();
  }
  assert.ok(rows.some((row) => row.includes("No groups match 'zzz-no-such-group'")), `the list says no group matches: ${JSON.stringify(rows)}`);
  await wb.pressEnter(); // the message is no choice: nothing happens
  assert.deepEqual(session.writeRequests(), []);
  await wb.page.keyboard.press('Escape');
}));

test('remove from a group from its tree item, confirmed', { timeout }, scenario('groups-remove-tree-vm-web-02', async (session) => {
  const wb = session.workbench;
  const principalId = session.vm('vm-web-02').identity.principalId!;
  await wb.expandPath(production, 'vm-web-02', 'System-assigned identity');
  await wb.contextMenu(wb.treeRow('sg-keyvault-readers'), 'Remove from Group');
  assert.match(await wb.dialogText(), /sg-keyvault-readers/);
  await wb.answerDialog('Remove');
  await wb.waitForNotification(/Removed the system-assigned identity of 'vm-web-02' from the group 'sg-keyvault-readers'/);
  assert.deepEqual(groupsOf(session.state(), principalId), []);
  await wb.treeRow('Not a member of any group').waitFor({ state: 'visible' });
}));

test('remove from a group from the palette', { timeout }, scenario('groups-remove-palette-vm-data-01', async (session) => {
  const wb = session.workbench;
  const principalId = session.vm('vm-data-01').identity.principalId!;
  await wb.runOnVm('Managed Identities: Remove from Group', production, 'vm-data-01');
  await wb.pick('sg-sql-admins');
  await wb.answerDialog('Remove');
  await wb.waitForNotification(/Removed the system-assigned identity of 'vm-data-01' from the group 'sg-sql-admins'/);
  assert.deepEqual(groupsOf(session.state(), principalId), []);
  const appReaders = session.state().groups.find((group) => group.displayName === 'sg-app-readers')!;
  assert.ok(appReaders.members.includes(session.state().groups.find((group) => group.displayName === 'sg-sql-admins')!.id), 'group nesting untouched');
}));

test('Show Identity JSON from the context menu matches the fake and updates after a change', { timeout }, scenario('json-tree-vm-web-04', async (session) => {
  const wb = session.workbench;
  await wb.contextMenu(await wb.reveal(production, 'vm-web-04'), 'Show Identity JSON');
  const shown = (await waitForJsonTab(session, 'vm-web-04')) as { type: string };
  assert.equal(shown.type, 'SystemAssigned, UserAssigned');
  assert.match(await wb.activeTabTitle(), /vm-web-04/);

  // A change from the tree: the open tab follows.
  await wb.contextMenu(wb.treeRow('vm-web-04'), 'Assign User-Assigned Identities...');
  await wb.waitForQuickInput(/assign/i);
  await wb.pickMany(['id-storage']);
  await wb.waitForNotification(/Assigned 'id-storage' to 'vm-web-04'/);
  const updated = (await waitForJsonTab(session, 'vm-web-04')) as { userAssigned: { name: string }[] };
  assert.deepEqual(updated.userAssigned.map((identity) => identity.name).sort(), ['id-backend', 'id-storage']);
}));

test('Show Identity JSON from the palette and from the inline action', { timeout }, scenario('json-palette-vm-web-01', async (session) => {
  const wb = session.workbench;
  await wb.runOnVm('Managed Identities: Show Identity JSON', production, 'vm-web-01');
  const shown = (await waitForJsonTab(session, 'vm-web-01')) as { type: string; systemAssigned: unknown };
  assert.equal(shown.type, 'None');
  assert.equal(shown.systemAssigned, null);

  await wb.inlineAction(await wb.reveal(production, 'vm-data-02'), 'Show Identity JSON');
  await waitForJsonTab(session, 'vm-data-02');
  assert.match(await wb.activeTabTitle(), /vm-data-02/);
}));
