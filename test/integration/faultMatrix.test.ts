// Guarantee (issue 13): a fault matrix over the write operations. 429, 500, 503 and a dropped connection, once and
// always, on an identity change, an identity create and a group change; an operation that ends Failed, one that
// never ends and is cancelled, failing status polls and a token expiring mid-operation. Each case ends with an honest
// outcome (success, an ordinary error when nothing changed, or an AcceptedWriteError saying what the VM has now) and
// the fake's state as the outcome says. Cases run concurrently on different resources to keep the suite quick. At the
// end every log line and message of these paths is scanned for tokens and secrets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasSystemAssigned } from '../../src/identity/identityChange';
import { AcceptedWriteError, IdentityError } from '../../src/identity/identityError';
import { IdentityOperations } from '../../src/identity/operations';
import type { FaultRule } from '../fake-azure/types';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, signInAs, startFake, stateVm, vm, type SignedIn } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());

type Fault = Omit<FaultRule, 'path' | 'method'>;
const transient: [string, Fault][] = [
  ['429', { kind: 'status', status: 429, retryAfterSeconds: 1 }],
  ['500', { kind: 'status', status: 500 }],
  ['503', { kind: 'status', status: 503, retryAfterSeconds: 1 }],
  ['a dropped connection', { kind: 'drop' }],
];
const cases = transient.flatMap(([name, fault]) => [
  { name: `${name} once`, fault: { ...fault, times: 1 }, always: false },
  { name: `${name} always`, fault: { ...fault, times: 0 }, always: true },
]);

