// Grant Access's role list (ordering by GUID, marking held roles), a new assignment's request, the replication
// retry, and the wording of "already has it" and of Revoke.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/identity/clock';
import { toIdentityError } from '../../src/identity/errorWording';
import { ServiceError } from '../../src/identity/serviceError';
import {
  BUILT_IN_ROLE_IDS,
  describeAssignmentScope,
  isAssignableAt,
  isPrincipalNotFound,
  isRoleAssignmentExists,
  newRoleAssignment,
  orderRolesForGrant,
  replicationRetryDelays,
  retryWhilePrincipalReplicates,
  revokeConfirmation,
  roleAlreadyHeldMessage,
  roleChoices,
  roleDefinitionGuid,
  sameRoleDefinition,
  type RoleAssignment,
  type RoleDefinition,
} from '../../src/identity/roles';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const SUBSCRIPTION = `/subscriptions/${SUB}`;
const RG = `${SUBSCRIPTION}/resourceGroups/rg-data`;
const STORAGE = `${RG}/providers/Microsoft.Storage/storageAccounts/stcontoso`;
const PRINCIPAL = '11111111-2222-4333-8444-555555555555';

function role(guid: string, roleName: string, extra: Partial<RoleDefinition> = {}): RoleDefinition {
  return {
    id: `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    name: guid,
    roleName,
    description: `${roleName} description`,
    type: 'BuiltInRole',
    assignableScopes: ['/'],
    permissions: [],
    ...extra,
  };
}

const ids = BUILT_IN_ROLE_IDS;
// In the order ARM might list them: alphabetical, the common ones scattered.
const ROLES = [
  role(ids.acrPull, 'AcrPull'),
  role('0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', 'Storage Table Data Contributor'),
  role(ids.contributor, 'Contributor'),
  role(ids.keyVaultCertificateUser, 'Key Vault Certificate User'),
  role(ids.keyVaultCryptoUser, 'Key Vault Crypto User'),
  role(ids.keyVaultSecretsUser, 'Key Vault Secrets User'),
  role(ids.owner, 'Owner'),
  role(ids.reader, 'Reader'),
  role(ids.storageBlobDataContributor, 'Storage Blob Data Contributor'),
  role(ids.storageBlobDataReader, 'Storage Blob Data Reader'),
  role(ids.storageQueueDataContributor, 'Storage Queue Data Contributor'),
  role('aaaaaaaa-0000-4000-8000-000000000001', 'Billing Reader'),
];

function assignment(roleGuid: string, scope: string, principalId = PRINCIPAL): RoleAssignment {
  const name = `${roleGuid.slice(0, 8)}-assign-${scope.length}`;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
    principalId,
    principalType: 'ServicePrincipal',
  };
}

describe('orderRolesForGrant', () => {
  it('puts the roles most used with managed identities first, then the rest by name', () => {
    assert.deepEqual(
      orderRolesForGrant(ROLES).map((r) => r.roleName),
      [
        'Storage Blob Data Reader',
        'Storage Blob Data Contributor',
        'Storage Queue Data Contributor',
        'Key Vault Secrets User',
        'Key Vault Crypto User',
        'Key Vault Certificate User',
        'AcrPull',
        'Reader',
        'Contributor',
        'Billing Reader',
        'Owner',
        'Storage Table Data Contributor',
      ],
    );
  });

  it('matches roles by GUID, not by name: a custom role named "Reader" is not the built-in one', () => {
    const custom = role('bbbbbbbb-0000-4000-8000-000000000002', 'Reader', { type: 'CustomRole' });
    const ordered = orderRolesForGrant([custom, role(ids.reader, 'Reader'), role(ids.acrPull, 'AcrPull')]);
    assert.deepEqual(ordered.map((r) => r.name), [ids.acrPull, ids.reader, custom.name]);
  });

  it('does not change its input', () => {
    const copy = [...ROLES];
    orderRolesForGrant(ROLES);
    assert.deepEqual(ROLES, copy);
  });
});

describe('role definition ids', () => {
  it('compare by GUID across the subscription and tenant-level forms, in any case', () => {
    const tenantLevel = `/providers/Microsoft.Authorization/roleDefinitions/${ids.reader.toUpperCase()}`;
    assert.equal(sameRoleDefinition(`${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${ids.reader}`, tenantLevel), true);
    assert.equal(sameRoleDefinition(tenantLevel, ids.contributor), false);
    assert.equal(roleDefinitionGuid(tenantLevel), ids.reader);
  });

  it('a role is assignable where one of its assignable scopes is at or above the scope', () => {
    const custom = role('cccccccc-0000-4000-8000-000000000003', 'Data Team', { type: 'CustomRole', assignableScopes: [RG] });
    assert.equal(isAssignableAt(custom, STORAGE), true);
    assert.equal(isAssignableAt(custom, RG.toUpperCase()), true);
    assert.equal(isAssignableAt(custom, SUBSCRIPTION), false);
    assert.equal(isAssignableAt(role(ids.reader, 'Reader'), STORAGE), true, "built-in roles: ['/']");
  });
});

describe('roleChoices', () => {
  it('marks roles the identity holds at the scope, and those it holds from above with where', () => {
    const assignments = [
      assignment(ids.storageBlobDataReader, STORAGE),
      assignment(ids.reader, SUBSCRIPTION),
      // Someone else's assignment, and one below the scope, mark nothing.
      assignment(ids.acrPull, STORAGE, '99999999-0000-4000-8000-000000000000'),
      assignment(ids.contributor, `${STORAGE}/blobServices/default/containers/images`),
    ];
    const choices = roleChoices(ROLES, assignments, PRINCIPAL.toUpperCase(), STORAGE);
    const byName = new Map(choices.map((c) => [c.role.roleName, c]));
    assert.equal(byName.get('Storage Blob Data Reader')?.held, 'here');
    assert.equal(byName.get('Reader')?.held, 'inherited');
    assert.equal(byName.get('Reader')?.heldAt, SUBSCRIPTION);
    assert.equal(byName.get('AcrPull')?.held, undefined);
    assert.equal(byName.get('Contributor')?.held, undefined);
    assert.equal(byName.get('Owner')?.held, undefined);
    assert.equal(byName.get('Storage Blob Data Reader')?.recommended, true);
    assert.equal(byName.get('Owner')?.recommended, false);
    assert.deepEqual(choices.map((c) => c.role.roleName), orderRolesForGrant(ROLES).map((r) => r.roleName));
  });

  it('an assignment whose roleDefinitionId uses the tenant-level form still marks the role', () => {
    const a = { ...assignment(ids.acrPull, STORAGE), roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ids.acrPull}` };
    assert.equal(roleChoices(ROLES, [a], PRINCIPAL, STORAGE).find((c) => c.role.roleName === 'AcrPull')?.held, 'here');
  });

  it('leaves out custom roles not assignable at the scope', () => {
    const narrow = role('dddddddd-0000-4000-8000-000000000004', 'Web Team', { type: 'CustomRole', assignableScopes: [`${SUBSCRIPTION}/resourceGroups/rg-web`] });
    assert.equal(roleChoices([...ROLES, narrow], [], PRINCIPAL, STORAGE).some((c) => c.role.roleName === 'Web Team'), false);
  });
});

