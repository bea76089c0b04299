// Signed in as the seed's Reader-only principal: the tree shows everything, and a write fails with a message that
// names the missing role, changing nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
const timeout = 180_000;

useSession({ name: 'reader', principal: 'sp-reader' });

test('as sp-reader, enabling the system identity is refused before anything is sent, naming Virtual Machine Contributor', { timeout }, scenario('reader-enable-denied-vm-web-01', async (session) => {
  const wb = session.workbench;
  const before = session.vm('vm-web-01');
  await wb.contextMenu(await wb.reveal(production, 'vm-web-01'), 'Enable System-Assigned Identity');
  const error = await wb.waitForNotification(/Virtual Machine Contributor/);
  const text = (await error.textContent()) ?? '';
  assert.match(text, /vm-web-01/, `the message names the VM: ${text}`);

  const after = session.vm('vm-web-01');
  assert.deepEqual(after.identity, before.identity);
  assert.equal(after.etag, before.etag, 'the VM was not written');
  // The permission check before the write refused it: nothing was sent.
  assert.deepEqual(session.writeRequests(), [], 'no write was sent');
  await wb.waitForRowDescription('vm-web-01', /^no identity · /);

  // The error offers the log, which records the refusal (and never a token).
  await wb.clickNotificationButton(error, 'Show Log');
  await wb.page.waitForFunction(() => /MissingPermission/.test((document.querySelector('.part.panel')?.textContent ?? '').replace(/\u00a0/g, ' ')), undefined, { timeout: 15_000 });
  assert.doesNotMatch((await wb.page.locator('.part.panel').textContent()) ?? '', /eyJ[A-Za-z0-9_-]{10,}\./, 'no token in the log');
}));

test('as sp-reader, adding to a group fails naming the missing Graph permission, and nothing changes', { timeout }, scenario('reader-group-denied-vm-web-02', async (session) => {
  const wb = session.workbench;
  const principalId = session.vm('vm-web-02').identity.principalId!;
  const membersBefore = session.state().groups.map((group) => [group.displayName, [...group.members].sort()]);
  await wb.runOnVm('Managed Identities: Add to Group...', production, 'vm-web-02');
  await wb.waitForQuickInput(/group/i);
  await wb.typeInQuickInput('sg-mon');
  await wb.quickPickRow('sg-monitoring').waitFor({ state: 'visible' });
  await wb.pick('sg-monitoring');
  await wb.waitForNotification(/GroupMember\.ReadWrite\.All|owner/i);
  assert.deepEqual(session.state().groups.map((group) => [group.displayName, [...group.members].sort()]), membersBefore);
  assert.ok(!session.state().groups.find((group) => group.displayName === 'sg-monitoring')!.members.includes(principalId));
}));
