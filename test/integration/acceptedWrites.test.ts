// The write path's honesty (issue 13, items 2-4, 7, 8): a write Azure accepted and then failed, ran past the time
// limit or was cancelled is reported with what the VM has now; a plan refused because it was made from a stale read is
// re-planned; a VM read without an ETag is read again just before the write. Each test checks the fake's state.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AcceptedWriteError, IdentityError } from '../../src/identity/identityError';
import type { IdentityHostRef, VirtualMachine } from '../../src/identity/model';
import { IdentityOperations, type IdentityOperationsOptions } from '../../src/identity/operations';
import type { RunningFakeAzure } from '../fake-azure/server';
import { beforeCall, demo, ids, once, providerWith, signInAs, startFake, stateVm, vm, vmReadsThrough, writes, type SignedIn } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const vmPatch = (name: string) => `/virtualMachines/${name}$`;
const lower = (keys: string[]) => keys.map((k) => k.toLowerCase()).sort();

/** Operations whose VM reads pass through `onRead` (e.g. to let a competitor write, or to drop the ETag). */
function opsWithReads(
  base: SignedIn,
  onRead: (read: VirtualMachine, count: number, v: IdentityHostRef) => Promise<VirtualMachine>,
  options: IdentityOperationsOptions = {},
): IdentityOperations {
  let reads = 0;
  const provider = providerWith(base, (clients) => ({ virtualMachines: vmReadsThrough(clients.virtualMachines, (read, v) => onRead(read, ++reads, v)) }));
  return new IdentityOperations(provider, { retryDelayMs: () => 10, ...options });
}

async function rejectsAccepted(promise: Promise<unknown>): Promise<AcceptedWriteError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AcceptedWriteError, `expected an AcceptedWriteError, got ${String(error)}`);
    return error;
  }
  assert.fail('the write was expected to fail');
}

describe('a write Azure accepted, then failed (item 2)', () => {
  it('an operation that ends Failed: says Azure reports it failed and what the VM has now', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'PATCH', path: vmPatch('vm-web-01'), kind: 'lroFailed' }]);
    const error = await rejectsAccepted(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }));
    assert.equal(error.end, 'failed');
    assert.equal(error.kind, 'acceptedThenFailed');
    // The fake (as Azure may) applied the change before the operation failed: the message and the host say so.
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'SystemAssigned');
    assert.equal(error.host?.identity.type, 'SystemAssigned');
    assert.match(error.message, /Azure reports the update of 'vm-web-01' failed/);
    assert.match(error.message, /'vm-web-01' now has a system-assigned identity/);
    assert.doesNotMatch(error.message, /Could not change/);
  });

  it('status polls that fail: says the outcome could not be read, and what the VM has now', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'GET', path: '/operations/', kind: 'status', status: 404, times: 0 }]);
    const error = await rejectsAccepted(ops.changeIdentity(vm('vm-web-03'), { kind: 'enableSystemAssigned' }));
    assert.equal(error.end, 'outcomeUnknown');
    assert.equal(stateVm(fake, 'vm-web-03').identity.type, 'SystemAssigned, UserAssigned');
    assert.match(error.message, /outcome could not be read/);
    assert.match(error.message, /'vm-web-03' now has a system-assigned identity and 'id-backend', 'id-storage'/);
  });

  it('a failure before Azure accepted the write stays an ordinary failure (nothing changed)', async () => {
    const { ops } = signInAs(fake);
    fake.addFaults([{ method: 'PATCH', path: vmPatch('vm-web-01'), kind: 'status', status: 400, errorCode: 'InvalidParameter', errorMessage: 'bad' }]);
    await assert.rejects(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }), (error: unknown) => {
      assert.ok(error instanceof IdentityError && !(error instanceof AcceptedWriteError), String(error));
      assert.equal(error.kind, 'invalid');
      return true;
    });
    assert.equal(stateVm(fake, 'vm-web-01').identity.type, 'None');
  });
});

describe('a plan made from a stale read (item 3)', () => {
  it('a 400 after the ETag moved re-reads, re-plans and succeeds', async () => {
    const competitor = signInAs(fake);
    let raced = false;
    const ops = opsWithReads(signInAs(fake), async (read, _count, v) => {
      if (!raced) {
        raced = true;
        await competitor.ops.changeIdentity(v, { kind: 'removeUserAssigned', ids: [ids.backend] });
      }
      return read;
    });
    // Planned from [backend, storage]: "remove storage, keep backend"; Azure has only storage left, so the PATCH is
    // refused with 400 (none would remain). The retry plans from [storage] and sends type None.
    const result = await ops.changeIdentity(vm('vm-web-03'), { kind: 'removeUserAssigned', ids: [ids.storage] });
    assert.equal(result.status, 'changed');
    assert.equal(stateVm(fake, 'vm-web-03').identity.type, 'None');
    assert.equal(fake.requests().filter((r) => r.method === 'PATCH' && r.status === 400).length, 1);
  });
});

