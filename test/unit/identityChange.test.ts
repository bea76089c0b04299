// Table-driven tests of the pure planner: every current identity type crossed with every change, asserting the
// next type, the exact PATCH body, and refusals. A small model of ARM's PATCH semantics (azure-wire-facts.md §1)
// then checks that each body really produces the planned identity and drops nothing that was not asked for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IdentityPatch } from '../../src/identity/ports';
import { planIdentityChange, type IdentityPlan } from '../../src/identity/identityChange';
import type { IdentityChange, IdentityType, VmIdentity } from '../../src/identity/model';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
// Stored as ARM often answers: `resourcegroups` in lower case.
const A = `/subscriptions/${SUB}/resourcegroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend`;
const B = `/subscriptions/${SUB}/resourcegroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage`;
const C = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-monitor`;
// A as a person might type it: differs only in case.
const A_OTHER_CASE = `/SUBSCRIPTIONS/${SUB}/resourceGroups/RG-WEB/providers/microsoft.managedidentity/userassignedidentities/ID-BACKEND`;
const VM = 'vm-web-01';

function identity(type: IdentityType, ids: string[]): VmIdentity {
  const system = type.startsWith('SystemAssigned');
  return {
    type,
    ...(system ? { principalId: '11111111-1111-4111-8111-111111111111', tenantId: '8f3e1a2b-4c5d-4e6f-9a0b-1c2d3e4f5a6b' } : {}),
    userAssignedIdentities: Object.fromEntries(ids.map((id) => [id, { principalId: `p-${id.slice(-4)}`, clientId: `c-${id.slice(-4)}` }])),
  };
}

const states = {
  None: identity('None', []),
  SystemAssigned: identity('SystemAssigned', []),
  'UserAssigned(1)': identity('UserAssigned', [A]),
  'UserAssigned(2)': identity('UserAssigned', [A, B]),
  'SystemAssigned, UserAssigned(1)': identity('SystemAssigned, UserAssigned', [A]),
  'SystemAssigned, UserAssigned(2)': identity('SystemAssigned, UserAssigned', [A, B]),
} as const;
type StateName = keyof typeof states;

const changes = {
  enable: { kind: 'enableSystemAssigned' },
  disable: { kind: 'disableSystemAssigned' },
  'assign new': { kind: 'assignUserAssigned', ids: [C] },
  'assign present (other case)': { kind: 'assignUserAssigned', ids: [A_OTHER_CASE] },
  'remove one (other case)': { kind: 'removeUserAssigned', ids: [A_OTHER_CASE] },
  'remove the last ones': { kind: 'removeUserAssigned', ids: [A, B] },
  'remove unknown': { kind: 'removeUserAssigned', ids: [C] },
  'remove all': { kind: 'removeAllUserAssigned' },
} as const satisfies Record<string, IdentityChange>;
type ChangeName = keyof typeof changes;

type Expected =
  | { change: { type: IdentityType; ids: string[]; patch: IdentityPatch } }
  | { unchanged: string }
  | { refused: string; message?: string };

const SU = 'SystemAssigned, UserAssigned' as const;
const notAssociated = (ids: string) => ({ refused: 'notAssociated', message: `'${ids}' are not associated with '${VM}'` });

const table: Record<StateName, Record<ChangeName, Expected>> = {
  None: {
    enable: { change: { type: 'SystemAssigned', ids: [], patch: { type: 'SystemAssigned' } } },
    disable: { unchanged: 'alreadyDisabled' },
    'assign new': { change: { type: 'UserAssigned', ids: [C], patch: { type: 'UserAssigned', userAssignedIdentities: { [C]: {} } } } },
    'assign present (other case)': {
      change: { type: 'UserAssigned', ids: [A_OTHER_CASE], patch: { type: 'UserAssigned', userAssignedIdentities: { [A_OTHER_CASE]: {} } } },
    },
    'remove one (other case)': notAssociated(A_OTHER_CASE),
    'remove the last ones': notAssociated(`${A}, ${B}`),
    'remove unknown': notAssociated(C),
    'remove all': { unchanged: 'noUserAssigned' },
  },
  SystemAssigned: {
    enable: { unchanged: 'alreadyEnabled' },
    disable: { change: { type: 'None', ids: [], patch: { type: 'None' } } },
    'assign new': { change: { type: SU, ids: [C], patch: { type: SU, userAssignedIdentities: { [C]: {} } } } },
    'assign present (other case)': {
      change: { type: SU, ids: [A_OTHER_CASE], patch: { type: SU, userAssignedIdentities: { [A_OTHER_CASE]: {} } } },
    },
    'remove one (other case)': notAssociated(A_OTHER_CASE),
    'remove the last ones': notAssociated(`${A}, ${B}`),
    'remove unknown': notAssociated(C),
    'remove all': { unchanged: 'noUserAssigned' },
  },
  'UserAssigned(1)': {
    // Type alone: ARM keeps the user-assigned identities while the type still includes UserAssigned.
    enable: { change: { type: SU, ids: [A], patch: { type: SU } } },
    disable: { unchanged: 'alreadyDisabled' },
    'assign new': { change: { type: 'UserAssigned', ids: [A, C], patch: { type: 'UserAssigned', userAssignedIdentities: { [C]: {} } } } },
    'assign present (other case)': { unchanged: 'alreadyAssigned' },
    'remove one (other case)': { change: { type: 'None', ids: [], patch: { type: 'None' } } },
    'remove the last ones': notAssociated(B),
    'remove unknown': notAssociated(C),
    'remove all': { change: { type: 'None', ids: [], patch: { type: 'None' } } },
  },
  'UserAssigned(2)': {
    enable: { change: { type: SU, ids: [A, B], patch: { type: SU } } },
    disable: { unchanged: 'alreadyDisabled' },
    'assign new': { change: { type: 'UserAssigned', ids: [A, B, C], patch: { type: 'UserAssigned', userAssignedIdentities: { [C]: {} } } } },
    'assign present (other case)': { unchanged: 'alreadyAssigned' },
    // The removed key is sent in the casing ARM stored, not the casing asked for.
    'remove one (other case)': { change: { type: 'UserAssigned', ids: [B], patch: { type: 'UserAssigned', userAssignedIdentities: { [A]: null } } } },
    'remove the last ones': { change: { type: 'None', ids: [], patch: { type: 'None' } } },
    'remove unknown': notAssociated(C),
    'remove all': { change: { type: 'None', ids: [], patch: { type: 'None' } } },
  },
  'SystemAssigned, UserAssigned(1)': {
    enable: { unchanged: 'alreadyEnabled' },
    disable: { change: { type: 'UserAssigned', ids: [A], patch: { type: 'UserAssigned' } } },
    'assign new': { change: { type: SU, ids: [A, C], patch: { type: SU, userAssignedIdentities: { [C]: {} } } } },
    'assign present (other case)': { unchanged: 'alreadyAssigned' },
    'remove one (other case)': { change: { type: 'SystemAssigned', ids: [], patch: { type: 'SystemAssigned' } } },
    'remove the last ones': notAssociated(B),
    'remove unknown': notAssociated(C),
    'remove all': { change: { type: 'SystemAssigned', ids: [], patch: { type: 'SystemAssigned' } } },
  },
  'SystemAssigned, UserAssigned(2)': {
    enable: { unchanged: 'alreadyEnabled' },
    disable: { change: { type: 'UserAssigned', ids: [A, B], patch: { type: 'UserAssigned' } } },
    'assign new': { change: { type: SU, ids: [A, B, C], patch: { type: SU, userAssignedIdentities: { [C]: {} } } } },
    'assign present (other case)': { unchanged: 'alreadyAssigned' },
    'remove one (other case)': { change: { type: SU, ids: [B], patch: { type: SU, userAssignedIdentities: { [A]: null } } } },
    'remove the last ones': { change: { type: 'SystemAssigned', ids: [], patch: { type: 'SystemAssigned' } } },
    'remove unknown': notAssociated(C),
    'remove all': { change: { type: 'SystemAssigned', ids: [], patch: { type: 'SystemAssigned' } } },
  },
};

/** ARM's PATCH semantics for `identity`, as azure-wire-facts.md §1 states them, independent of the planner. */
function applyPatchLikeArm(current: VmIdentity, patch: IdentityPatch): { type: string; ids: string[] } {
  if (patch.type === 'None') {
    return { type: 'None', ids: [] };
  }
  if (patch.type === 'SystemAssigned') {
    return { type: 'SystemAssigned', ids: [] };
  }
  let ids = Object.keys(current.userAssignedIdentities);
  for (const [key, value] of Object.entries(patch.userAssignedIdentities ?? {})) {
    const existing = ids.find((id) => id.toLowerCase() === key.toLowerCase());
    if (value === null) {
      assert.ok(existing, `PATCH removes ${key}, which is not on the VM`);
      ids = ids.filter((id) => id !== existing);
    } else if (!existing) {
      ids.push(key);
    }
  }
  assert.ok(ids.length > 0, `type ${patch.type} with no user-assigned identity left is a 400 in ARM`);
  return { type: patch.type, ids };
}

function assertPlan(plan: IdentityPlan, expected: Expected, current: VmIdentity, change: IdentityChange): void {
  if ('change' in expected) {
    assert.equal(plan.outcome, 'change', `expected a change, got ${plan.outcome}: ${plan.message}`);
    if (plan.outcome !== 'change') return;
    assert.equal(plan.next.type, expected.change.type);
    assert.deepEqual(plan.next.userAssignedIds, expected.change.ids);
    // The exact body, compared as JSON so that an `undefined` key would show up as a difference too.
    assert.equal(JSON.stringify(plan.patch), JSON.stringify(expected.change.patch));
    assert.deepEqual(plan.patch, expected.change.patch);

    // The body produces the planned identity under ARM's rules...
    const applied = applyPatchLikeArm(current, plan.patch);
    assert.equal(applied.type, plan.next.type);
    assert.deepEqual(applied.ids.map((id) => id.toLowerCase()).sort(), plan.next.userAssignedIds.map((id) => id.toLowerCase()).sort());
    // ...and drops nothing it was not asked to drop.
    const askedToDrop = (id: string) =>
      change.kind === 'removeAllUserAssigned' ||
      (change.kind === 'removeUserAssigned' && change.ids.some((asked) => asked.toLowerCase() === id.toLowerCase()));
    for (const id of Object.keys(current.userAssignedIdentities).filter((id) => !askedToDrop(id))) {
      assert.ok(applied.ids.some((kept) => kept.toLowerCase() === id.toLowerCase()), `${id} was dropped`);
    }
    const hadSystem = current.type.startsWith('SystemAssigned');
    if (hadSystem && change.kind !== 'disableSystemAssigned') {
      assert.ok(applied.type.startsWith('SystemAssigned'), 'the system-assigned identity was dropped');
    }
  } else if ('unchanged' in expected) {
    assert.equal(plan.outcome, 'unchanged', `expected no change, got ${plan.outcome}: ${plan.message}`);
    if (plan.outcome === 'unchanged') assert.equal(plan.reason, expected.unchanged);
  } else {
    assert.equal(plan.outcome, 'refused', `expected a refusal, got ${plan.outcome}: ${plan.message}`);
    if (plan.outcome !== 'refused') return;
    assert.equal(plan.reason, expected.refused);
    if (expected.message) assert.equal(plan.message, expected.message);
  }
}

describe('planIdentityChange: every current type × every change', () => {
  for (const [stateName, current] of Object.entries(states) as [StateName, VmIdentity][]) {
    for (const [changeName, change] of Object.entries(changes) as [ChangeName, IdentityChange][]) {
      it(`${stateName} + ${changeName}`, () => {
        const before = structuredClone(current);
        assertPlan(planIdentityChange(current, change, VM), table[stateName][changeName], current, change);
        assert.deepEqual(current, before, 'the planner must not modify its input');
      });
    }
  }
});

describe('planIdentityChange: details', () => {
  it('assigning a mix of present and new ids sends only the new ones', () => {
    const plan = planIdentityChange(states['UserAssigned(1)'], { kind: 'assignUserAssigned', ids: [A_OTHER_CASE, C] }, VM);
    assert.equal(plan.outcome, 'change');
    if (plan.outcome === 'change') assert.deepEqual(plan.patch, { type: 'UserAssigned', userAssignedIdentities: { [C]: {} } });
  });

  it('assigning the same new id twice in different cases sends one key', () => {
    const plan = planIdentityChange(states.None, { kind: 'assignUserAssigned', ids: [C, C.toLowerCase(), ` ${C} `] }, VM);
    assert.equal(plan.outcome, 'change');
    if (plan.outcome === 'change') assert.deepEqual(Object.keys(plan.patch.userAssignedIdentities ?? {}), [C]);
  });

  it('removing a known and an unknown id is refused as a whole, naming only the unknown one', () => {
    const plan = planIdentityChange(states['UserAssigned(2)'], { kind: 'removeUserAssigned', ids: [A, C] }, VM);
    assert.equal(plan.outcome, 'refused');
    assert.equal(plan.message, `'${C}' are not associated with '${VM}'`);
  });

  it('an empty list is refused for assign and remove', () => {
    for (const kind of ['assignUserAssigned', 'removeUserAssigned'] as const) {
      const plan = planIdentityChange(states['UserAssigned(1)'], { kind, ids: ['  '] }, VM);
      assert.equal(plan.outcome, 'refused');
      if (plan.outcome === 'refused') assert.equal(plan.reason, 'noIdentitiesGiven');
    }
  });

  it('something that is not a user-assigned identity id is refused', () => {
    const vmId = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-02`;
    for (const bad of ['id-backend', vmId]) {
      const plan = planIdentityChange(states.None, { kind: 'assignUserAssigned', ids: [bad] }, VM);
      assert.equal(plan.outcome, 'refused');
      if (plan.outcome === 'refused') {
        assert.equal(plan.reason, 'notAUserAssignedIdentityId');
        assert.match(plan.message, /not the resource id of a user-assigned identity/);
      }
    }
  });

  it('messages name the VM and the identities by name', () => {
    const enabled = planIdentityChange(states.SystemAssigned, { kind: 'enableSystemAssigned' }, VM);
    assert.match(enabled.message, /already enabled/);
    assert.match(enabled.message, /vm-web-01/);
    const assigned = planIdentityChange(states.None, { kind: 'assignUserAssigned', ids: [C] }, VM);
    assert.equal(assigned.message, `Assigned 'id-monitor' to 'vm-web-01'.`);
    const removed = planIdentityChange(states['UserAssigned(2)'], { kind: 'removeAllUserAssigned' }, VM);
    assert.equal(removed.message, `Removed 'id-backend', 'id-storage' from 'vm-web-01'.`);
  });

  it('remove all with the reviewed ids (any case) removes them', () => {
    const plan = planIdentityChange(states['SystemAssigned, UserAssigned(2)'], { kind: 'removeAllUserAssigned', expectedIds: [B, A_OTHER_CASE] }, VM);
    assert.equal(plan.outcome, 'change');
    if (plan.outcome === 'change') assert.deepEqual(plan.patch, { type: 'SystemAssigned' });
  });

  it('remove all is refused, naming the identity, when one appeared since the user reviewed them', () => {
    const plan = planIdentityChange(identity('UserAssigned', [A, B, C]), { kind: 'removeAllUserAssigned', expectedIds: [A, B] }, VM);
    assert.equal(plan.outcome, 'refused');
    if (plan.outcome === 'refused') {
      assert.equal(plan.reason, 'changedSinceReviewed');
      assert.equal(plan.message, "The user-assigned identities of 'vm-web-01' changed since you reviewed them ('id-monitor' appeared). Nothing was removed; review them again.");
    }
  });

  it('remove all is refused when a reviewed identity disappeared, and names both kinds of change', () => {
    const gone = planIdentityChange(states['UserAssigned(1)'], { kind: 'removeAllUserAssigned', expectedIds: [A, B] }, VM);
    assert.equal(gone.outcome, 'refused');
    assert.match(gone.message, /\('id-storage' disappeared\)/);
    const both = planIdentityChange(identity('UserAssigned', [A, C]), { kind: 'removeAllUserAssigned', expectedIds: [A, B] }, VM);
    assert.match(both.message, /\('id-monitor' appeared; 'id-storage' disappeared\)/);
    const none = planIdentityChange(states.SystemAssigned, { kind: 'removeAllUserAssigned', expectedIds: [A] }, VM);
    assert.equal(none.outcome, 'refused');
  });

  it('every message goes through the localize function given, with {n} placeholders', () => {
    const calls: string[] = [];
    const t = (message: string, ...args: Array<string | number | boolean>) => {
      calls.push(message);
      return `[${message}|${args.join('|')}]`;
    };
    const plan = planIdentityChange(states.None, { kind: 'assignUserAssigned', ids: [C] }, VM, t);
    assert.equal(plan.message, "[Assigned {0} to '{1}'.|'id-monitor'|vm-web-01]");
    assert.ok(calls.every((m) => !m.includes('vm-web-01')), 'values are arguments, not part of the message');
  });
});
