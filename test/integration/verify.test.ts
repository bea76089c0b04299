// "Verify Identity from Inside the VM" through the real SDK clients against the fake Azure: Run Command runs the
// verify script on the fake VM, whose emulated IMDS answers as IMDS would, and the claims are compared with the
// identity Azure reports. Each failure of issue 11's table is checked by its words, and no token reaches any output.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { IdentityError } from '../../src/identity/identityError';
import { VERIFY_AUDIENCES } from '../../src/identity/verifyIdentity';
import { VerifyOperations, type VerifyIdentityResult } from '../../src/identity/verifyOperations';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, ids, providerWith, rejectsWith, signInAs, startFake, stateVm, vm, vmReadsThrough, type SignedIn } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const ARM = VERIFY_AUDIENCES[0].resource;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;

function verifier(session: SignedIn): VerifyOperations {
  return new VerifyOperations(session.account.clients);
}

const runCommandPosts = () => fake.requests().filter((r) => r.method === 'POST' && /\/runCommand$/i.test(r.path));

/** Nothing a test saw may hold a token: the result, the error, its log line, and every log line of the session. */
function assertNoToken(session: SignedIn, ...seen: unknown[]): void {
  for (const line of session.logger.lines) {
    assert.doesNotMatch(line, JWT, `a log line holds a token: ${line}`);
    assert.doesNotMatch(line, /access_token/i);
  }
  for (const item of seen) {
    const text = item instanceof IdentityError ? `${item.message}\n${item.toLogLine()}` : JSON.stringify(item);
    assert.doesNotMatch(text, JWT);
    assert.doesNotMatch(text, /access_token/i);
  }
}

