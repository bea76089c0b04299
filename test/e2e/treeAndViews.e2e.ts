// The tree itself and the commands that read rather than write: state visible without expanding, menus that offer
// only what makes sense, Copy Principal/Client/Resource ID, Refresh, Select Subscriptions, Sign In and Show Log,
// each from the tree (context menu or view title) and from the palette.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession, type E2ESession } from './harness';
import { demoSeedPath, seedPrincipal } from './vscodeHost';

const production = 'Contoso Production';
const development = 'Contoso Development';
const timeout = 180_000;

useSession({ name: 'tree-views' });

async function clipboard(session: E2ESession): Promise<string> {
  return session.workbench.page.evaluate(async () => navigator.clipboard.readText());
}

/** A PATCH of a VM's identity straight to the fake's ARM face, waited for as a client would (polling the operation). */
async function changeBehindTheExtensionsBack(session: E2ESession, vmName: string, identity: unknown): Promise<void> {
  const admin = session.state().principals.find((principal) => principal.displayName === 'sp-identity-admin')!;
  const headers = { Authorization: `Bearer ${session.fake.mintToken(admin.id, session.fake.info.resourceManagerEndpoint)}`, 'Content-Type': 'application/json' };
  const response = await fetch(`${session.fake.info.url}${session.vm(vmName).id}?api-version=2024-07-01`, { method: 'PATCH', headers, body: JSON.stringify({ identity }) });
  assert.ok(response.status < 300, `PATCH ${vmName}: ${response.status} ${await response.text()}`);
  const operation = response.headers.get('azure-asyncoperation');
  assert.ok(operation, 'a long-running operation to follow');
  for (let poll = 0; poll < 20; poll++) {
    const answer = (await (await fetch(operation, { headers })).json()) as { status: string };
    const status = answer.status;
    if (status === 'Succeeded') return;
    assert.equal(status, 'InProgress');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the operation on ${vmName} did not finish`);
}

test('each VM shows its identity state without expanding, and menus offer only what makes sense', { timeout }, scenario('tree-state-and-menus', async (session) => {
  const wb = session.workbench;
  await wb.expandPath(production);
  await wb.expandPath(development);
  await wb.treeRow('vm-dev-01').waitFor({ state: 'visible' });
  await wb.treeRow('vm-web-01').waitFor({ state: 'visible' });
  const rows = await wb.visibleTreeRows();
  const expected: Record<string, RegExp> = {
    'vm-web-01': / — no identity · rg-web · eastus$/,
    'vm-web-02': / — system only · rg-web · eastus$/,
    'vm-web-03': / — 2 user-assigned · rg-web · eastus$/,
    'vm-web-04': / — system \+ 1 user · rg-web · eastus$/,
    'vm-data-01': / — system \+ 2 user · rg-data · westeurope$/,
    'vm-data-02': / — 1 user-assigned · rg-data · westeurope$/,
    'vm-data-03': / — no identity · rg-data · westeurope$/,
    'vm-dev-01': / — no identity · rg-dev · eastus$/,
    'vm-dev-02': / — system only · rg-dev · eastus$/,
    'vm-dev-03': / — 1 user-assigned · rg-dev · eastus$/,
  };
  for (const [vm, description] of Object.entries(expected)) {
    const row = rows.find((text) => text.startsWith(`${vm} — `));
    assert.ok(row, `${vm} is listed: ${JSON.stringify(rows)}`);
    assert.match(row, description);
  }
  // Every VM of the signed-in principal's tenant (the seed's other tenant, Fabrikam, needs its own sign-in).
  const state = session.state();
  const admin = state.principals.find((principal) => principal.displayName === 'sp-identity-admin')!;
  const ownTenant = new Set(state.subscriptions.filter((s) => s.tenantId === admin.tenantId).map((s) => s.subscriptionId));
  assert.equal(rows.filter((text) => text.startsWith('vm-')).length, state.virtualMachines.filter((vm) => ownTenant.has(vm.subscriptionId)).length);

  const noIdentity = await wb.contextMenuItems(wb.treeRow('vm-web-01'));
  assert.ok(noIdentity.includes('Enable System-Assigned Identity'));
  assert.ok(!noIdentity.includes('Disable System-Assigned Identity'));
  assert.ok(!noIdentity.includes('Remove User-Assigned Identities...'), 'nothing to remove on vm-web-01');
  assert.ok(!noIdentity.includes('Add to Group...'), 'no system identity to add to a group');

  const both = await wb.contextMenuItems(wb.treeRow('vm-web-04'));
  assert.ok(!both.includes('Enable System-Assigned Identity'), 'no Enable when already enabled');
  for (const item of ['Disable System-Assigned Identity', 'Assign User-Assigned Identities...', 'Remove User-Assigned Identities...', 'Add to Group...', 'Show Identity JSON', 'Copy Principal ID']) {
    assert.ok(both.includes(item), `vm-web-04 offers ${item}: ${JSON.stringify(both)}`);
  }
}));

test('Copy Principal ID, Client ID and Resource ID from the context menu copy the fake\'s values', { timeout }, scenario('tree-copy-ids', async (session) => {
  const wb = session.workbench;
  const vm = session.vm('vm-web-04');
  await wb.contextMenu(await wb.reveal(production, 'vm-web-04'), 'Copy Principal ID');
  await wb.waitForNotification(/Copied principal ID/);
  assert.equal(await clipboard(session), vm.identity.principalId);

  await wb.contextMenu(wb.treeRow('vm-web-04'), 'Copy Resource ID');
  await wb.waitForNotification(/Copied resource ID/i);
  assert.equal((await clipboard(session)).toLowerCase(), vm.id.toLowerCase());

  await wb.expandPath('vm-web-04', 'User-assigned identities');
  await wb.contextMenu(wb.treeRow('id-backend'), 'Copy Client ID');
  await wb.waitForNotification(/Copied client ID/);
  const backend = session.state().userAssignedIdentities.find((identity) => identity.name === 'id-backend')!;
  assert.equal(await clipboard(session), backend.clientId);
}));

test('Copy Principal ID, Client ID and Resource ID from the palette', { timeout }, scenario('palette-copy-ids', async (session) => {
  const wb = session.workbench;
  const vm = session.vm('vm-dev-02');
  await wb.runOnVm('Managed Identities: Copy Principal ID', development, 'vm-dev-02');
  await wb.waitForQuickInput(/principal ID/i);
  await wb.pick('System-assigned identity');
  await wb.waitForNotification(/Copied principal ID/);
  assert.equal(await clipboard(session), vm.identity.principalId);

  await wb.runCommand('Managed Identities: Copy Client ID');
  await wb.pick(development);
  await wb.waitForQuickInput(/virtual machine/i);
  assert.deepEqual(await wb.quickPickLabels(), ['vm-dev-03', 'vmss-dev-flex'], 'only VMs and scale sets with a user-assigned identity');
  await wb.pick('vm-dev-03');
  await wb.waitForQuickInput(/client ID/i);
  await wb.pick('id-deploy');
  await wb.waitForNotification(/Copied client ID/);
  assert.equal(await clipboard(session), session.state().userAssignedIdentities.find((identity) => identity.name === 'id-deploy')!.clientId);

  await wb.runOnVm('Managed Identities: Copy Resource ID', development, 'vm-dev-01');
  await wb.waitForNotification(/Copied resource ID/i);
  assert.equal((await clipboard(session)).toLowerCase(), session.vm('vm-dev-01').id.toLowerCase());
}));

test('Refresh (context menu and palette) shows changes made outside VS Code', { timeout }, scenario('tree-refresh', async (session) => {
  const wb = session.workbench;
  await wb.reveal(production, 'vm-web-01');
  await wb.waitForRowDescription('vm-web-01', /^no identity · /);
  // Someone else enables the identity (through the fake's own ARM face, as the portal would).
  await changeBehindTheExtensionsBack(session, 'vm-web-01', { type: 'SystemAssigned' });
  assert.equal(session.vm('vm-web-01').identity.type, 'SystemAssigned');
  assert.match(await wb.rowDescription(wb.treeRow('vm-web-01')), /^no identity · /, 'the tree does not know yet');

  await wb.contextMenu(wb.treeRow(production), 'Refresh');
  await wb.waitForRowDescription('vm-web-01', /^system only · /);

  session.fake.reset();
  await wb.runCommand('Managed Identities: Refresh');
  await wb.reveal(production, 'vm-web-01');
  await wb.waitForRowDescription('vm-web-01', /^no identity · /);
}));

test("the view title's Refresh reloads everything, even with a VM selected", { timeout }, scenario('tree-refresh-title-bar', async (session) => {
  const wb = session.workbench;
  await wb.expandPath(production);
  await wb.expandPath(development);
  await wb.waitForRowDescription('vm-dev-01', /^no identity · /);
  // vm-web-04 is selected (VS Code hands a view/title command the selected item).
  await wb.treeRow('vm-web-04').click();
  await changeBehindTheExtensionsBack(session, 'vm-dev-01', { type: 'SystemAssigned' });
  assert.match(await wb.rowDescription(wb.treeRow('vm-dev-01')), /^no identity · /, 'the tree does not know yet');
  const before = session.fake.requests().length;

  await wb.refreshTreeFromTitleBar();
  await wb.waitForRowDescription('vm-dev-01', /^system only · /);
  const reads = session.fake.requests().slice(before).filter((request) => request.method === 'GET').map((request) => request.path);
  for (const subscription of session.state().subscriptions.filter((s) => [production, development].includes(s.displayName))) {
    assert.ok(
      reads.some((path) => path.toLowerCase() === `/subscriptions/${subscription.subscriptionId}/providers/microsoft.compute/virtualmachines`),
      `the VMs of ${subscription.displayName} were listed again: ${JSON.stringify(reads)}`,
    );
  }
}));

test('at the default side bar width each VM shows its identity state, and the view title fits', { timeout }, scenario('tree-default-width', async (session) => {
  const wb = session.workbench;
  await wb.resizeSidebar(300); // VS Code's default (min(300, a quarter of the window))
  await wb.expandPath(production);
  await wb.treeRow('vm-web-04').waitFor({ state: 'visible' });
  // Every host of the subscription, each identity state the view has (the longest: system + user on a long name,
  // system only after the longest name, a scale set's).
  const states: Array<[string, string]> = [
    ['vm-web-01', 'no identity'], ['vm-web-02', 'system only'], ['vm-web-03', '2 user-assigned'], ['vm-web-04', 'system + 1 user'],
    ['vm-data-01', 'system + 2 user'], ['vm-data-02', '1 user-assigned'], ['vm-flex-data-02', 'system only'],
    ['vmss-data-flex', '1 user-assigned'],
  ];
  const cut: string[] = [];
  for (const [vm, state] of states) {
    const row = wb.treeRow(vm);
    const description = await wb.rowDescription(row);
    if (description.split(' · ')[0] !== state || !(await wb.descriptionStartVisible(row, state.length))) cut.push(`${vm}: '${description}'`);
  }
  assert.deepEqual(cut, [], 'each identity state comes first and shows whole at 300 px');
  const title = await wb.viewTitle();
  assert.match(title.text, /Managed Identities/i);
  assert.ok(title.fits, `the view title '${title.text}' fits at 300 px`);
}));

test('Select Subscriptions (view title and palette) filters the tree and is remembered', { timeout }, scenario('tree-select-subscriptions', async (session) => {
  const wb = session.workbench;
  await wb.treeRow(production).waitFor({ state: 'visible' });
  await wb.sidebar().hover();
  await wb.sidebar().locator('.action-label[aria-label^="Select Subscriptions"]:visible').first().click();
  await wb.waitForQuickInput(/subscriptions/i);
  await wb.pickMany([development]); // unticks Development: only Production stays
  await wb.treeRow(development).waitFor({ state: 'detached' });
  assert.ok(await wb.treeRow(production).isVisible());

  // Remembered across a reload.
  await session.reloadWindow();
  await wb.treeRow(production).waitFor({ state: 'visible' });
  assert.equal(await wb.treeRow(development).count(), 0);

  await wb.runCommand('Managed Identities: Select Subscriptions');
  await wb.waitForQuickInput(/subscriptions/i);
  await wb.pickMany([development]);
  await wb.treeRow(development).waitFor({ state: 'visible' });
}));

test('Sign In and Show Log from the palette', { timeout }, scenario('palette-sign-in-show-log', async (session) => {
  const wb = session.workbench;
  await wb.runCommand('Managed Identities: Sign In');
  await wb.treeRow(production).waitFor({ state: 'visible' });
  await wb.runCommand('Managed Identities: Show Log');
  await wb.page.locator('.part.panel').waitFor({ state: 'visible' });
  // Monaco renders spaces as no-break spaces.
  await wb.page.waitForFunction(() => /Signing in with service principal/.test((document.querySelector('.part.panel')?.textContent ?? '').replace(/\u00a0/g, ' ')), undefined, { timeout: 15_000 });
  const panelText = ((await wb.page.locator('.part.panel').textContent()) ?? '').replace(/\u00a0/g, ' ');
  assert.doesNotMatch(panelText, /Bearer |eyJ[A-Za-z0-9_-]{10,}\./, 'no token in the log');
  assert.ok(!panelText.includes(seedPrincipal(demoSeedPath, 'sp-identity-admin').clientSecret), 'no secret in the log');
}));
