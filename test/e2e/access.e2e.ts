// What an identity can reach (issue 9), in the real workbench: from a VM's context menu, grant Storage Blob Data Reader
// on a storage account to its system-assigned identity, see it in the fake's state and under "Azure role assignments",
// then revoke it; and, signed in as the VM-contributor principal, Grant Access stops before any write naming the role.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
const timeout = 240_000;
const storage = /\/resourceGroups\/rg-web\/providers\/Microsoft\.Storage\/storageAccounts\/stcontosoweb01$/i;

describe('as sp-identity-admin', () => {
  useSession({ name: 'access' });

  test('grant Storage Blob Data Reader on a storage account to vm-web-02, see it in the tree, then revoke it', { timeout }, scenario('access-grant-revoke-vm-web-02', async (session) => {
    const wb = session.workbench;
    const principalId = session.vm('vm-web-02').identity.principalId!;
    const blobReaderOf = () =>
      session.state().roleAssignments.filter((ra) => ra.principalId === principalId && ra.roleDefinitionName === 'Storage Blob Data Reader' && storage.test(ra.scope));

    await wb.contextMenu(await wb.reveal(production, 'vm-web-02'), 'Grant Access...');
    // One identity (system-assigned): no identity step. Where, which kind, which resource, which role.
    await wb.waitForQuickInput(/have access/i);
    await wb.pick('A resource');
    await wb.waitForQuickInput(/kind of resource/i);
    await wb.pick('Storage accounts');
    await wb.waitForQuickInput(/part of the resource name/i);
    await wb.typeInQuickInput('stcontosoweb');
    await wb.pick('stcontosoweb01');
    await wb.waitForQuickInput(/role/i);
    const roles = await wb.quickPickRowsText();
    assert.match(roles[0], /^Storage Blob Data Reader/, `the most used roles come first: ${JSON.stringify(roles.slice(0, 3))}`);
    assert.ok(roles.some((row) => /^Reader.*View all resources/i.test(row)), 'each role with its description');
    await wb.pick('Storage Blob Data Reader');
    await wb.waitForNotification(/Granted 'Storage Blob Data Reader' on storage account 'stcontosoweb01' in resource group 'rg-web' to 'vm-web-02'/);
    await session.waitForState('the assignment exists', () => blobReaderOf().length === 1);
    assert.equal(blobReaderOf()[0].principalType, 'ServicePrincipal');

    // The tree: vm-web-02 > System-assigned identity > Azure role assignments.
    await wb.expandPath('vm-web-02', 'System-assigned identity', 'Azure role assignments');
    const description = await wb.waitForRowDescription('Storage Blob Data Reader', /storage account 'stcontosoweb01' in resource group 'rg-web'/);
    assert.doesNotMatch(description, /inherited/);
    await wb.waitForRowDescription('Key Vault Secrets User', /key vault 'kv-contoso-prod'/);

    await wb.contextMenu(wb.treeRow('Storage Blob Data Reader'), 'Revoke Access...');
    const question = await wb.dialogText();
    assert.match(question, /Revoke 'Storage Blob Data Reader' on storage account 'stcontosoweb01' in resource group 'rg-web' from 'the system-assigned identity of vm-web-02'\?/);
    await wb.answerDialog('Revoke');
    await wb.waitForNotification(/Revoked 'Storage Blob Data Reader'/);
    await session.waitForState('the assignment is gone', () => blobReaderOf().length === 0);
    await wb.treeRow('Storage Blob Data Reader').waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(session.writeRequests().map((r) => `${r.method} ${r.status}`), ['PUT 201', 'DELETE 200']);
  }));
});

describe('as sp-vm-contributor', () => {
  useSession({ name: 'access-denied', principal: 'sp-vm-contributor' });

  test('Grant Access stops before any write and names the role it needs', { timeout }, scenario('access-grant-denied-vm-web-02', async (session) => {
    const wb = session.workbench;
    await wb.contextMenu(await wb.reveal(production, 'vm-web-02'), 'Grant Access...');
    await wb.waitForQuickInput(/have access/i);
    // A Virtual Machine Contributor cannot even read storage accounts (Azure lists only what it may read), so the
    // scope here is a resource group it can see.
    await wb.pick('A resource group');
    await wb.waitForQuickInput(/resource group/i);
    await wb.pick('rg-web');
    await wb.waitForQuickInput(/role/i);
    await wb.pick('Storage Blob Data Reader');
    const error = await wb.waitForNotification(/You need the Owner, User Access Administrator or Role Based Access Control Administrator role/);
    const text = (await error.textContent()) ?? '';
    assert.match(text, /resource group 'rg-web'/, `names the resource group: ${text}`);
    assert.match(text, /Microsoft\.Authorization\/roleAssignments\/write/);
    assert.deepEqual(session.writeRequests(), [], 'nothing was sent');
  }));
});