describe('verify identity from inside the VM', () => {
  it("verifies a Linux VM's system-assigned identity: the claims are the identity's, and every check passes", async () => {
    const session = signInAs(fake);
    const progress: string[] = [];
    const result = await verifier(session).verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'systemAssigned' }, resource: ARM }, { onProgress: (m) => progress.push(m) });
    const live = stateVm(fake, 'vm-web-02');
    assert.equal(result.osType, 'Linux');
    assert.equal(result.claims.oid, live.identity.principalId);
    assert.equal(result.claims.aud, ARM);
    assert.equal(result.claims.tid, demo.tenantId);
    assert.equal(result.claims.xms_mirid?.toLowerCase(), vm('vm-web-02').id.toLowerCase());
    assert.ok(result.claims.exp! > Date.now() / 1000);
    assert.ok(result.ok, JSON.stringify(result.checks));
    assert.ok(result.checks.some((c) => c.claim === 'oid' && c.ok && /oid matches the identity's principal id/.test(c.text)));
    assert.equal(runCommandPosts().length, 1);
    assert.ok(progress.some((m) => /tens of seconds/.test(m)), progress.join('\n'));
    assertNoToken(session, result);
  });

  it('verifies a user-assigned identity by its client_id, with the audience asked for', async () => {
    const session = signInAs(fake);
    const storage = VERIFY_AUDIENCES.find((a) => a.kind === 'storage')!.resource;
    const result = await verifier(session).verifyIdentity({ vm: vm('vm-data-01'), target: { kind: 'userAssigned', identityId: ids.storage }, resource: storage });
    const identity = fake.getState().userAssignedIdentities.find((i) => i.name === 'id-storage')!;
    assert.equal(result.target.kind === 'userAssigned' && result.target.clientId, identity.clientId);
    // vm-data-01 also has a system identity and id-backend: IMDS picked id-storage only through client_id.
    assert.equal(result.claims.oid, identity.principalId);
    assert.equal(result.claims.appid, identity.clientId);
    assert.equal(result.claims.aud, storage);
    assert.equal(result.claims.xms_mirid?.toLowerCase(), ids.storage.toLowerCase());
    assert.ok(result.ok, JSON.stringify(result.checks));
    assertNoToken(session, result);
  });

  it("verifies a Windows VM's identity through RunPowerShellScript", async () => {
    const session = signInAs(fake);
    const result: VerifyIdentityResult = await verifier(session).verifyIdentity({ vm: vm('vm-dev-02'), target: { kind: 'systemAssigned' }, resource: ARM });
    assert.equal(result.osType, 'Windows');
    assert.equal(result.claims.oid, stateVm(fake, 'vm-dev-02').identity.principalId);
    assert.ok(result.ok);
  });

  it('an identity not on the VM is explained before anything is sent', async () => {
    const session = signInAs(fake);
    await rejectsWith(verifier(session).verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'userAssigned', identityId: ids.backend }, resource: ARM }), (error) => {
      assert.equal(error.code, 'IdentityNotAssigned');
      assert.match(error.message, /'id-backend' is not assigned to 'vm-web-02'/);
    });
    assert.equal(runCommandPosts().length, 0);
  });

  it("IMDS's 'Identity not found' (removed after the VM was read) says: not assigned or still propagating, try again in a minute", async () => {
    const session = signInAs(fake);
    const admin = signInAs(fake);
    const target = vm('vm-data-01');
    // The identity leaves the VM between the extension's read and the run, as while an assignment propagates.
    const racing = providerWith(session, (clients) => ({
      virtualMachines: vmReadsThrough(clients.virtualMachines, async (read) => {
        await admin.ops.changeIdentity(target, { kind: 'removeUserAssigned', ids: [ids.storage] });
        return read;
      }),
    }));
    await rejectsWith(new VerifyOperations(racing).verifyIdentity({ vm: target, target: { kind: 'userAssigned', identityId: ids.storage }, resource: ARM }), (error) => {
      assert.equal(error.code, 'IdentityNotFound');
      assert.match(error.message, /not assigned to the VM, or the assignment is still propagating\. Try again in a minute\./);
      assert.match(error.message, /'id-storage'/);
    });
    assert.equal(runCommandPosts().length, 1);
  });

  it('a deallocated VM is explained: start it first', async () => {
    const session = signInAs(fake);
    await session.ops.changeIdentity(vm('vm-data-03'), { kind: 'enableSystemAssigned' });
    await rejectsWith(verifier(session).verifyIdentity({ vm: vm('vm-data-03'), target: { kind: 'systemAssigned' }, resource: ARM }), (error) => {
      assert.equal(error.code, 'VmNotRunning');
      assert.match(error.message, /'vm-data-03' is deallocated.*Start it first/);
    });
  });

  it('a stopped VM is explained: start it first', async () => {
    const session = signInAs(fake);
    await session.ops.changeIdentity(vm('vm-dev-01'), { kind: 'enableSystemAssigned' });
    await rejectsWith(verifier(session).verifyIdentity({ vm: vm('vm-dev-01'), target: { kind: 'systemAssigned' }, resource: ARM }), (error) => {
      assert.equal(error.code, 'VmNotRunning');
      assert.match(error.message, /Start it first/);
    });
  });

  it('a Reader is refused before sending, naming Virtual Machine Contributor and the action', async () => {
    const session = signInAs(fake, demo.reader);
    await rejectsWith(verifier(session).verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'systemAssigned' }, resource: ARM }), (error) => {
      assert.equal(error.kind, 'authorization');
      assert.match(error.message, /Virtual Machine Contributor/);
      assert.match(error.message, /Microsoft\.Compute\/virtualMachines\/runCommand\/action/);
      assert.match(error.message, /vm-web-02/);
    });
    assert.equal(runCommandPosts().length, 0, 'no POST runCommand reached the fake');
  });

  it('a Virtual Machine Contributor may run it', async () => {
    const session = signInAs(fake, demo.vmContributor);
    const result = await verifier(session).verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'systemAssigned' }, resource: ARM });
    assert.ok(result.ok);
  });

  it('a VM without curl says so', async () => {
    const session = signInAs(fake);
    await rejectsWith(verifier(session).verifyIdentity({ vm: vm('vm-dev-03'), target: { kind: 'userAssigned', identityId: ids.deploy }, resource: ARM }), (error) => {
      assert.equal(error.code, 'NoFetcher');
      assert.match(error.message, /'vm-dev-03' has no curl/);
    });
  });

  it('another run in progress says: wait, or try again', async () => {
    const session = signInAs(fake);
    const ops = verifier(session);
    const first = ops.verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'systemAssigned' }, resource: ARM });
    // The second starts once the first's POST has been answered.
    while (runCommandPosts().length === 0) await new Promise((r) => setTimeout(r, 20));
    await rejectsWith(ops.verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'systemAssigned' }, resource: ARM }), (error) => {
      assert.equal(error.code, 'RunCommandInProgress');
      assert.match(error.message, /Another Run Command is still running on 'vm-web-02'\. Wait for it to finish, or try again/);
    });
    assert.ok((await first).ok);
  });

  it('cancelling stops the wait and says the run still finishes on the VM', async () => {
    const session = signInAs(fake);
    const controller = new AbortController();
    const running = verifier(session).verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'systemAssigned' }, resource: ARM }, { signal: controller.signal });
    while (runCommandPosts().length === 0) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await rejectsWith(running, (error) => {
      assert.equal(error.kind, 'cancelled');
      assert.match(error.message, /Run Command cannot be cancelled/);
    });
  });

  it('no token in any output or log, for success and failure alike', async () => {
    const session = signInAs(fake);
    const ok = await verifier(session).verifyIdentity({ vm: vm('vm-web-04'), target: { kind: 'userAssigned', identityId: ids.backend }, resource: ARM });
    let failure: unknown;
    await verifier(session)
      .verifyIdentity({ vm: vm('vm-dev-03'), target: { kind: 'userAssigned', identityId: ids.deploy }, resource: ARM })
      .catch((error: unknown) => (failure = error));
    assert.ok(failure instanceof IdentityError);
    assert.ok(session.logger.lines.some((l) => /runCommand/i.test(l)), 'the log records the run');
    assertNoToken(session, ok, failure, fake.getState());
  });
});
