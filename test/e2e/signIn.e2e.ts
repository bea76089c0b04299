// The sign-in real users use: VS Code's Microsoft account (the extension's default), pointed at the fake Azure with
// microsoft-sovereign-cloud.environment "custom". The provider behind vscode.authentication is the test stand-in
// (test/e2e/microsoft-auth-stand-in; README says why not the built-in): it opens the fake Entra's authorize page in a
// browser tab through vscode.env.openExternal, and the scenario signs in there as a person would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { scenario, useSession, type E2ESession } from './harness';
import { exactly } from './workbench';

const timeout = 240_000;
const contoso = '8f3e1a2b-4c5d-4e6f-9a0b-1c2d3e4f5a6b';
const fabrikam = 'fab00000-0000-4000-8000-000000000001';

useSession({ name: 'sign-in', signIn: 'vscode' });

/**
 * Interactive sign-ins the fake Entra completed: authorize requests answered with a redirect carrying a code (the
 * account picker before it answers 200). The path names the tenant asked for.
 */
function authorizeRequests(session: E2ESession): string[] {
  return session.fake.requests().filter((request) => /\/oauth2\/v2\.0\/authorize$/.test(request.path) && request.status === 302).map((request) => request.path);
}

/** Token requests that failed (a refresh for a tenant that wants its own sign-in answers 400). */
function refusedTokenRequests(session: E2ESession): string[] {
  return session.fake.requests().filter((request) => /\/oauth2\/v2\.0\/token$/.test(request.path) && request.status >= 400).map((request) => request.path);
}

/**
 * VS Code may ask whether the extension may sign in, then whether to open the sign-in page (not a trusted domain):
 * both are answered yes, as a person would. Then it opens the fake Entra's page in a new browser tab: pick the
 * account there and wait for the loopback page that says so.
 */
async function signInInBrowser(session: E2ESession, user: string, start: () => Promise<void>): Promise<void> {
  const wb = session.workbench;
  let opened: Page | undefined;
  const tab = wb.page.context().waitForEvent('page', { timeout: 90_000 }).then((page) => (opened = page));
  await start();
  const answers: [RegExp, string][] = [[/wants to sign in/, 'Allow'], [/open the external website/, 'Open']];
  const deadline = Date.now() + 90_000;
  while (!opened && Date.now() < deadline) {
    for (const [text, button] of answers) {
      const dialog = wb.dialog().filter({ hasText: text });
      if (await dialog.isVisible().catch(() => false)) {
        await dialog.locator('.monaco-button').filter({ hasText: exactly(button) }).first().click();
      }
    }
    await wb.page.waitForTimeout(300);
  }
  const signInPage: Page = await tab;
  await signInPage.waitForLoadState();
  const account = signInPage.locator(`#accounts a[data-user="${user}"]`);
  await account.waitFor({ state: 'visible', timeout: 30_000 }).catch(async (error: unknown) => {
    throw new Error(`the sign-in tab shows no account ${user}: ${signInPage.url()}\n${(await signInPage.content()).slice(0, 500)}\n${String(error)}`);
  });
  await account.click();
  await signInPage.locator('#result').waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await signInPage.locator('#result').textContent()) ?? '', /You are signed in/);
  await signInPage.close();
}

/** Signs in from the view's welcome content as `user`, and waits for the tree to list `firstSubscription`. */
async function signInFromWelcome(session: E2ESession, user: string, firstSubscription: string): Promise<void> {
  const signIn = await welcomeButton(session, 'Sign In');
  await signInInBrowser(session, user, () => signIn.click());
  await session.workbench.treeRow(firstSubscription).waitFor({ state: 'visible', timeout: 90_000 });
}

async function welcomeButton(session: E2ESession, label: string) {
  const button = session.workbench.sidebar().locator('.welcome-view-content a.monaco-button, .welcome-view-content .monaco-button').filter({ hasText: exactly(label) }).first();
  await button.waitFor({ state: 'visible', timeout: 45_000 });
  return button;
}

