// Long lists as a person meets them (issue 12): with the fake paging every list one item at a time and slowed down,
// the tree shows the first page of subscriptions at once with "Loading more subscriptions...", and a subscription
// whose VMs take more than one page shows the first with "Loading more virtual machines..." while Resource Graph
// reads the rest; the whole lists then replace them, matching the fake's state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario, useSession } from './harness';

const production = 'Contoso Production';
const timeout = 180_000;

useSession({ name: 'long-lists', fakePageSize: 1 });

test('a long subscription list and a long VM list show their first part at once, then the whole list', { timeout }, scenario('long-lists', async (session) => {
  const wb = session.workbench;
  const productionId = session.state().subscriptions.find((s) => s.displayName === production)!.subscriptionId;
  session.addFaults([
    // Each page of subscriptions takes 2 s more; the Resource Graph query that completes a long VM list 8 s more.
    { method: 'GET', path: '^/subscriptions$', kind: 'delay', delayMs: 2000, times: 0 },
    { method: 'POST', path: '^/providers/Microsoft.ResourceGraph/resources$', kind: 'delay', delayMs: 8000, times: 1 },
  ]);
  const requestsBefore = session.fake.requests().length;
  await wb.refreshTreeFromTitleBar();

  const moreSubscriptions = wb.treeRow('Loading more subscriptions...');
  await moreSubscriptions.waitFor({ state: 'visible', timeout: 30_000 });
  const firstPart = await wb.visibleTreeRows();
  await wb.screenshot('long-lists-first-subscriptions-page');
  assert.equal(firstPart.length, 2, `one subscription (the first page) and the loading row: ${JSON.stringify(firstPart)}`);
  await moreSubscriptions.waitFor({ state: 'detached', timeout: 60_000 });
  const pages = session.fake.requests().slice(requestsBefore).filter((r) => r.method === 'GET' && r.path === '/subscriptions' && r.status === 200);
  const subscriptionRows = await wb.visibleTreeRows();
  assert.ok(pages.length >= 2, `the list took ${pages.length} pages`);
  assert.equal(subscriptionRows.length, pages.length, `one subscription per page, all shown: ${JSON.stringify(subscriptionRows)}`);

  // A subscription whose VMs take more than one page.
  const expected = session.state().virtualMachines.filter((vm) => vm.subscriptionId === productionId).map((vm) => vm.name).sort();
  assert.ok(expected.length > 2);
  const listedFrom = session.fake.requests().length;
  await wb.expand(wb.treeRow(production));
  const moreVms = wb.treeRow('Loading more virtual machines...');
  await moreVms.waitFor({ state: 'visible', timeout: 30_000 });
  const shownFirst = (await wb.visibleTreeRows()).filter((row) => expected.some((name) => row.startsWith(`${name} — `)));
  await wb.screenshot('long-lists-first-vm-page');
  assert.equal(shownFirst.length, 1, `the first ARM page (one VM) shows at once: ${JSON.stringify(await wb.visibleTreeRows())}`);
  await moreVms.waitFor({ state: 'detached', timeout: 60_000 });
  for (const name of expected) {
    await wb.treeRow(name).waitFor({ state: 'visible', timeout: 10_000 });
  }
  const shownAll = (await wb.visibleTreeRows()).filter((row) => expected.some((name) => row.startsWith(`${name} — `)));
  assert.equal(shownAll.length, expected.length, `every VM of the fake's ${production}, once: ${JSON.stringify(shownAll)}`);
  const listing = session.fake.requests().slice(listedFrom);
  assert.equal(listing.filter((r) => r.method === 'GET' && r.path.endsWith(`${productionId}/providers/Microsoft.Compute/virtualMachines`)).length, 1, 'one ARM page, then');
  assert.equal(listing.filter((r) => r.method === 'POST' && /ResourceGraph\/resources$/.test(r.path)).length, 1, 'one Resource Graph query for the rest');
}));
