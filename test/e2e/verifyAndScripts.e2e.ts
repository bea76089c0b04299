// Issue 11 in the workbench: Verify Identity from Inside the VM from a VM's context menu (the claims document),
// "Show Script" after a write (a PowerShell document naming the VM's id, the role assignment's scope), and "Copy as
// Script..." on Assign's identity pick (the Azure CLI on the clipboard, nothing sent to Azure).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
useSession({ name: 'verify-and-scripts' });

test('verify from the context menu of a VM: the claims document shows its system identity', { timeout: 240_000 }, scenario('verify-tree-vm-web-02', async (session) => {
  const wb = session.workbench;
  const principalId = session.vm('vm-web-02').identity.principalId!;
  const row = await wb.reveal(production, 'vm-web-02');
  await wb.contextMenu(row, 'Verify Identity from Inside the VM...');
  await wb.waitForQuickInput(/audience/i);
  const audiences = await wb.quickPickLabels();
  assert.deepEqual(audiences.slice(0, 1), ['Azure Resource Manager'], `offered: ${audiences.join(', ')}`);
  assert.ok(audiences.includes('Microsoft Graph') && audiences.includes('Azure Storage') && audiences.includes('Azure Key Vault'));
  await wb.pick('Azure Resource Manager');
  await wb.waitForNotification(/The identity works: oid matches the identity's principal id/, 120_000);
  assert.match(await wb.activeTabTitle(), /Identity check of vm-web-02/);
  const text = await wb.activeEditorText();
  assert.match(text, /^# Identity check of vm-web-02/m);
  assert.match(text, new RegExp(`\\| oid \\| \`${principalId}\` \\|`));
  assert.match(text, /\| aud \| `https:\/\/management\.azure\.com\/` \|/);
  assert.match(text, /\| xms_mirid \| `\/subscriptions\/[^`]+\/virtualMachines\/vm-web-02` \|/);
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{5,}\./, 'no token in the document');
  await session.screenshot('verify-claims-vm-web-02');
}));

test('Show Script after enabling a system identity opens a PowerShell document naming the VM', { timeout: 240_000 }, scenario('show-script-enable-vm-web-01', async (session) => {
  const wb = session.workbench;
  const row = await wb.reveal(production, 'vm-web-01');
  await wb.contextMenu(row, 'Enable System-Assigned Identity');
  const toast = await wb.waitForNotification(/Enabled the system-assigned identity of 'vm-web-01'/);
  await wb.clickNotificationButton(toast, 'Show Script');
  await wb.waitForQuickInput(/script language/i);
  await wb.pick('Azure PowerShell');
  const vmId = session.vm('vm-web-01').id;
  const text = await wb.activeEditorText(new RegExp(vmId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.ok(text.includes(vmId), `the script names ${vmId}:\n${text}`);
  assert.match(text, /Set-AzContext -Subscription '/);
  assert.match(text, /Update-AzVM/);
  await session.screenshot('show-script-powershell-vm-web-01');
}));

test('Copy as Script... on the identity pick of Assign copies the Azure CLI and sends nothing', { timeout: 240_000 }, scenario('copy-script-assign-vm-web-04', async (session) => {
  const wb = session.workbench;
  const before = session.vm('vm-web-04').identity;
  await wb.runOnVm('Managed Identities: Assign User-Assigned Identities...', production, 'vm-web-04');
  await wb.waitForQuickInput(/assign/i);
  await wb.checkQuickPickItems(['id-storage', 'id-monitor']);
  await session.screenshot('copy-script-assign-pick-vm-web-04');
  await wb.clickQuickInputButton('Copy as Script...');
  await wb.waitForQuickInput(/script language/i);
  await wb.pick('Azure CLI');
  await wb.waitForQuickInput(/copy the script/i);
  await wb.pick('Copy to Clipboard');
  await wb.waitForNotification(/Copied the script to the clipboard\. Nothing was changed in Azure\./);

  const script = await wb.clipboardMatching(/az vm identity assign/);
  const vmId = session.vm('vm-web-04').id;
  const identityId = (name: string) => session.state().userAssignedIdentities.find((identity) => identity.name === name)!.id;
  assert.match(script, /^az vm identity assign \\$/m, script);
  for (const id of [vmId, identityId('id-storage'), identityId('id-monitor')]) {
    assert.ok(script.toLowerCase().includes(`'${id.toLowerCase()}'`), `the script names ${id} in full:\n${script}`);
  }
  assert.match(script, /^az account set --subscription '[0-9a-f-]{36}'$/m);
  assert.deepEqual(session.writeRequests().filter((request) => request.method !== 'POST'), [], 'no PUT, PATCH or DELETE reached the fake');
  assert.deepEqual(session.vm('vm-web-04').identity, before, "the VM's identity is as it was");
}));

test('Show Script after Grant Access opens the role assignment as Azure CLI', { timeout: 240_000 }, scenario('show-script-grant-vm-web-02', async (session) => {
  const wb = session.workbench;
  await wb.contextMenu(await wb.reveal(production, 'vm-web-02'), 'Grant Access...');
  await wb.waitForQuickInput(/have access/i);
  await wb.pick('A resource group');
  await wb.waitForQuickInput(/resource group/i);
  await wb.pick('rg-data');
  await wb.waitForQuickInput(/role/i);
  await wb.typeInQuickInput('Reader');
  await wb.pick('Reader');
  const toast = await wb.waitForNotification(/Granted 'Reader' on .*'rg-data'.* to 'vm-web-02'/);
  await wb.clickNotificationButton(toast, 'Show Script');
  await wb.waitForQuickInput(/script language/i);
  await wb.pick('Azure CLI');
  const text = await wb.activeEditorText(/^az role assignment create \\$/m);
  const principalId = session.vm('vm-web-02').identity.principalId!;
  const granted = session.state().roleAssignments.find((ra) => ra.principalId === principalId && ra.roleDefinitionName === 'Reader' && /\/resourceGroups\/rg-data$/i.test(ra.scope));
  assert.ok(granted, 'the assignment exists in the fake');
  assert.match(text, /^az role assignment create \\$/m, text);
  assert.ok(text.includes(`--assignee-object-id '${principalId}'`), text);
  assert.ok(text.toLowerCase().includes(`--scope '${granted.scope.toLowerCase()}'`), text);
  await session.screenshot('show-script-grant-vm-web-02');
}));

test('Enable from the palette: Copy as Script... on a VM of the VM pick opens the PowerShell and sends nothing', { timeout: 240_000 }, scenario('copy-script-enable-palette-vm-web-01', async (session) => {
  const wb = session.workbench;
  await wb.runCommand('Managed Identities: Enable System-Assigned Identity');
  await wb.pick(production);
  await wb.waitForQuickInput(/virtual machine/i);
  const offered = await wb.quickPickLabels();
  assert.ok(offered.includes('vm-web-01') && !offered.includes('vm-web-02'), `only VMs without a system identity: ${offered.join(', ')}`);
  await wb.clickQuickPickItemButton('vm-web-01', 'Copy as Script...');
  await wb.waitForQuickInput(/script language/i);
  await wb.pick('Azure PowerShell');
  await wb.waitForQuickInput(/copy the script/i);
  await wb.pick('Open in Editor');
  const enableHeader = /^# Enable the system-assigned identity of virtual machine 'vm-web-01'\.$/m;
  const text = await wb.activeEditorText(enableHeader);
  assert.match(text, enableHeader, text);
  assert.ok(text.includes(session.vm('vm-web-01').id), text);
  assert.match(text, /^\$systemAssigned = \$true$/m);
  assert.deepEqual(session.writeRequests().filter((request) => request.method !== 'POST'), [], 'no PUT, PATCH or DELETE reached the fake');
  assert.equal(session.vm('vm-web-01').identity.type, 'None', 'vm-web-01 still has no identity');
}));

test("Create User-Assigned Identity: the wizard's review offers Copy as Script..., which creates nothing", { timeout: 240_000 }, scenario('copy-script-create-identity', async (session) => {
  const wb = session.workbench;
  const identitiesBefore = session.state().userAssignedIdentities.length;
  await wb.runCommand('Managed Identities: Create User-Assigned Identity...');
  await wb.pick(production);
  await wb.waitForQuickInput(/name/i);
  await wb.typeInQuickInput('id-script-e2e');
  await wb.pressEnter();
  await wb.waitForQuickInput(/resource group/i);
  await wb.pick('rg-data');
  await wb.waitForQuickInput(/location|region/i);
  await wb.pressEnter();
  await wb.waitForQuickInput(/Create the user-assigned identity 'id-script-e2e' in resource group 'rg-data' \(westeurope\)\?/);
  await wb.pick('Copy as Script...');
  await wb.waitForQuickInput(/script language/i);
  await wb.pick('Azure CLI');
  await wb.waitForQuickInput(/copy the script/i);
  await wb.pick('Copy to Clipboard');
  await wb.waitForNotification(/Nothing was changed in Azure/);
  const script = await wb.clipboardMatching(/az identity create/);
  assert.match(script, /^az identity create --resource-group 'rg-data' --name 'id-script-e2e' --location 'westeurope'$/m, script);
  assert.equal(session.state().userAssignedIdentities.length, identitiesBefore, 'nothing was created');
  assert.deepEqual(session.writeRequests().filter((request) => request.method !== 'POST'), [], 'no PUT reached the fake');
}));
