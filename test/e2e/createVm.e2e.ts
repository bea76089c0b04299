// Create Virtual Machine with Managed Identity... from the palette: every wizard step as a person answers it (an
// invalid name first), then the fake Azure's state (identity, service principal, NIC on the subnet) and the tree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession } from './harness';
import type { Workbench } from './workbench';

const production = 'Contoso Production';
const timeout = 240_000;
const publicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2bW9ja2tleWZvcnRlc3RzMTIzNDU2Nzg5MA== e2e@test';

useSession({ name: 'create-vm' });

test('create a Linux VM with a system-assigned identity and id-backend from the palette', { timeout }, scenario('create-vm-palette-system-and-backend', async (session) => {
  const wb = session.workbench;
  await startWizard(wb, production, 'rg-web', 'Ubuntu Server 24.04 LTS');
  await wb.typeInQuickInput('vm_web');
  assert.match(await waitForMessage(wb), /underscore/);
  await wb.typeInQuickInput('vm-web-01');
  assert.match(await waitForMessage(wb), /'vm-web-01' already exists in resource group 'rg-web'/);
  await wb.typeInQuickInput('vm-e2e-01');
  assert.equal(await wb.quickInputMessage(), '');
  await wb.pressEnter();

  await wb.waitForQuickInput(/size/i);
  await wb.pick('Standard_B2s');
  await wb.waitForQuickInput(/administrator user name/i);
  assert.equal(await wb.quickInputValue(), 'azureuser');
  await wb.pressEnter();
  await wb.waitForQuickInput(/SSH public key/i);
  await wb.pick('Paste a public key...');
  await wb.waitForQuickInput(/OpenSSH public key/i);
  await wb.typeInQuickInput(publicKey);
  await wb.pressEnter();

  await wb.waitForQuickInput(/subnet/i);
  const subnets = await wb.quickPickLabels();
  assert.deepEqual(subnets, ['vnet-web/backend', 'vnet-web/default'], 'only subnets in eastus (vnet-data is in westeurope)');
  await wb.pick('vnet-web/default');
  await wb.waitForQuickInput(/system-assigned identity/i);
  await wb.pick('Enable the system-assigned identity');
  await wb.waitForQuickInput(/user-assigned identities/i);
  await wb.pickMany(['id-backend']);
  // The review, before anything is sent: what is created, and Copy as Script... instead.
  await wb.waitForQuickInput(/Create the virtual machine 'vm-e2e-01'/);
  const review = await wb.quickPickRowsText();
  assert.match(review[0], /^Create\s*Ubuntu Server 24\.04 LTS, Standard_.*subnet default of vnet-web, with a system-assigned identity and the user-assigned 'id-backend'/, JSON.stringify(review));
  assert.match(review[1], /^Copy as Script\.\.\./, JSON.stringify(review));
  assert.deepEqual(session.writeRequests(), [], 'nothing is sent before Create');
  await wb.pick('Create');

  await wb.waitForNotification(/Created virtual machine 'vm-e2e-01' with a system-assigned identity and the user-assigned 'id-backend'\./, 90_000);

  const vm = session.vm('vm-e2e-01');
  assert.equal(vm.location, 'eastus');
  assert.equal(vm.osType, 'Linux');
  assert.equal(vm.identity.type, 'SystemAssigned, UserAssigned');
  assert.deepEqual(session.userAssignedNames('vm-e2e-01'), ['id-backend']);
  const sp = session.state().servicePrincipals.find((s) => s.id === vm.identity.principalId);
  assert.equal(sp?.servicePrincipalType, 'ManagedIdentity', 'the system-assigned identity has its service principal');
  const nic = (vm.extraProperties?.['networkProfile'] as any)?.networkInterfaceConfigurations?.[0];
  assert.match(nic?.properties?.ipConfigurations?.[0]?.properties?.subnet?.id ?? '', /\/virtualNetworks\/vnet-web\/subnets\/default$/);
  const key = (vm.extraProperties?.['osProfile'] as any)?.linuxConfiguration?.ssh?.publicKeys?.[0];
  assert.equal(key?.keyData, publicKey);
  assert.deepEqual(session.writeRequests().map((r) => `${r.method} ${r.status}`), ['PUT 201'], 'one PUT, nothing else written');

  await wb.reveal(production, 'vm-e2e-01');
  await wb.waitForRowDescription('vm-e2e-01', /system \+ 1 user /);
}));