const sessions: SignedIn[] = [];
const messages: string[] = [];
function session(): SignedIn {
  const signedIn = signInAs(fake);
  sessions.push(signedIn);
  return signedIn;
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('fault matrix', () => {
  it('an identity change under each transient fault, once and always', async () => {
    fake.reset();
    const names = ['vm-web-01', 'vm-web-02', 'vm-web-03', 'vm-web-04', 'vm-data-01', 'vm-data-02', 'vm-data-03', 'vm-dev-01'];
    const { ops } = session();
    await Promise.all(
      cases.map(async ({ name, fault, always }, index) => {
        const target = names[index]!;
        const hadSystem = hasSystemAssigned(stateVm(fake, target).identity.type);
        fake.addFaults([{ ...fault, method: 'PATCH', path: `/virtualMachines/${target}$` }]);
        try {
          const result = await ops.changeIdentity(vm(target), { kind: hadSystem ? 'disableSystemAssigned' : 'enableSystemAssigned' });
          assert.ok(!always, `${name}: the write cannot succeed when every PATCH fails`);
          assert.equal(result.status, 'changed');
          assert.equal(hasSystemAssigned(stateVm(fake, target).identity.type), !hadSystem, name);
        } catch (error) {
          assert.ok(always, `${name} (${target}): ${String(error)}`);
          assert.ok(error instanceof IdentityError && !(error instanceof AcceptedWriteError), `${name}: ${String(error)}`);
          messages.push(error.message, error.toLogLine());
          // Refused before Azure accepted it: nothing changed, as an ordinary error says.
          assert.equal(hasSystemAssigned(stateVm(fake, target).identity.type), hadSystem, name);
        }
      }),
    );
  });

  it('creating a user-assigned identity under each transient fault, once and always', async () => {
    fake.reset();
    const { ops } = session();
    await Promise.all(
      cases.map(async ({ name, fault, always }, index) => {
        const identity = `id-fault-${index}`;
        fake.addFaults([{ ...fault, method: 'PUT', path: `/userAssignedIdentities/${identity}$` }]);
        const exists = () => fake.getState().userAssignedIdentities.some((u) => u.name === identity);
        try {
          await ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: identity, location: 'eastus' });
          assert.ok(!always, name);
          assert.ok(exists(), `${name}: created`);
        } catch (error) {
          assert.ok(always, `${name}: ${String(error)}`);
          assert.ok(error instanceof IdentityError, String(error));
          messages.push(error.message, error.toLogLine());
          assert.ok(!exists(), `${name}: nothing created`);
        }
      }),
    );
  });

  it('a group change under each transient fault, once and always', async () => {
    fake.reset();
    const { ops } = session();
    const vms = ['vm-web-02', 'vm-web-04', 'vm-data-01', 'vm-dev-02'];
    // One group per case within a batch, so that one case's fault never meets another case's request.
    const groups = fake.getState().groups.slice(0, vms.length);
    for (const batch of [cases.slice(0, vms.length), cases.slice(vms.length)]) {
      fake.clearFaults();
      await Promise.all(batch.map(async ({ name, fault, always }, index) => {
        const target = vms[index]!;
        const group = groups[index]!;
        const principalId = stateVm(fake, target).identity.principalId!;
        fake.addFaults([{ ...fault, method: 'POST', path: `/groups/${group.id}/members/\\$ref$` }]);
        const member = () => fake.getState().groups.find((g) => g.id === group.id)!.members.includes(principalId);
        const wasMember = member();
        try {
          await ops.addToGroup(vm(target), group.id, { groupName: group.displayName });
          assert.ok(!always, name);
          assert.ok(member(), `${name}: added`);
        } catch (error) {
          assert.ok(error instanceof IdentityError, String(error));
          messages.push(error.message, error.toLogLine());
          // A retried add that had landed is "already a member": honest, and the membership is there.
          if (error.kind === 'alreadyMember') {
            assert.ok(member(), name);
          } else {
            assert.ok(always, `${name}: ${String(error)}`);
            assert.equal(member(), wasMember, `${name}: nothing changed`);
          }
        }
      }));
    }
  });

  it('long-running faults: ends Failed, never ends then cancelled, failing polls, a token expiring mid-operation', async () => {
    fake.reset();
    const { account } = session();
    const ops = new IdentityOperations(account.clients, { settlePollMs: 100, operationTimeoutMs: 5000 });
    const lro = async (target: string, faults: FaultRule[], check: (error: unknown) => void, cancel = false) => {
      fake.clearFaults();
      fake.addFaults(faults);
      const controller = new AbortController();
      try {
        await ops.changeIdentity(vm(target), { kind: 'enableSystemAssigned' }, {
          signal: controller.signal,
          onProgress: (message) => cancel && message.startsWith('Waiting for Azure') && setTimeout(() => controller.abort(), 300),
        });
        check(undefined);
      } catch (error) {
        if (error instanceof IdentityError) messages.push(error.message, error.toLogLine());
        check(error);
      }
    };
    const acceptedWithSystem = (target: string, end: string) => (error: unknown) => {
      assert.ok(error instanceof AcceptedWriteError, `${target}: ${String(error)}`);
      assert.equal(error.end, end);
      // What the message says is what the fake holds.
      assert.equal(hasSystemAssigned(stateVm(fake, target).identity.type), true);
      assert.match(error.message, new RegExp(`'${target}' now has a system-assigned identity`));
    };
    // One after another: a status-poll fault matches every operation's poll.
    for (const run of [
      () => lro('vm-web-01', [{ method: 'PATCH', path: '/virtualMachines/vm-web-01$', kind: 'lroFailed' }], acceptedWithSystem('vm-web-01', 'failed')),
      () => lro('vm-web-03', [{ method: 'PATCH', path: '/virtualMachines/vm-web-03$', kind: 'lroNeverEnds' }], (error) => {
        acceptedWithSystem('vm-web-03', 'cancelled')(error);
        assert.equal((error as IdentityError).kind, 'cancelled');
      }, true),
      () => lro('vm-data-02', [{ method: 'GET', path: '/locations/[^/]+/operations/', kind: 'status', status: 404, times: 0 }], acceptedWithSystem('vm-data-02', 'outcomeUnknown')),
      () => lro('vm-data-03', [{ method: 'GET', path: '/locations/[^/]+/operations/', kind: 'status', status: 401, errorCode: 'ExpiredAuthenticationToken', times: 1 }], (error) => {
        // The 401 drops the token and the poll is sent again: the write completes.
        assert.equal(error, undefined, String(error));
        assert.equal(hasSystemAssigned(stateVm(fake, 'vm-data-03').identity.type), true);
      }),
    ]) {
      await run();
    }
  });

  it('no token, secret or Authorization header in any log line or message of these paths', () => {
    const text = [...messages, ...sessions.flatMap((s) => s.logger.lines)].join('\n');
    assert.ok(text.length > 0);
    for (const forbidden of [/eyJ[A-Za-z0-9_-]{10,}/, /Bearer\s+[A-Za-z0-9]/i, /authorization\s*[:=]/i, new RegExp(escapeRegExp(demo.admin.secret!))]) {
      assert.doesNotMatch(text, forbidden);
    }
  });
});