test('signs in from the welcome content with VS Code\'s Microsoft account and lists the home tenant\'s subscriptions', { timeout }, scenario('signin-welcome', async (session) => {
  const wb = session.workbench;
  assert.deepEqual(authorizeRequests(session), [], 'nothing signed in before the click');
  await signInFromWelcome(session, 'megan@contoso.onmicrosoft.com', 'Contoso Production');
  await wb.treeRow('Contoso Development').waitFor({ state: 'visible' });
  assert.deepEqual(authorizeRequests(session), ['/organizations/oauth2/v2.0/authorize'], 'one interactive sign-in, to the home tenant');
  const requests = session.fake.requests();
  assert.ok(requests.some((request) => request.path === '/tenants' && request.status === 200), 'the tenants were listed through ARM /tenants');
  assert.ok(requests.some((request) => request.path === '/subscriptions' && request.status === 200), 'subscriptions were listed');
  await wb.expandPath('Contoso Production');
  await wb.treeRow('vm-web-01').waitFor({ state: 'visible', timeout: 45_000 });
  assert.equal(await wb.treeRow('Fabrikam Production').count(), 0, 'Fabrikam asks for its own sign-in first');
  assert.ok(refusedTokenRequests(session).some((path) => path.startsWith(`/${fabrikam}/`)), 'a silent token for Fabrikam was refused');
  assert.ok(!refusedTokenRequests(session).some((path) => path.startsWith(`/${contoso}/`)), 'Contoso tokens came silently');
}));

test('a tenant that needs its own sign-in is offered "Sign in to Another Tenant...", and then both tenants\' subscriptions show', { timeout }, scenario('signin-second-tenant', async (session) => {
  const wb = session.workbench;
  await signInFromWelcome(session, 'megan@contoso.onmicrosoft.com', 'Contoso Production');
  const offer = await wb.waitForNotification(/Fabrikam needs its own sign-in/, 60_000);
  await signInInBrowser(session, 'megan@contoso.onmicrosoft.com', async () => {
    await wb.clickNotificationButton(offer, 'Sign in to Another Tenant...');
    await wb.waitForQuickInput(/tenant/i);
    assert.deepEqual(await wb.quickPickLabels(), ['Fabrikam'], 'only the tenant that needs it is offered');
    await wb.pick('Fabrikam');
  });

  await wb.treeRow('Fabrikam Production').waitFor({ state: 'visible', timeout: 90_000 });
  for (const subscription of ['Contoso Production', 'Contoso Development']) await wb.treeRow(subscription).waitFor({ state: 'visible' });
  assert.deepEqual(authorizeRequests(session), ['/organizations/oauth2/v2.0/authorize', `/${fabrikam}/oauth2/v2.0/authorize`], 'the second sign-in went to Fabrikam itself');
  await wb.expandPath('Fabrikam Production');
  await wb.waitForRowDescription('vm-fab-01', /^system only · rg-fabrikam/, 45_000);
  assert.ok(session.fake.requests().some((request) => request.path.startsWith('/subscriptions/fab0c0de-0000-4000-8000-000000000001/') && request.status === 200), 'Fabrikam\'s VMs were read with a Fabrikam token');
}));

