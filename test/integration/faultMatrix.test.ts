// Guarantee (issue 13): a fault matrix over every write operation. 429, 500, 503 and a dropped connection, once and
// always, on an identity change (VM and scale set), creating a user-assigned identity and a VM, adding to and removing
// from a group, granting and revoking access and deleting an identity; and, where the write has a long-running
// operation (identity changes, Create VM), one that ends Failed, one that never ends and is cancelled, failing status
// polls and a token expiring mid-operation. Each case ends with an honest outcome (success, an ordinary error when
// nothing changed, or an AcceptedWriteError saying what is there now) and the fake's state as the outcome says. Cases
// run concurrently on different resources to keep the suite quick. At the end every log line and message of these
// paths is scanned for tokens and secrets (the normal paths: secrets.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasSystemAssigned } from '../../src/identity/identityChange';
import { AcceptedWriteError, IdentityError } from '../../src/identity/identityError';
import { IdentityOperations } from '../../src/identity/operations';
import type { AccessPrincipal } from '../../src/identity/accessOperations';
import type { IdentityChange } from '../../src/identity/model';
import { sameResourceId } from '../../src/identity/resourceIds';
import { BUILT_IN_ROLE_IDS } from '../../src/identity/roles';
import type { FaultRule } from '../fake-azure/types';
import type { RunningFakeAzure } from '../fake-azure/server';
import { secretFindings } from '../secretScan';
import { demo, ids, newWindowsVmRequest, scaleSet, signInAs, startFake, stateScaleSet, stateVm, uaiId, vm, type SignedIn } from './harness';

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
/** The password of the VMs these tests create: it must appear in no log line or message. */
const secretPassword = 'Fault-Matrix-Secret-9!';

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

  // The other writes, each under every transient case. `attempt` runs the write on the case's own resource and says
  // whether it reported success; `done` reads the fake's state: after success the change must be there, after an
  // ordinary error it must not be (nothing changed), unless the error says it already was as asked.
  type Write = { name: string; resources: number; fault: (index: number) => Pick<FaultRule, 'method' | 'path'>; attempt: (ops: IdentityOperations, index: number) => Promise<unknown>; done: (index: number) => boolean; setUp?: () => Promise<void> };
  const production = `/subscriptions/${demo.production}`;
  const reader = { id: `${production}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS.reader}`, roleName: 'Reader' };
  const principalOf = (name: string): AccessPrincipal => ({ kind: 'systemAssigned', host: vm(name), principalId: stateVm(fake, name).identity.principalId! });
  const readerAt = (principal: AccessPrincipal, scope: string) =>
    fake.getState().roleAssignments.find((ra) => ra.principalId === (principal as { principalId: string }).principalId && ra.scope.toLowerCase() === scope.toLowerCase() && ra.roleDefinitionName === 'Reader');
  const withSystem = ['vm-web-02', 'vm-web-04', 'vm-data-01', 'vm-dev-02'];
  // A scope of its own for each case, so that one case's fault never meets another case's request.
  const rgScope = (index: number) => [`${production}/resourceGroups/rg-web`, `${production}/resourceGroups/rg-data`, production, `/subscriptions/${demo.development}/resourceGroups/rg-dev`][index]!;
  // Windows, so that the create sends a password: the scan at the end looks for it.
  const newVm = (index: number) => newWindowsVmRequest(secretPassword, { name: `vm-fault-${index}` });
  const scaleSets = ['vmss-web', 'vmss-api', 'vmss-data-flex', 'vmss-dev-flex'];
  /** A change each scale set does not have yet: an identity of its own subscription, or (vmss-dev-flex, which has the
   *  only one there) turning its system-assigned identity off. */
  const scaleSetChange = (index: number): IdentityChange => (index === 3 ? { kind: 'disableSystemAssigned' } : { kind: 'assignUserAssigned', ids: [[ids.monitor, ids.monitor, ids.backend][index]!] });
  const scaleSetChanged = (index: number): boolean => {
    const identity = stateScaleSet(fake, scaleSets[index]!).identity;
    const change = scaleSetChange(index);
    return change.kind === 'assignUserAssigned' ? Object.keys(identity.userAssignedIdentities ?? {}).some((id) => sameResourceId(id, change.ids[0]!)) : !hasSystemAssigned(identity.type);
  };
  const members = (groupName: string) => fake.getState().groups.find((g) => g.displayName === groupName)!.members;
  const identityNamed = (name: string) => fake.getState().userAssignedIdentities.find((u) => u.name === name);
  const writesUnderFaults: Write[] = [
    {
      name: 'creating a VM',
      resources: 8,
      fault: (index) => ({ method: 'PUT', path: `/virtualMachines/vm-fault-${index}$` }),
      attempt: (ops, index) => ops.createVirtualMachine(newVm(index)),
      done: (index) => fake.getState().virtualMachines.some((v) => v.name === `vm-fault-${index}`),
    },
    {
      name: 'removing from a group',
      resources: 4,
      // Each VM's identity first joins sg-monitoring, so that each case removes a membership of its own.
      setUp: async () => {
        const { ops } = signInAs(fake);
        const group = fake.getState().groups.find((g) => g.displayName === 'sg-monitoring')!;
        for (const name of withSystem) await ops.addToGroup(vm(name), group.id).catch(() => {});
      },
      fault: (index) => ({ method: 'DELETE', path: `/members/${stateVm(fake, withSystem[index]!).identity.principalId}/\\$ref$` }),
      attempt: (ops, index) => ops.removeFromGroup(vm(withSystem[index]!), fake.getState().groups.find((g) => g.displayName === 'sg-monitoring')!.id, { groupName: 'sg-monitoring' }),
      done: (index) => !members('sg-monitoring').includes(stateVm(fake, withSystem[index]!).identity.principalId!),
    },
    {
      name: 'granting access',
      resources: 4,
      fault: (index) => ({ method: 'PUT', path: `^${rgScope(index)}/providers/Microsoft.Authorization/roleAssignments/` }),
      attempt: (ops, index) => ops.access.grantAccess(principalOf(withSystem[index]!), rgScope(index), reader),
      done: (index) => readerAt(principalOf(withSystem[index]!), rgScope(index)) !== undefined,
    },
    {
      name: 'revoking access',
      resources: 4,
      setUp: async () => {
        const { ops } = signInAs(fake);
        for (const [index, name] of withSystem.entries()) await ops.access.grantAccess(principalOf(name), rgScope(index), reader);
      },
      fault: (index) => ({ method: 'DELETE', path: `^${rgScope(index)}/providers/Microsoft.Authorization/roleAssignments/` }),
      attempt: async (ops, index) => {
        const principal = principalOf(withSystem[index]!);
        const entry = (await ops.access.listRoleAssignments(principal)).find((e) => e.roleName === 'Reader' && sameResourceId(e.assignment.scope, rgScope(index)))!;
        return ops.access.revokeAccess(principal, entry.assignment, 'Reader');
      },
      done: (index) => readerAt(principalOf(withSystem[index]!), rgScope(index)) === undefined,
    },
    {
      name: 'deleting a user-assigned identity',
      resources: 8,
      setUp: async () => {
        const { ops } = signInAs(fake);
        for (let index = 0; index < 8; index++) await ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: `id-gone-${index}`, location: 'eastus' });
      },
      fault: (index) => ({ method: 'DELETE', path: `/userAssignedIdentities/id-gone-${index}$` }),
      attempt: (ops, index) => ops.access.deleteUserAssignedIdentity({ id: uaiId(demo.production, 'rg-web', `id-gone-${index}`), name: `id-gone-${index}`, subscriptionId: demo.production, resourceGroup: 'rg-web' }),
      done: (index) => identityNamed(`id-gone-${index}`) === undefined,
    },
    {
      name: "changing a scale set's identity",
      resources: 4,
      fault: (index) => ({ method: 'PATCH', path: `/virtualMachineScaleSets/${scaleSets[index]}$` }),
      attempt: (ops, index) => ops.changeIdentity(scaleSet(scaleSets[index]!), scaleSetChange(index)),
      done: scaleSetChanged,
    },
  ];

  for (const write of writesUnderFaults) {
    it(`${write.name} under each transient fault, once and always`, async () => {
      fake.reset();
      await write.setUp?.();
      const { ops } = session();
      for (let start = 0; start < cases.length; start += write.resources) {
        fake.clearFaults();
        await Promise.all(cases.slice(start, start + write.resources).map(async ({ name, fault, always }, offset) => {
          const index = offset;
          const label = `${write.name}, ${name}`;
          const wasDone = write.done(index);
          assert.ok(!wasDone, `${label}: not yet done`);
          fake.addFaults([{ ...fault, ...write.fault(index) }]);
          try {
            await write.attempt(ops, index);
            assert.ok(!always, `${label}: cannot succeed when every attempt fails`);
            assert.ok(write.done(index), `${label}: reported done, and done`);
          } catch (error) {
            assert.ok(error instanceof IdentityError && !(error instanceof AcceptedWriteError), `${label}: ${String(error)}`);
            messages.push(error.message, error.toLogLine());
            assert.ok(always, `${label}: ${error.message}`);
            assert.equal(write.done(index), false, `${label}: an error, and nothing changed (${error.message})`);
          }
        }));
        // The next batch reuses the resources: put back what this batch did.
        if (start + write.resources < cases.length) {
          fake.reset();
          await write.setUp?.();
        }
      }
    });
  }

  it('long-running faults on creating a VM and on a scale set: ends Failed, never ends then cancelled, failing polls, a token expiring mid-operation', async () => {
    fake.reset();
    const { account } = session();
    const ops = new IdentityOperations(account.clients, { settlePollMs: 100, operationTimeoutMs: 5000 });
    const pollFault = (status: number, code?: string): FaultRule[] => [{ method: 'GET', path: '/locations/[^/]+/operations/', kind: 'status', status, times: status === 401 ? 1 : 0, ...(code ? { errorCode: code } : {}) }];
    const cancelOnWait = (controller: AbortController) => (message: string) => message.startsWith('Waiting for Azure') && setTimeout(() => controller.abort(), 300);
    const outcome = async (faults: FaultRule[], run: (signal: AbortSignal, onProgress: (m: string) => void) => Promise<unknown>, cancel = false) => {
      fake.clearFaults();
      fake.addFaults(faults);
      const controller = new AbortController();
      try {
        await run(controller.signal, cancel ? cancelOnWait(controller) : () => {});
        return undefined;
      } catch (error) {
        assert.ok(error instanceof IdentityError, String(error));
        messages.push(error.message, error.toLogLine());
        return error;
      }
    };
    const vmExists = (name: string) => fake.getState().virtualMachines.some((v) => v.name === name);

    // Creating a VM. The fake, as Azure may, has made the VM when its operation fails or is left: the outcome must
    // not say it was not created while it exists.
    const creates: [string, FaultRule[], boolean][] = [
      ['ends Failed', [{ method: 'PUT', path: '/virtualMachines/vm-lro-0$', kind: 'lroFailed' }], false],
      ['never ends, cancelled', [{ method: 'PUT', path: '/virtualMachines/vm-lro-1$', kind: 'lroNeverEnds' }], true],
      ['failing status polls', pollFault(404), false],
      ['a token expiring mid-operation', pollFault(401, 'ExpiredAuthenticationToken'), false],
    ];
    for (const [index, [label, faults, cancel]] of creates.entries()) {
      const name = `vm-lro-${index}`;
      const error = await outcome(faults, (signal, onProgress) => ops.createVirtualMachine({ ...newVm(index), name }, { signal, onProgress }), cancel);
      if (error === undefined) {
        assert.ok(vmExists(name), `create VM, ${label}: reported created, and it exists`);
      } else if (vmExists(name)) {
        assert.ok(error instanceof AcceptedWriteError, `create VM, ${label}: it exists, yet the error says ${(error as Error).message}`);
        assert.doesNotMatch((error as Error).message, /Could not create/, `create VM, ${label}`);
      }
    }

    // A scale set's identity change: what the message says the scale set has is what the fake holds.
    // One after another (a status-poll fault matches every poll), each assigning an identity the scale set lacks.
    const changes: [string, string, string, FaultRule[], boolean][] = [
      ['ends Failed', 'vmss-api', ids.monitor, [{ method: 'PATCH', path: '/virtualMachineScaleSets/vmss-api$', kind: 'lroFailed' }], false],
      ['never ends, cancelled', 'vmss-data-flex', ids.backend, [{ method: 'PATCH', path: '/virtualMachineScaleSets/vmss-data-flex$', kind: 'lroNeverEnds' }], true],
      ['failing status polls', 'vmss-web', ids.monitor, pollFault(404), false],
      ['a token expiring mid-operation', 'vmss-web', ids.storage, pollFault(401, 'ExpiredAuthenticationToken'), false],
    ];
    for (const [label, name, identityId, faults, cancel] of changes) {
      assert.ok(!Object.keys(stateScaleSet(fake, name).identity.userAssignedIdentities ?? {}).some((id) => sameResourceId(id, identityId)), `${name} lacks it first`);
      const has = () => Object.keys(stateScaleSet(fake, name).identity.userAssignedIdentities ?? {}).some((id) => sameResourceId(id, identityId));
      const error = await outcome(faults, (signal, onProgress) => ops.changeIdentity(scaleSet(name), { kind: 'assignUserAssigned', ids: [identityId] }, { signal, onProgress }), cancel);
      if (error === undefined) {
        assert.ok(has(), `${name}, ${label}: reported changed, and changed`);
      } else {
        assert.ok(error instanceof AcceptedWriteError, `${name}, ${label}: ${(error as Error).message}`);
        assert.equal(has(), true, `${name}, ${label}`);
        assert.match((error as Error).message, new RegExp(`'${name}' now has .*'${identityId.split('/').pop()}'`), `${name}, ${label}: says what it has now`);
      }
    }
  });

  it('no token, secret or Authorization header in any log line or message of these paths', () => {
    const text = [...messages, ...sessions.flatMap((s) => s.logger.lines)].join('\n');
    assert.ok(text.length > 0);
    assert.deepEqual(secretFindings(text, [demo.admin.secret!, secretPassword]), []);
  });
});