describe('newRoleAssignment', () => {
  it('a ServicePrincipal assignment under a new GUID name, at the scope ARM spells with a leading slash', () => {
    const roleId = `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${ids.storageBlobDataReader}`;
    let calls = 0;
    const request = newRoleAssignment(`${STORAGE.slice(1)}/`, roleId, PRINCIPAL, () => {
      calls++;
      return '0f0f0f0f-1111-4222-8333-444444444444';
    });
    assert.equal(calls, 1);
    assert.deepEqual(request, {
      scope: STORAGE,
      name: '0f0f0f0f-1111-4222-8333-444444444444',
      body: { properties: { roleDefinitionId: roleId, principalId: PRINCIPAL, principalType: 'ServicePrincipal' } },
    });
  });
});

describe('ARM answers to a grant', () => {
  const principalNotFound = Object.assign(new Error(`Principal ${PRINCIPAL} does not exist in the directory 72f988bf. Check that you have the correct principal ID.`), {
    code: 'PrincipalNotFound',
  });

  it('recognises PrincipalNotFound by code, by Azure\'s wording, or inside a wrapping error', () => {
    assert.equal(isPrincipalNotFound(principalNotFound), true);
    assert.equal(isPrincipalNotFound(new Error(`Principal x does not exist in the directory y.`)), true);
    assert.equal(isPrincipalNotFound(new Error('wrapped', { cause: principalNotFound })), true);
    assert.equal(isPrincipalNotFound(Object.assign(new Error('The role assignment already exists.'), { code: 'RoleAssignmentExists' })), false);
    assert.equal(isRoleAssignmentExists(Object.assign(new Error('The role assignment already exists.'), { code: 'RoleAssignmentExists' })), true);
    assert.equal(isRoleAssignmentExists(principalNotFound), false);
    // As the Azure layer throws them, and as the domain words them.
    const fromArm = new ServiceError(`Principal ${PRINCIPAL} does not exist in the directory 72f988bf.`, { service: 'arm', status: 400, code: 'PrincipalNotFound' });
    assert.equal(isPrincipalNotFound(fromArm), true);
    assert.equal(isPrincipalNotFound(toIdentityError(fromArm)), true);
    const exists = new ServiceError('The role assignment already exists.', { service: 'arm', status: 409, code: 'RoleAssignmentExists' });
    assert.equal(isRoleAssignmentExists(exists), true);
    assert.equal(isRoleAssignmentExists(toIdentityError(exists)), true);
  });

  it('the replication schedule doubles, is capped, and adds up to about a minute', () => {
    assert.deepEqual(replicationRetryDelays(), [2_000, 4_000, 8_000, 16_000, 16_000, 14_000]);
    assert.equal(replicationRetryDelays().reduce((a, b) => a + b, 0), 60_000);
    assert.deepEqual(replicationRetryDelays(10_000, 1_000, 4_000), [1_000, 2_000, 4_000, 3_000]);
  });

  /** A clock whose sleeps return at once and are recorded. */
  function fakeClock() {
    const slept: number[] = [];
    let now = 0;
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    };
    return { clock, slept };
  }

  it('retries while the principal replicates, saying why, then returns the assignment', async () => {
    const { clock, slept } = fakeClock();
    const progress: string[] = [];
    let attempts = 0;
    const result = await retryWhilePrincipalReplicates(
      async () => {
        attempts++;
        if (attempts < 3) {
          throw principalNotFound;
        }
        return 'created';
      },
      { onProgress: (m) => progress.push(m), clock },
    );
    assert.equal(result, 'created');
    assert.equal(attempts, 3);
    assert.deepEqual(slept, [2_000, 4_000]);
    assert.equal(progress.length, 2);
    assert.equal(progress[0], 'The identity was created moments ago; waiting for Microsoft Entra ID to replicate it (trying again in 2 s)…');
    assert.match(progress[1], /trying again in 4 s/);
  });

  it('gives up after the schedule with ARM\'s error, and does not retry other errors', async () => {
    const { clock, slept } = fakeClock();
    let attempts = 0;
    await assert.rejects(
      retryWhilePrincipalReplicates(async () => {
        attempts++;
        throw principalNotFound;
      }, { clock, delays: [1, 2, 3] }),
      (error: unknown) => error === principalNotFound,
    );
    assert.equal(attempts, 4);
    assert.deepEqual(slept, [1, 2, 3]);

    const exists = Object.assign(new Error('exists'), { code: 'RoleAssignmentExists' });
    let once = 0;
    await assert.rejects(
      retryWhilePrincipalReplicates(async () => {
        once++;
        throw exists;
      }, { clock }),
      (error: unknown) => error === exists,
    );
    assert.equal(once, 1);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: async () => {
        controller.abort();
      },
    };
    let attempts = 0;
    await assert.rejects(
      retryWhilePrincipalReplicates(async () => {
        attempts++;
        throw principalNotFound;
      }, { clock, signal: controller.signal }),
      { name: 'AbortError' },
    );
    assert.equal(attempts, 1);
  });
});