test('create a Windows VM with only id-deploy: computer-name and password rules inline, at least one identity, no password stored', { timeout }, scenario('create-vm-windows-user-assigned-only', async (session) => {
  const wb = session.workbench;
  const password = 'E2e-Passw0rd-Strong';
  await startWizard(wb, 'Contoso Development', 'rg-dev', 'Windows Server 2022 Datacenter');
  await wb.typeInQuickInput('vm-windows-e2e-01');
  assert.match(await waitForMessage(wb), /at most 15 characters/);
  await wb.typeInQuickInput('vm-win-e2e');
  assert.equal(await wb.quickInputMessage(), '');
  await wb.pressEnter();
  await wb.waitForQuickInput(/size/i);
  await wb.pick('Standard_B2s');
  await wb.waitForQuickInput(/administrator user name/i);
  assert.equal(await wb.quickInputValue(), 'azureadmin');
  await wb.pressEnter();
  await wb.waitForQuickInput(/Administrator password/i);
  await wb.typeInQuickInput('short1A!');
  const weak = await waitForMessage(wb);
  assert.match(weak, /12 to 123 characters/);
  assert.ok(!weak.includes('short1A!'), 'the message never repeats the password');
  await wb.typeInQuickInput(password);
  assert.equal(await wb.quickInputMessage(), '');
  await wb.pressEnter();
  await wb.waitForQuickInput(/password, again/i);
  await wb.typeInQuickInput('E2e-Passw0rd-Strong-typo');
  assert.match(await waitForMessage(wb), /do not match/);
  await wb.typeInQuickInput(password);
  await wb.pressEnter();
  await wb.waitForQuickInput(/subnet/i);
  assert.deepEqual(await wb.quickPickLabels(), ['vnet-dev/default']);
  await wb.pick('vnet-dev/default');
  await wb.waitForQuickInput(/system-assigned identity/i);
  await wb.pick('No system-assigned identity');
  await wb.waitForQuickInput(/user-assigned identities/i);
  await wb.pickMany([]);
  await wb.waitForQuickInput(/at least one user-assigned identity/i);
  assert.deepEqual(session.writeRequests(), [], 'nothing is sent without an identity');
  await wb.pickMany(['id-deploy']);
  await wb.waitForQuickInput(/Create the virtual machine 'vm-win-e2e'/);
  await wb.pick('Create');

  await wb.waitForNotification(/Created virtual machine 'vm-win-e2e' with the user-assigned 'id-deploy'\./, 90_000);
  const vm = session.vm('vm-win-e2e');
  assert.equal(vm.osType, 'Windows');
  assert.equal(vm.identity.type, 'UserAssigned');
  assert.equal(vm.identity.principalId, undefined);
  assert.deepEqual(session.userAssignedNames('vm-win-e2e'), ['id-deploy']);
  assert.equal((vm.extraProperties?.['osProfile'] as any)?.adminUsername, 'azureadmin');
  assert.ok(!JSON.stringify(session.state()).includes(password), 'the password is not in the fake\'s state');
  await wb.reveal('Contoso Development', 'vm-win-e2e');
  await wb.waitForRowDescription('vm-win-e2e', /^1 user-assigned · /);
}));

/** Runs the command from the palette and answers subscription, resource group and image, up to the name prompt. */
async function startWizard(wb: Workbench, subscription: string, resourceGroup: string, image: string): Promise<void> {
  await wb.runCommand('Managed Identities: Create Virtual Machine with Managed Identity...');
  await wb.pick(subscription);
  await wb.waitForQuickInput(/resource group/i);
  await wb.pick(resourceGroup);
  await wb.waitForQuickInput(/image/i);
  await wb.pick(image);
  await wb.waitForQuickInput(/name/i);
}

/** The inline validation message, once it shows (validation runs after the typing settles). */
async function waitForMessage(wb: Workbench): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const message = await wb.quickInputMessage();
    if (message) return message;
    await wb.page.waitForTimeout(100);
  }
  return '';
}