test('with the Graph-limited user, Add to Group explains the refusal and offers Azure CLI sign-in and the command to copy', { timeout }, scenario('signin-graph-refused', async (session) => {
  const wb = session.workbench;
  await signInFromWelcome(session, 'lee@contoso.onmicrosoft.com', 'Contoso Production');
  const principalId = session.vm('vm-web-02').identity.principalId!;
  const group = session.state().groups.find((candidate) => candidate.displayName === 'sg-monitoring')!;
  const membersBefore = [...group.members].sort();
  await wb.contextMenu(await wb.reveal('Contoso Production', 'vm-web-02'), 'Add to Group...');
  await wb.waitForQuickInput(/group/i);
  await wb.typeInQuickInput('sg-mon');
  await wb.quickPickRow('sg-monitoring').waitFor({ state: 'visible' });
  await wb.pick('sg-monitoring');

  const error = await wb.waitForNotification(/GroupMember\.ReadWrite\.All/);
  const text = ((await error.textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(text, /sg-monitoring/, `names the group: ${text}`);
  for (const button of ['Use Azure CLI Sign-in', 'Copy Command']) {
    assert.ok(await error.locator('.monaco-button').filter({ hasText: exactly(button) }).count(), `offers ${button}: ${text}`);
  }
  await wb.clickNotificationButton(error, 'Copy Command');
  // The extension writes the clipboard after the click returns: read until it is there (5 s at most).
  let copied = '';
  for (let tries = 0; tries < 25 && !copied; tries++) {
    copied = await wb.page.evaluate(async () => navigator.clipboard.readText());
    if (!copied) await wb.page.waitForTimeout(200);
  }
  assert.equal(copied, `az ad group member add --group ${group.id} --member-id ${principalId}`);

  assert.ok(session.fake.requests().some((request) => request.method === 'POST' && request.path.startsWith(`/graph/v1.0/groups/${group.id}/members`) && request.status === 403), 'Graph refused the change (403)');
  assert.deepEqual([...session.state().groups.find((candidate) => candidate.id === group.id)!.members].sort(), membersBefore, 'nothing changed');
}));

test('signing out from VS Code\'s Accounts menu empties the tree and shows the welcome content again', { timeout }, scenario('signin-sign-out', async (session) => {
  const wb = session.workbench;
  await signInFromWelcome(session, 'megan@contoso.onmicrosoft.com', 'Contoso Production');
  const confirm = wb.dialog().filter({ hasText: /megan@contoso\.onmicrosoft\.com/ });
  // The Accounts menu's submenu can close under a click that lands as it opens: open it again if no dialog came.
  const openMenu = wb.page.locator('.context-view .monaco-menu');
  for (let tries = 1; ; tries++) {
    // A menu left open (by a try whose click closed only the submenu) blocks every click outside it: close it first.
    for (let escapes = 0; escapes < 5 && (await openMenu.first().isVisible()); escapes++) {
      await wb.page.keyboard.press('Escape');
      await wb.page.waitForTimeout(200);
    }
    await wb.page.locator('.activitybar .action-label[aria-label^="Accounts"]').first().click();
    const menu = wb.page.locator('.monaco-menu').first();
    await menu.waitFor({ state: 'visible' });
    await menu.locator('.action-item .action-label').filter({ hasText: /megan@contoso\.onmicrosoft\.com/ }).first().hover();
    const signOut = wb.page.locator('.monaco-menu .action-item .action-label').filter({ hasText: exactly('Sign Out') }).first();
    await signOut.waitFor({ state: 'visible' });
    await signOut.click();
    const shown = await confirm.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    if (shown) break;
    if (tries >= 3) throw new Error('the sign-out confirmation never showed');
  }
  await confirm.locator('.monaco-button').filter({ hasText: exactly('Sign Out') }).first().click();

  await welcomeButton(session, 'Sign In');
  assert.deepEqual(await wb.visibleTreeRows(), [], 'no subscription rows are left');
}));

test('an account in more than 10 tenants is told the limit, and the tenants it chooses are the ones listed', { timeout }, scenario('signin-many-tenants', async (session) => {
  const wb = session.workbench;
  const northwind = '7e000000-0000-4000-8000-000000000001';
  const relecloud = '7e000000-0000-4000-8000-000000000011';
  await signInFromWelcome(session, 'nestor@contoso.onmicrosoft.com', 'Contoso Development');
  const warning = await wb.waitForNotification(/belongs to 12 tenants.*first 10/, 60_000);
  for (const subscription of ['Northwind Production', 'Tailspin Development']) await wb.treeRow(subscription).waitFor({ state: 'visible' });
  const tokenTenants = () => new Set(session.fake.requests().filter((request) => /\/oauth2\/v2\.0\/token$/.test(request.path)).map((request) => request.path.split('/')[1]));
  assert.ok(tokenTenants().has(northwind), 'a listed tenant was asked for a token');
  assert.ok(!tokenTenants().has(relecloud), 'the 12th tenant was never asked for a token');

  await wb.clickNotificationButton(warning, 'Choose Tenants...');
  await wb.waitForQuickInput(/tenants/i);
  const labels = await wb.quickPickLabels();
  assert.equal(labels.length, 12, `every tenant is offered: ${JSON.stringify(labels)}`);
  // Ten are ticked (listed): untick Northwind Traders, tick Relecloud.
  await wb.pickMany(['Northwind Traders', 'Relecloud']);

  await wb.page.waitForFunction(() => !document.querySelector('.part.sidebar')?.textContent?.includes('Northwind Production'), undefined, { timeout: 60_000 });
  for (const subscription of ['Contoso Development', 'Tailspin Development']) await wb.treeRow(subscription).waitFor({ state: 'visible', timeout: 60_000 });
  assert.ok(tokenTenants().has(relecloud), 'Relecloud, now chosen, is listed');
  assert.equal(await wb.notificationTexts().then((texts) => texts.filter((text) => /belongs to 12 tenants/.test(text)).length), 0, 'no limit message once the user chose');
}));