describe('wording', () => {
  const names = { subscriptionName: (id: string) => (id === SUB ? 'Contoso Dev' : undefined) };

  it('RoleAssignmentExists: the identity already has the role on the scope', () => {
    assert.equal(
      roleAlreadyHeldMessage('vm-web-01', 'Storage Blob Data Reader', STORAGE),
      "'vm-web-01' already has 'Storage Blob Data Reader' on storage account 'stcontoso' in resource group 'rg-data'.",
    );
    assert.equal(roleAlreadyHeldMessage('id-backend', 'Reader', SUBSCRIPTION, names), "'id-backend' already has 'Reader' on subscription 'Contoso Dev'.");
  });

  it('an assignment\'s scope beside its role, inherited ones marked', () => {
    assert.equal(describeAssignmentScope({ scope: STORAGE }, STORAGE), "storage account 'stcontoso' in resource group 'rg-data'");
    assert.equal(describeAssignmentScope({ scope: SUBSCRIPTION }, STORAGE, names), "subscription 'Contoso Dev' (inherited)");
  });

  it('Revoke names role, scope and identity; for an inherited assignment, the scope it comes from and a warning', () => {
    assert.equal(
      revokeConfirmation('vm-web-01', 'AcrPull', { scope: STORAGE }, STORAGE),
      "Revoke 'AcrPull' on storage account 'stcontoso' in resource group 'rg-data' from 'vm-web-01'?",
    );
    const inherited = revokeConfirmation('vm-web-01', 'Reader', { scope: SUBSCRIPTION }, STORAGE, names);
    assert.match(inherited, /^Revoke 'Reader' from 'vm-web-01'\? It is assigned on subscription 'Contoso Dev', not here: revoking it changes subscription 'Contoso Dev'/);
  });
});