describe('a VM read without an ETag (item 4)', () => {
  it('is read again just before the write, and a plan whose base moved is made again', async () => {
    const competitor = signInAs(fake);
    const ops = opsWithReads(signInAs(fake), async (read, count, v) => {
      if (count === 1) {
        // Another window assigns an identity between this read and the write.
        await competitor.ops.changeIdentity(v, { kind: 'assignUserAssigned', ids: [ids.backend] });
      }
      return { ...read, etag: undefined };
    });
    // Planned from "SystemAssigned only": type None, which would drop the competitor's identity.
    await ops.changeIdentity(vm('vm-web-02'), { kind: 'disableSystemAssigned' });
    const state = stateVm(fake, 'vm-web-02');
    assert.equal(state.identity.type, 'UserAssigned');
    assert.deepEqual(lower(Object.keys(state.identity.userAssignedIdentities)), lower([ids.backend]));
  });
});

describe('an operation that never ends (item 7) and a cancel (item 8)', () => {
  it('stops waiting at the time limit, says so, and re-reads the VM', async () => {
    const { account } = signInAs(fake);
    const ops = new IdentityOperations(account.clients, { operationTimeoutMs: 1500, settlePollMs: 100 });
    fake.addFaults([{ method: 'PATCH', path: vmPatch('vm-web-01'), kind: 'lroNeverEnds' }]);
    const started = Date.now();
    const error = await rejectsAccepted(ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }));
    assert.ok(Date.now() - started < 10_000);
    assert.equal(error.end, 'timedOut');
    assert.equal(error.kind, 'timedOut');
    assert.match(error.message, /has not finished updating 'vm-web-01' after \d+ minutes; stopped waiting/);
    assert.equal(error.host?.identity.type, 'SystemAssigned');
    // The operation never ends: the background watch gives up at the same limit.
    assert.equal(await error.settled, undefined);
  });

  it('after Cancel, keeps watching and yields the VM once Azure has finished', async () => {
    const { account } = signInAs(fake);
    const ops = new IdentityOperations(account.clients, { settlePollMs: 100 });
    const controller = new AbortController();
    const error = await rejectsAccepted(
      ops.changeIdentity(vm('vm-web-01'), { kind: 'assignUserAssigned', ids: [ids.backend] }, {
        signal: controller.signal,
        onProgress: (message) => {
          if (message.startsWith('Waiting for Azure')) controller.abort();
        },
      }),
    );
    assert.equal(error.kind, 'cancelled');
    assert.match(error.message, /Stopped waiting for Azure to update 'vm-web-01'; the update may still be applied/);
    const settled = await error.settled;
    assert.ok(settled, 'the background watch reads the VM once the operation ended');
    assert.equal(settled.provisioningState, 'Succeeded');
    assert.deepEqual(lower(Object.keys(settled.identity.userAssignedIdentities)), lower([ids.backend]));
    assert.equal(writes(fake).filter((r) => r.method === 'PATCH').length, 1);
  });
});

describe('the background watch after a Cancel, when the VM can no longer be read', () => {
  it('gives up after three failed reads in a row instead of polling for the whole 30-minute limit', async () => {
    const base = signInAs(fake);
    let offline = false;
    let readsWhileOffline = 0;
    const ops = opsWithReads(
      base,
      async (read) => {
        if (!offline) return read;
        readsWhileOffline++;
        throw new Error('getaddrinfo ENOTFOUND management.azure.com');
      },
      { settlePollMs: 20 },
    );
    const controller = new AbortController();
    const error = await rejectsAccepted(
      ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }, {
        signal: controller.signal,
        onProgress: (message) => {
          if (message.startsWith('Waiting for Azure')) {
            offline = true;
            controller.abort();
          }
        },
      }),
    );
    assert.equal(error.kind, 'cancelled');
    assert.match(error.message, /Reading 'vm-web-01' again failed too/);
    const limit = new Promise<'still watching'>((resolve) => setTimeout(() => resolve('still watching'), 5_000).unref());
    assert.equal(await Promise.race([error.settled, limit]), undefined, 'the watch ended without a VM');
    // One re-read for the message, then three failed watch reads.
    assert.equal(readsWhileOffline, 4);
  });
});

describe('two windows creating the same user-assigned identity (item 5)', () => {
  it('the second says "already exists" and the first one\'s tags stay', async () => {
    const competitor = signInAs(fake);
    // The other window creates the same name between this window's check (find) and its PUT.
    const provider = providerWith(signInAs(fake), (clients) => ({
      userAssignedIdentities: beforeCall(clients.userAssignedIdentities, 'create', once(() =>
        competitor.ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: 'id-twice', location: 'eastus', tags: { owner: 'first' } }),
      )),
    }));
    const ops = new IdentityOperations(provider);
    await assert.rejects(
      ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: 'id-twice', location: 'eastus', tags: { owner: 'second' } }),
      (error: unknown) => {
        assert.ok(error instanceof IdentityError, String(error));
        assert.equal(error.code, 'IdentityNameTaken');
        assert.match(error.message, /'id-twice' already exists in resource group 'rg-web'/);
        return true;
      },
    );
    assert.deepEqual(fake.getState().userAssignedIdentities.find((u) => u.name === 'id-twice')?.tags, { owner: 'first' });
  });
});
