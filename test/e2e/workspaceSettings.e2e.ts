// README's promise about the sign-in settings in a workspace, as a person meets it: a folder whose
// .vscode/settings.json points the endpoints (and the sign-in) elsewhere changes nothing. The extension keeps the
// user's sign-in and cloud, sends nothing to the workspace's endpoints, and editing that file does not make it sign in
// again.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, test } from 'node:test';
import { scenario, useSession } from './harness';

const timeout = 180_000;

/** A listener where the workspace points the endpoints: it counts every connection (nothing should ever connect). */
let trap: net.Server;
let trapConnections = 0;
let trapPort = 0;

before(async () => {
  trap = net.createServer((socket) => {
    trapConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapPort = (trap.address() as net.AddressInfo).port;
});
after(() => new Promise<void>((resolve) => trap.close(() => resolve())));

function elsewhere(pathPrefix: string): Record<string, unknown> {
  const root = `https://127.0.0.1:${trapPort}/${pathPrefix}`;
  return {
    'azureVmIdentities.signInMethod': 'azureCli',
    'azureVmIdentities.customCloud': { resourceManagerEndpoint: `${root}arm`, graphEndpoint: `${root}graph`, authorityHost: `${root}login` },
  };
}

useSession({ name: 'workspace-settings', workspaceSettings: () => elsewhere('') });

test("a workspace's sign-in settings change nothing: the user's cloud is used, nothing goes elsewhere, editing them signs nobody in again", { timeout }, scenario('workspace-sign-in-settings', async (session) => {
  const wb = session.workbench;
  await wb.expandPath('Contoso Production');
  await wb.treeRow('vm-web-01').waitFor({ state: 'visible' });
  assert.ok(session.fake.requests().some((request) => /\/virtualMachines$/i.test(request.path)), 'the VMs were listed by the fake Azure (the user\'s cloud)');

  const log = session.extensionLog();
  const signInLines = log.split('\n').filter((line) => line.includes('Sign-in: '));
  assert.ok(signInLines.length > 0, `the log names the sign-in:\n${log}`);
  for (const line of signInLines) {
    assert.match(line, /Sign-in: servicePrincipal; cloud Custom/, 'the user\'s sign-in method');
    assert.ok(line.includes(session.fake.info.resourceManagerEndpoint.replace(/\/$/, '')), `the user's endpoints: ${line}`);
    assert.match(line, /from azureVmIdentities\.customCloud\)/);
  }
  // README: VS Code drops machine-scoped values from workspace settings, so the extension never sees them and has
  // nothing to warn about; were one to reach it, it would warn ("The workspace sets …; it is ignored").
  const warned = (await wb.notificationTexts()).some((text) => /The workspace sets azureVmIdentities\./.test(text));
  const seen = /The workspace sets azureVmIdentities\./.test(log);
  assert.equal(warned, seen, 'a warning in the log is also shown, and only then');
  console.log(`[e2e] workspace values reached the extension: ${seen}`);

  // Editing the workspace's settings file while the window is open: no new sign-in.
  const signInsBefore = signInLines.length;
  session.writeWorkspaceSettings(elsewhere('other/'));
  await wb.page.waitForTimeout(4_000);
  const after = session.extensionLog();
  assert.doesNotMatch(after, /Sign-in settings changed/, 'writing the workspace file does not rebuild the sign-in');
  assert.equal(after.split('\n').filter((line) => line.includes('Sign-in: ')).length, signInsBefore, 'no new sign-in');

  // Refresh everything, and expand only once the tree has listed again (an expand during the reload is undone by it).
  const vmLists = () => session.fake.requests().filter((r) => r.method === 'GET' && /\/providers\/Microsoft\.Compute\/virtualMachines$/.test(r.path)).length;
  const listsBefore = vmLists();
  await wb.refreshTreeFromTitleBar();
  await session.waitForState('the tree listed the VMs again', () => vmLists() > listsBefore);
  await wb.page.waitForTimeout(1_000);
  await wb.reveal('Contoso Development', 'vm-dev-01');
  assert.equal(trapConnections, 0, 'nothing was sent to the endpoints the workspace names');
}));
