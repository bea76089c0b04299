// One identity change on many hosts (issue 10): each host gets its own read, ETag and write through changeIdentity,
// at most `concurrency` at once, a failure stops nothing else, and Retry Failed re-runs only the failed ones. The
// 20 VMs live in this test's own seed (other tests count the demo seed's VMs).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { failedItems, mergeRetry, runBulk, type BulkProgress } from '../../src/identity/bulk';
import type { IdentityHostRef } from '../../src/identity/model';
import { virtualMachineId } from '../../src/identity/resourceIds';
import { demoSeed } from '../fake-azure/demo';
import type { RunningFakeAzure } from '../fake-azure/server';
import type { Seed } from '../fake-azure/types';
import { demo, signInAs, startFake, scaleSet, stateScaleSet, stateVm, writes } from './harness';

const BULK_VMS = Array.from({ length: 20 }, (_, i) => `vm-bulk-${String(i + 1).padStart(2, '0')}`);
const FAILING = ['vm-bulk-04', 'vm-bulk-11', 'vm-bulk-17'];

const seed: Seed = {
  ...demoSeed,
  virtualMachines: [
    ...demoSeed.virtualMachines,
    ...BULK_VMS.map((name) => ({ subscriptionId: demo.production, resourceGroup: 'rg-bulk', name, location: 'eastus' })),
  ],
  resourceGroups: [...demoSeed.resourceGroups, { subscriptionId: demo.production, name: 'rg-bulk', location: 'eastus' }],
};

const hostOf = (name: string): IdentityHostRef => ({
  kind: 'virtualMachine',
  subscriptionId: demo.production,
  resourceGroup: 'rg-bulk',
  name,
  id: virtualMachineId(demo.production, 'rg-bulk', name),
});

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake({ seed });
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

/** Samples the fake's own state while `run` goes: the most bulk VMs at once whose write (PATCH until its long-running
 *  operation ends) is in flight, i.e. in provisioningState Updating. */
async function maxWritesInFlight<T>(run: () => Promise<T>): Promise<{ result: T; max: number }> {
  let max = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const updating = fake.getState().virtualMachines.filter((v) => BULK_VMS.includes(v.name) && v.provisioningState === 'Updating').length;
      max = Math.max(max, updating);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    return { result: await run(), max };
  } finally {
    sampling = false;
    await sampler;
  }
}

describe('bulk identity changes against the fake', () => {
  it('enables the system identity on 20 VMs with 3 failures: 17 changed, 3 failed with reasons, never more than the limit in flight; Retry Failed fixes the 3', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults(
      FAILING.map((name) => ({
        path: `/virtualMachines/${name}$`,
        method: 'PATCH',
        kind: 'status' as const,
        status: 400,
        errorCode: 'OperationNotAllowed',
        errorMessage: `Operation on '${name}' is not allowed right now (injected).`,
        times: 1,
      })),
    );
    const limit = 4;
    const progress: BulkProgress[] = [];
    const hosts = BULK_VMS.map(hostOf);
    const { result: first, max } = await maxWritesInFlight(() =>
      runBulk(hosts, (host) => ops.changeIdentity(host, { kind: 'enableSystemAssigned' }), { concurrency: limit, onProgress: (p) => progress.push(p) }),
    );

    // Exactly the limit: never more, and the runner does use it (so a runner ignoring the bound would fail here).
    assert.equal(max, limit, `writes in flight at once in the fake: ${max}`);
    assert.ok(progress.every((p) => p.running <= limit));

    assert.deepEqual(first.counts, { changed: 17, unchanged: 0, failed: 3, notStarted: 0 });
    const failed = first.results.filter((r) => r.outcome === 'failed');
    assert.deepEqual(failed.map((r) => r.item.name), FAILING);
    for (const result of failed) {
      assert.match(result.reason ?? '', new RegExp(`Operation on '${result.item.name}' is not allowed right now`));
    }
    for (const name of BULK_VMS) {
      assert.equal(stateVm(fake, name).identity.type, FAILING.includes(name) ? 'None' : 'SystemAssigned', name);
    }
    const last = progress[progress.length - 1];
    assert.deepEqual([last.done, last.failed, last.total], [20, 3, 20]);

    // Retry Failed: only the three are read and written again.
    const patchesBefore = writes(fake).filter((r) => r.method === 'PATCH').length;
    const retry = await runBulk(failedItems(first), (host) => ops.changeIdentity(host, { kind: 'enableSystemAssigned' }), { concurrency: limit });
    const patchedAgain = writes(fake).filter((r) => r.method === 'PATCH').slice(patchesBefore).map((r) => r.path.split('/').pop());
    assert.deepEqual(patchedAgain.sort(), FAILING);
    assert.deepEqual(retry.counts, { changed: 3, unchanged: 0, failed: 0, notStarted: 0 });
    const merged = mergeRetry(first, retry);
    assert.deepEqual(merged.counts, { changed: 20, unchanged: 0, failed: 0, notStarted: 0 });
    for (const name of BULK_VMS) {
      assert.equal(stateVm(fake, name).identity.type, 'SystemAssigned', name);
      assert.ok(fake.getState().servicePrincipals.some((p) => p.id === stateVm(fake, name).identity.principalId), `${name} has its service principal`);
    }
  });

  it('cancel stops new writes, lets the running ones finish, and says which never started', async () => {
    const { ops } = signInAs(fake);
    const controller = new AbortController();
    const hosts = BULK_VMS.slice(0, 8).map(hostOf);
    let started = 0;
    const summary = await runBulk(
      hosts,
      async (host) => {
        started++;
        if (started === 2) controller.abort();
        // The write itself is not cancelled: running writes finish.
        return ops.changeIdentity(host, { kind: 'enableSystemAssigned' });
      },
      { concurrency: 2, signal: controller.signal },
    );
    assert.deepEqual(summary.counts, { changed: 2, unchanged: 0, failed: 0, notStarted: 6 });
    assert.equal(summary.cancelled, true);
    assert.deepEqual(
      BULK_VMS.slice(0, 8).map((name) => stateVm(fake, name).identity.type),
      ['SystemAssigned', 'SystemAssigned', 'None', 'None', 'None', 'None', 'None', 'None'],
    );
  });

  it('a mix of VMs and scale sets takes one change: each through the client of its kind', async () => {
    const { ops } = signInAs(fake);
    const hosts: IdentityHostRef[] = [hostOf('vm-bulk-01'), scaleSet('vmss-api'), scaleSet('vmss-web')];
    const summary = await runBulk(hosts, (host) => ops.changeIdentity(host, { kind: 'enableSystemAssigned' }));
    assert.deepEqual(
      summary.results.map((r) => [r.item.name, r.outcome]),
      [
        ['vm-bulk-01', 'changed'],
        ['vmss-api', 'changed'],
        ['vmss-web', 'unchanged'],
      ],
    );
    assert.equal(stateVm(fake, 'vm-bulk-01').identity.type, 'SystemAssigned');
    assert.equal(stateScaleSet(fake, 'vmss-api').identity.type, 'SystemAssigned');
  });
});
