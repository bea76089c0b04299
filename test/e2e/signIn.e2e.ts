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

/** Requests that reached the fake Entra's authorize endpoint (its path names the tenant asked for). */
function authorizeRequests(session: E2ESession): string[] {
  return session.fake.requests().filter((request) => /\/oauth2\/v2\.0\/authorize$/.test(request.path)).map((request) => request.path);
}

/** Token requests that failed (a refresh for a tenant that wants its own sign-in answers 400). */
function refusedTokenRequests(session: E2ESession): string[] {
  return session.fake.requests().filter((request) => /\/oauth2\/v2\.0\/token$/.test(request.path) && request.status >= 400).map((request) => request.path);
}

/**
 * VS Code asks whether the extension may sign in (a modal), then opens the fake Entra's page in a new browser tab:
 * pick the account there, as a person would, and wait for the loopback page that says so.
 */
async function signInInBrowser(session: E2ESession, user: string, start: () => Promise<void>): Promise<void> {
  const wb = session.workbench;
  const tab = wb.page.context().waitForEvent('page', { timeout: 60_000 });
  await start();
  await wb.answerDialog('Allow');
  const signInPage: Page = await tab;
  await signInPage.waitForLoadState();
  await signInPage.locator(`#accounts a[data-user="${user}"]`).click();
  await signInPage.locator('#result').waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await signInPage.locator('#result').textContent()) ?? '', /You are signed in/);
  await signInPage.close();
}

async function welcomeButton(session: E2ESession, label: string) {
  const button = session.workbench.sidebar().locator('.welcome-view-content a.monaco-button, .welcome-view-content .monaco-button').filter({ hasText: exactly(label) }).first();
  await button.waitFor({ state: 'visible', timeout: 45_000 });
  return button;
}

test('signs in from the welcome content with VS Code\'s Microsoft account and lists the home tenant\'s subscriptions', { timeout }, scenario('signin-welcome', async (session) => {
  const wb = session.workbench;
  const signIn = await welcomeButton(session, 'Sign In');
  assert.deepEqual(authorizeRequests(session), [], 'nothing signed in before the click');
  await signInInBrowser(session, 'megan@contoso.onmicrosoft.com', () => signIn.click());

  await wb.treeRow('Contoso Production').waitFor({ state: 'visible', timeout: 60_000 });
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
