// Microsoft.Authorization/permissions evaluated as Azure evaluates it (wire facts §8), the action each write needs,
// the refusal's wording, and the per-scope cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PermissionsClient } from '../../src/identity/accessPorts';
import {
  accessRefusal,
  accessRequirement,
  actionMatches,
  checkAccess,
  createIdentityRequirements,
  identityChangeRequirements,
  isActionAllowed,
  missingRequirements,
  PermissionsCache,
  type PermissionEntry,
} from '../../src/identity/permissions';
import type { IdentityHostRef } from '../../src/identity/model';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-web`;
const VM_ID = `${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
const UAI_ID = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend`;
const VM: IdentityHostRef = { kind: 'virtualMachine', subscriptionId: SUB, resourceGroup: 'rg-web', name: 'vm-web-01', id: VM_ID };

// The built-in roles' permission blocks, as the built-in roles reference lists them (trimmed to what matters here).
const OWNER: PermissionEntry = { actions: ['*'], notActions: [] };
const CONTRIBUTOR: PermissionEntry = { actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'] };
const READER: PermissionEntry = { actions: ['*/read'], notActions: [] };
const VM_CONTRIBUTOR: PermissionEntry = { actions: ['Microsoft.Authorization/*/read', 'Microsoft.Compute/virtualMachines/*', 'Microsoft.Compute/virtualMachineScaleSets/*'], notActions: [] };
const MI_OPERATOR: PermissionEntry = {
  actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action'],
  notActions: [],
};
const RBAC_ADMIN: PermissionEntry = { actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read'], notActions: [] };
const BLOB_READER: PermissionEntry = {
  actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read'],
  notActions: [],
  dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
  notDataActions: [],
};

describe('actionMatches', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'Microsoft.Compute/virtualMachines/write', true],
    ['Microsoft.Compute/*', 'Microsoft.Compute/virtualMachines/write', true],
    ['Microsoft.Compute/*', 'Microsoft.Network/virtualNetworks/read', false],
    ['*/read', 'Microsoft.Compute/virtualMachines/read', true],
    ['*/read', 'Microsoft.Compute/virtualMachines/write', false],
    ['Microsoft.Compute/virtualMachines/write', 'microsoft.compute/VIRTUALMACHINES/Write', true],
    ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/roleAssignments/write', true],
    // A star between slashes also stands for no segment: the role's pattern grants the action ARM checks.
    ['Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', true],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/assign/action', true],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/write', false],
    // Dots are literal, not "any character".
    ['Microsoft.Compute/virtualMachines/write', 'MicrosoftXCompute/virtualMachines/write', false],
    // The whole action must match, not a prefix.
    ['Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachines/readX', false],
  ];
  for (const [pattern, action, expected] of cases) {
    it(`${pattern} ${expected ? 'covers' : 'does not cover'} ${action}`, () => {
      assert.equal(actionMatches(pattern, action), expected);
    });
  }
});

describe('isActionAllowed', () => {
  it('Owner may assign roles; Contributor may not (its notActions take Authorization writes away)', () => {
    assert.equal(isActionAllowed([OWNER], 'Microsoft.Authorization/roleAssignments/write'), true);
    assert.equal(isActionAllowed([CONTRIBUTOR], 'Microsoft.Authorization/roleAssignments/write'), false);
    assert.equal(isActionAllowed([CONTRIBUTOR], 'Microsoft.Authorization/roleAssignments/delete'), false);
    assert.equal(isActionAllowed([CONTRIBUTOR], 'Microsoft.Compute/virtualMachines/write'), true);
  });

  it('notActions subtract within their own block only: another role granting the action still allows it', () => {
    assert.equal(isActionAllowed([CONTRIBUTOR, RBAC_ADMIN], 'Microsoft.Authorization/roleAssignments/write'), true);
    // The same lists in one block would take it away.
    const merged: PermissionEntry = { actions: [...CONTRIBUTOR.actions, ...RBAC_ADMIN.actions], notActions: CONTRIBUTOR.notActions };
    assert.equal(isActionAllowed([merged], 'Microsoft.Authorization/roleAssignments/write'), false);
  });

  it('a notAction matches case-insensitively and with wildcards', () => {
    const block: PermissionEntry = { actions: ['Microsoft.Compute/*'], notActions: ['microsoft.compute/*/WRITE'] };
    assert.equal(isActionAllowed([block], 'Microsoft.Compute/virtualMachines/write'), false);
    assert.equal(isActionAllowed([block], 'Microsoft.Compute/virtualMachines/read'), true);
  });

  it('Reader reads but does not write; no blocks allow nothing', () => {
    assert.equal(isActionAllowed([READER], 'Microsoft.Compute/virtualMachines/read'), true);
    assert.equal(isActionAllowed([READER], 'Microsoft.Compute/virtualMachines/write'), false);
    assert.equal(isActionAllowed([], 'Microsoft.Compute/virtualMachines/read'), false);
  });

  it('data actions come only from dataActions: Owner\'s * grants no blob read, Storage Blob Data Reader does', () => {
    const blobRead = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';
    assert.equal(isActionAllowed([OWNER], blobRead, 'dataAction'), false);
    assert.equal(isActionAllowed([BLOB_READER], blobRead, 'dataAction'), true);
    assert.equal(isActionAllowed([BLOB_READER], blobRead), false, 'a data action is not a control-plane action');
    const withNot: PermissionEntry = { ...BLOB_READER, dataActions: ['Microsoft.Storage/*'], notDataActions: ['*/blobs/read'] };
    assert.equal(isActionAllowed([withNot], blobRead, 'dataAction'), false);
    // Blocks from older api-versions carry no data-action lists at all.
    assert.equal(isActionAllowed([{ actions: ['*'], notActions: [] }], blobRead, 'dataAction'), false);
  });
});

describe('what each write needs', () => {
  it('an identity change needs the host write, plus assign on each identity it attaches', () => {
    assert.deepEqual(
      identityChangeRequirements(VM, { kind: 'enableSystemAssigned' }).map((r) => [r.action, r.scope, r.roles]),
      [['Microsoft.Compute/virtualMachines/write', VM_ID, ['Virtual Machine Contributor']]],
    );
    assert.deepEqual(
      identityChangeRequirements(VM, { kind: 'assignUserAssigned', ids: [UAI_ID] }).map((r) => [r.action, r.scope, r.roles]),
      [
        ['Microsoft.Compute/virtualMachines/write', VM_ID, ['Virtual Machine Contributor']],
        ['Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', UAI_ID, ['Managed Identity Operator']],
      ],
    );
    assert.equal(identityChangeRequirements(VM, { kind: 'removeUserAssigned', ids: [UAI_ID] }).length, 1);
  });

  it('the table of issue 9 and 10', () => {
    const row = (need: Parameters<typeof accessRequirement>[0]) => {
      const { action, roles } = accessRequirement(need, VM_ID);
      return [action, roles.join(' | ')];
    };
    assert.deepEqual(row('writeScaleSet'), ['Microsoft.Compute/virtualMachineScaleSets/write', 'Virtual Machine Contributor']);
    assert.deepEqual(row('deleteUserAssignedIdentity'), ['Microsoft.ManagedIdentity/userAssignedIdentities/delete', 'Managed Identity Contributor']);
    assert.deepEqual(row('createRoleAssignment'), [
      'Microsoft.Authorization/roleAssignments/write',
      'Owner | User Access Administrator | Role Based Access Control Administrator',
    ]);
    assert.deepEqual(row('deleteRoleAssignment')[0], 'Microsoft.Authorization/roleAssignments/delete');
    assert.deepEqual(row('runCommand'), ['Microsoft.Compute/virtualMachines/runCommand/action', 'Virtual Machine Contributor']);
    assert.deepEqual(createIdentityRequirements(SUB, 'rg-web').map((r) => [r.action, r.scope]), [['Microsoft.ManagedIdentity/userAssignedIdentities/write', RG]]);
  });

  it('each built-in role grants what the table says it grants, and the narrower roles nothing more', () => {
    const at = (entries: PermissionEntry[]) => () => entries;
    const assign = identityChangeRequirements(VM, { kind: 'assignUserAssigned', ids: [UAI_ID] });
    assert.deepEqual(missingRequirements(assign, at([VM_CONTRIBUTOR, MI_OPERATOR])), []);
    assert.deepEqual(missingRequirements(assign, at([VM_CONTRIBUTOR])).map((r) => r.need), ['assignUserAssignedIdentity']);
    assert.deepEqual(missingRequirements([accessRequirement('createRoleAssignment', RG)], at([RBAC_ADMIN])), []);
    assert.deepEqual(missingRequirements([accessRequirement('createRoleAssignment', RG)], at([VM_CONTRIBUTOR, CONTRIBUTOR])).length, 1);
    assert.deepEqual(missingRequirements([accessRequirement('runCommand', VM_ID)], at([VM_CONTRIBUTOR])), []);
    assert.deepEqual(missingRequirements([accessRequirement('createUserAssignedIdentity', RG)], at([MI_OPERATOR])).length, 1);
  });
});

describe('accessRefusal', () => {
  it('names the role, the action, and the resource by name', () => {
    const error = accessRefusal([accessRequirement('writeVirtualMachine', VM_ID)]);
    assert.equal(error.kind, 'authorization');
    assert.equal(error.missingRole, 'Virtual Machine Contributor');
    assert.equal(error.action, 'Microsoft.Compute/virtualMachines/write');
    assert.equal(
      error.message,
      "You need the Virtual Machine Contributor role on virtual machine 'vm-web-01' in resource group 'rg-web' (Microsoft.Compute/virtualMachines/write was refused). If access was granted recently, sign in again.",
    );
  });

  it('names a subscription by its display name, not its GUID, and lists every role that would do', () => {
    const error = accessRefusal([accessRequirement('createRoleAssignment', `/subscriptions/${SUB}`)], {
      subscriptionName: (id) => (id === SUB ? 'Contoso Dev' : undefined),
    });
    assert.match(error.message, /^You need the Owner, User Access Administrator or Role Based Access Control Administrator role on subscription 'Contoso Dev' \(/);
    assert.doesNotMatch(error.message, new RegExp(SUB));
  });

  it('several missing actions in one sentence, and through the localizer', () => {
    const seen: string[] = [];
    const t = (message: string, ...args: (string | number | boolean)[]) => {
      seen.push(message);
      return message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
    };
    const error = accessRefusal(identityChangeRequirements(VM, { kind: 'assignUserAssigned', ids: [UAI_ID] }), {}, t);
    assert.match(error.message, /Virtual Machine Contributor role on virtual machine 'vm-web-01'.*, and the Managed Identity Operator role on user-assigned identity 'id-backend' in resource group 'rg-web' \(Microsoft\.ManagedIdentity\/userAssignedIdentities\/assign\/action was refused\)\./);
    // The same sentence pieces as Azure's own refusals (errors.ts), so a translator sees them once.
    assert.ok(seen.includes('You need the {0} role on {1}'));
    assert.ok(seen.includes(' ({0} was refused)'));
  });
});

/** A permissions client that counts requests per scope and answers from a table. */
function countingClient(answers: Record<string, PermissionEntry[] | Error>) {
  const calls: string[] = [];
  const client: PermissionsClient = {
    async listPermissions(scope) {
      calls.push(scope);
      await Promise.resolve();
      const answer = answers[scope.toLowerCase()];
      if (answer instanceof Error) {
        throw answer;
      }
      return answer ?? [];
    },
  };
  return { client, calls };
}

describe('checkAccess', () => {
  it('asks once per scope (case-insensitively) and reports what is missing', async () => {
    const { client, calls } = countingClient({ [VM_ID.toLowerCase()]: [VM_CONTRIBUTOR], [UAI_ID.toLowerCase()]: [READER] });
    const requirements = [
      accessRequirement('writeVirtualMachine', VM_ID),
      accessRequirement('runCommand', VM_ID.toUpperCase()),
      accessRequirement('assignUserAssignedIdentity', UAI_ID),
    ];
    const check = await checkAccess(requirements, client);
    assert.equal(calls.length, 2);
    assert.deepEqual(check.missing.map((r) => r.need), ['assignUserAssignedIdentity']);
    assert.deepEqual(check.unchecked, []);
  });

  it('a failed permissions read leaves the requirement unchecked, never missing', async () => {
    const { client } = countingClient({ [VM_ID.toLowerCase()]: new Error('boom') });
    const check = await checkAccess([accessRequirement('writeVirtualMachine', VM_ID)], client);
    assert.deepEqual(check.missing, []);
    assert.equal(check.unchecked.length, 1);
    assert.equal((check.unchecked[0].error as Error).message, 'boom');
  });
});

describe('PermissionsCache', () => {
  it('answers a scope from memory for the TTL, then asks again', async () => {
    let now = 1_000_000;
    const { client, calls } = countingClient({ [VM_ID.toLowerCase()]: [VM_CONTRIBUTOR] });
    const cache = new PermissionsCache(client, { ttlMs: 60_000, clock: { now: () => now } });
    assert.deepEqual(await cache.listPermissions(VM_ID), [VM_CONTRIBUTOR]);
    now += 59_999;
    await cache.listPermissions(VM_ID.toUpperCase());
    assert.equal(calls.length, 1);
    now += 1;
    await cache.listPermissions(VM_ID);
    assert.equal(calls.length, 2);
  });

  it('shares a request under way, forgets failures, and can be invalidated', async () => {
    const { client, calls } = countingClient({ [UAI_ID.toLowerCase()]: new Error('throttled') });
    const cache = new PermissionsCache(client, { clock: { now: () => 0 } });
    const results = await Promise.allSettled([cache.listPermissions(UAI_ID), cache.listPermissions(UAI_ID)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(calls.length, 1);
    await assert.rejects(cache.listPermissions(UAI_ID), /throttled/);
    assert.equal(calls.length, 2, 'a failure is not cached');

    const ok = countingClient({ [VM_ID.toLowerCase()]: [OWNER] });
    const okCache = new PermissionsCache(ok.client, { clock: { now: () => 0 } });
    await okCache.listPermissions(VM_ID);
    okCache.invalidate(VM_ID.toUpperCase());
    await okCache.listPermissions(VM_ID);
    assert.equal(ok.calls.length, 2);
  });

  it("a caller's cancellation ends only its own wait", async () => {
    const { client } = countingClient({ [VM_ID.toLowerCase()]: [OWNER] });
    const cache = new PermissionsCache(client, { clock: { now: () => 0 } });
    const controller = new AbortController();
    const cancelled = cache.listPermissions(VM_ID, { signal: controller.signal });
    const other = cache.listPermissions(VM_ID);
    controller.abort();
    await assert.rejects(cancelled, { name: 'AbortError' });
    assert.deepEqual(await other, [OWNER]);
  });
});

describe('checkAccess with several failing scopes', () => {
  it('reports each as unchecked, with no unhandled rejection, and rethrows when cancelled', async () => {
    const { client } = countingClient({ [VM_ID.toLowerCase()]: new Error('first'), [UAI_ID.toLowerCase()]: new Error('second') });
    const requirements = identityChangeRequirements(VM, { kind: 'assignUserAssigned', ids: [UAI_ID] });
    const check = await checkAccess(requirements, client);
    assert.deepEqual(check.unchecked.map((u) => (u.error as Error).message), ['first', 'second']);

    const controller = new AbortController();
    controller.abort();
    const cancelling: PermissionsClient = { listPermissions: async () => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })) };
    await assert.rejects(checkAccess(requirements, cancelling, { signal: controller.signal }), { name: 'AbortError' });
  });
});
