// Scale sets and bulk changes (issue 10) in the real workbench: three VMs selected with Ctrl+click get their
// system-assigned identity in one go, and a scale set picked from the palette gets a user-assigned identity. Each is
// checked in the fake Azure's state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
const timeout = 180_000;

useSession({ name: 'scale-sets-and-bulk' });

test('Ctrl+click three VMs, then Enable System-Assigned Identity: all three change', { timeout }, scenario('bulk-enable-three-vms', async (session) => {
  const wb = session.workbench;
  const names = ['vm-web-01', 'vm-web-03', 'vm-data-03'];
  for (const name of names) assert.ok(!/SystemAssigned/.test(session.vm(name).identity.type), `${name} starts without a system identity`);

  const first = await wb.reveal(production, names[0]);
  await first.click();
  for (const name of names.slice(1)) {
    await wb.treeRow(name).click({ modifiers: ['Control'] });
  }
  await wb.screenshot('bulk-three-selected');
  await wb.contextMenu(wb.treeRow(names[2]), 'Enable System-Assigned Identity');
  await wb.waitForNotification(/3 changed/);
  await wb.screenshot('bulk-three-summary');

  for (const name of names) {
    const vm = session.vm(name);
    assert.match(vm.identity.type, /^SystemAssigned/, name);
    assert.ok(session.state().servicePrincipals.some((principal) => principal.id === vm.identity.principalId), `${name} has its service principal`);
  }
  // vm-web-03 kept its user-assigned identities.
  assert.deepEqual(session.userAssignedNames('vm-web-03'), ['id-backend', 'id-storage']);
  await wb.waitForRowDescription('vm-web-01', /^system only · /);
}));

test('from the palette, assign a user-assigned identity to a scale set', { timeout }, scenario('palette-assign-scale-set', async (session) => {
  const wb = session.workbench;
  const scaleSet = () => session.state().virtualMachineScaleSets!.find((candidate) => candidate.name === 'vmss-api')!;
  assert.equal(scaleSet().identity.type, 'None');

  await wb.runOnVm('Managed Identities: Assign User-Assigned Identities...', production, 'vmss-api');
  await wb.waitForQuickInput(/assign/i);
  await wb.pickMany(['id-backend']);
  await wb.waitForNotification(/Assigned 'id-backend' to 'vmss-api'\. Its instances use the change without an upgrade/);

  assert.equal(scaleSet().identity.type, 'UserAssigned');
  assert.deepEqual(Object.keys(scaleSet().identity.userAssignedIdentities).map((id) => id.split('/').pop()), ['id-backend']);
  await wb.reveal(production, 'vmss-api');
  await wb.waitForRowDescription('vmss-api', /^1 user-assigned · .* · Uniform scale set$/);
  await wb.screenshot('scale-set-assigned');
}));
