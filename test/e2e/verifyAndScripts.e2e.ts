// Issue 11 in the workbench: Verify Identity from Inside the VM from a VM's context menu (the claims document), and
// "Show Script" after a write (a PowerShell document naming the VM's id).
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
  const text = await wb.activeEditorText();
  const vmId = session.vm('vm-web-01').id;
  assert.ok(text.includes(vmId), `the script names ${vmId}:\n${text}`);
  assert.match(text, /Set-AzContext -Subscription '/);
  assert.match(text, /Update-AzVM/);
  await session.screenshot('show-script-powershell-vm-web-01');
}));
