// Role definitions and role assignments (Microsoft.Authorization, api-version 2022-04-01, wire facts §8): the order
// Grant Access offers roles in, which roles an identity already holds at a scope, a new assignment's request, the
// wait for a new identity to replicate (PrincipalNotFound), and the words for "already has it" and for revoking.
import { abortError, systemClock, type Clock } from './clock';
import { defaultLocalize, type Localize } from './localize';
import { sortBy } from './ordering';
import type { PermissionEntry } from './permissions';
import { resourceKey, resourceNameFromId } from './resourceIds';
import { assignmentScopeRelation, describeScope, parseScope, scopeContains, type ScopeNames } from './scopes';

export type RoleType = 'BuiltInRole' | 'CustomRole';

/** A role definition as ARM lists it (`properties` flattened). */
export interface RoleDefinition {
  /** `/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}` or the `/providers/…` form. */
  id: string;
  /** The GUID. */
  name: string;
  roleName: string;
  description: string;
  type: RoleType;
  /** `['/']` for built-in roles; a custom role's subscriptions, resource groups or management groups. */
  assignableScopes: string[];
  permissions: PermissionEntry[];
}

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup';

/** A role assignment as ARM lists it (`properties` flattened). */
export interface RoleAssignment {
  id: string;
  /** The GUID the creator chose. */
  name: string;
  /** Where it is assigned, with a leading slash. */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: PrincipalType;
}

/** What creating an assignment sends: PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name} with `body`. */
export interface NewRoleAssignment {
  scope: string;
  name: string;
  body: { properties: { roleDefinitionId: string; principalId: string; principalType: 'ServicePrincipal' } };
}

/** Built-in role GUIDs, the same in every tenant and cloud (learn.microsoft.com built-in roles; most are quoted in wire
 *  facts §8, the queue and the other Key Vault data roles come from the same reference). Roles are matched by these,
 *  never by name: a custom role may be called "Reader" too. */
export const BUILT_IN_ROLE_IDS = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424',
  keyVaultCertificateUser: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba',
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  virtualMachineContributor: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
  managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830',
  managedIdentityContributor: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  roleBasedAccessControlAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
} as const;

/** The roles most often given to managed identities, in the order Grant Access offers them first: data access to
 *  storage, vaults and registries, then the broad control-plane roles. */
const GRANT_ORDER: readonly string[] = [
  BUILT_IN_ROLE_IDS.storageBlobDataReader,
  BUILT_IN_ROLE_IDS.storageBlobDataContributor,
  BUILT_IN_ROLE_IDS.storageQueueDataContributor,
  BUILT_IN_ROLE_IDS.keyVaultSecretsUser,
  BUILT_IN_ROLE_IDS.keyVaultCryptoUser,
  BUILT_IN_ROLE_IDS.keyVaultCertificateUser,
  BUILT_IN_ROLE_IDS.acrPull,
  BUILT_IN_ROLE_IDS.serviceBusDataReceiver,
  BUILT_IN_ROLE_IDS.monitoringMetricsPublisher,
  BUILT_IN_ROLE_IDS.reader,
  BUILT_IN_ROLE_IDS.contributor,
];

/** The GUID of a role definition id in either form (or a bare GUID), lower-cased for comparison. */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  return resourceKey(resourceNameFromId(roleDefinitionId));
}

/** Two role definition ids name the same role when their GUIDs match: ARM answers built-in roles in the
 *  subscription-prefixed form while role definitions may come in the tenant-level `/providers/…` form. */
export function sameRoleDefinition(a: string, b: string): boolean {
  return roleDefinitionGuid(a) === roleDefinitionGuid(b);
}

/** Whether a role may be assigned at `scope`: one of its assignable scopes is the scope or above it. A management
 *  group's subscriptions cannot be told from ids, so a custom role assignable at a management group counts as
 *  assignable wherever ARM listed it. */
export function isAssignableAt(role: RoleDefinition, scope: string): boolean {
  return role.assignableScopes.some(
    (assignable) => scopeContains(assignable, scope) || parseScope(assignable)?.kind === 'managementGroup',
  );
}

/** Grant Access's order: the roles most used with managed identities first (matched by GUID), then the rest by name. */
export function orderRolesForGrant(roles: readonly RoleDefinition[]): RoleDefinition[] {
  const rank = (role: RoleDefinition) => GRANT_ORDER.indexOf(roleDefinitionGuid(role.id));
  const preferred = roles.filter((role) => rank(role) >= 0).sort((a, b) => rank(a) - rank(b));
  const rest = sortBy(
    roles.filter((role) => rank(role) < 0),
    (role) => role.roleName,
  );
  return [...preferred, ...rest];
}

/** A role as Grant Access offers it. */
export interface RoleChoice {
  role: RoleDefinition;
  /** One of the roles most used with managed identities (offered first). */
  recommended: boolean;
  /** The identity already holds the role at the scope ('here'), or from a higher scope ('inherited'). */
  held?: 'here' | 'inherited';
  /** Where it is held when inherited, e.g. the subscription. */
  heldAt?: string;
}

/**
 * The roles assignable at `scope`, in Grant Access's order, each marked when `principalId` already holds it there
 * (from `assignments`, the principal's list at that scope; other principals' entries are ignored).
 */
export function roleChoices(
  roles: readonly RoleDefinition[],
  assignments: readonly RoleAssignment[],
  principalId: string,
  scope: string,
): RoleChoice[] {
  const mine = assignments.filter((assignment) => resourceKey(assignment.principalId) === resourceKey(principalId));
  return orderRolesForGrant(roles.filter((role) => isAssignableAt(role, scope))).map((role) => {
    const holding = mine.filter((assignment) => sameRoleDefinition(assignment.roleDefinitionId, role.id));
    const here = holding.find((assignment) => assignmentScopeRelation(assignment.scope, scope) === 'here');
    const inherited = holding.find((assignment) => assignmentScopeRelation(assignment.scope, scope) === 'inherited');
    const choice: RoleChoice = { role, recommended: GRANT_ORDER.includes(roleDefinitionGuid(role.id)) };
    if (here) {
      choice.held = 'here';
    } else if (inherited) {
      choice.held = 'inherited';
      choice.heldAt = inherited.scope;
    }
    return choice;
  });
}

/** The request that gives `principalId` (a managed identity's service principal) `roleDefinitionId` at `scope`.
 *  principalType ServicePrincipal spares ARM the directory lookup that a just-created identity would fail;
 *  `newGuid` is crypto.randomUUID in the extension (assignment names are GUIDs unique across Azure). */
export function newRoleAssignment(scope: string, roleDefinitionId: string, principalId: string, newGuid: () => string): NewRoleAssignment {
  const parsed = parseScope(scope);
  return {
    scope: parsed?.id ?? scope,
    name: newGuid(),
    body: { properties: { roleDefinitionId, principalId, principalType: 'ServicePrincipal' } },
  };
}

/** The code (or Azure's wording) of an error, whichever shape it comes in: the Azure layer's neutral error, an
 *  IdentityError, or an SDK error; a wrapped cause is looked at too. */
function errorCodeAndMessage(error: unknown): { code: string; message: string } {
  const candidate = error as { code?: unknown; message?: unknown; serviceMessage?: unknown; cause?: unknown } | undefined;
  const code = typeof candidate?.code === 'string' ? candidate.code : '';
  const message = [candidate?.serviceMessage, candidate?.message].filter((text) => typeof text === 'string').join(' ');
  if (!code && candidate?.cause !== undefined && candidate.cause !== error) {
    return errorCodeAndMessage(candidate.cause);
  }
  return { code, message };
}

/** ARM's 400 PrincipalNotFound: the identity's service principal has not reached every directory replica yet. */
export function isPrincipalNotFound(error: unknown): boolean {
  const { code, message } = errorCodeAndMessage(error);
  return code === 'PrincipalNotFound' || / does not exist in the directory /i.test(message);
}

/** ARM's 409 RoleAssignmentExists: the same principal, role and scope under another name. */
export function isRoleAssignmentExists(error: unknown): boolean {
  return errorCodeAndMessage(error).code === 'RoleAssignmentExists';
}

/**
 * The waits between attempts while a new identity replicates: doubling from `firstMs`, each at most `capMs`, together
 * `totalMs` (the last wait is shortened to fit). Defaults 2, 4, 8, 16, 16, 14 s: about a minute, as issue 9 asks
 * (Azure CLI waits up to 3 minutes in 5 s steps).
 */
export function replicationRetryDelays(totalMs = 60_000, firstMs = 2_000, capMs = 16_000): number[] {
  const delays: number[] = [];
  let spent = 0;
  for (let next = firstMs; spent < totalMs; next = Math.min(next * 2, capMs)) {
    const wait = Math.min(next, totalMs - spent);
    delays.push(wait);
    spent += wait;
  }
  return delays;
}

/** The progress line while waiting for replication: says why, and how long until the next attempt. The progress
 *  title already names the identity (a VM's system-assigned one has no name of its own). */
export function replicationWaitMessage(waitMs: number, t: Localize = defaultLocalize): string {
  return t(
    'The identity was created moments ago; waiting for Microsoft Entra ID to replicate it (trying again in {0} s)…',
    Math.ceil(waitMs / 1000),
  );
}

export interface ReplicationRetryOptions {
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  clock?: Clock;
  /** Default {@link replicationRetryDelays}(). */
  delays?: readonly number[];
  localize?: Localize;
}

/** Runs `attempt` (the assignment's PUT), and while ARM answers PrincipalNotFound waits and tries again on the
 *  schedule; any other answer, or PrincipalNotFound after the last wait, is returned or thrown as it came. */
export async function retryWhilePrincipalReplicates<T>(attempt: () => Promise<T>, options: ReplicationRetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const t = options.localize ?? defaultLocalize;
  const delays = options.delays ?? replicationRetryDelays();
  for (let index = 0; ; index++) {
    if (options.signal?.aborted) {
      throw abortError();
    }
    try {
      return await attempt();
    } catch (error) {
      if (!isPrincipalNotFound(error) || index >= delays.length) {
        throw error;
      }
      options.onProgress?.(replicationWaitMessage(delays[index], t));
      await clock.sleep(delays[index], options.signal);
    }
  }
}

/** RoleAssignmentExists, told as it is: "'vm-web-01' already has 'Storage Blob Data Reader' on storage account …". */
export function roleAlreadyHeldMessage(
  identityName: string,
  roleName: string,
  scope: string,
  names: ScopeNames = {},
  t: Localize = defaultLocalize,
): string {
  return t("'{0}' already has '{1}' on {2}.", identityName, roleName, describeScope(scope, names, t));
}

/** Where an assignment is, as a tree item's description shows it beside the role's name; an inherited one says so. */
export function describeAssignmentScope(assignment: Pick<RoleAssignment, 'scope'>, viewedScope: string, names: ScopeNames = {}, t: Localize = defaultLocalize): string {
  const where = describeScope(assignment.scope, names, t);
  return assignmentScopeRelation(assignment.scope, viewedScope) === 'inherited' ? t('{0} (inherited)', where) : where;
}

/**
 * Revoke Access's question. It names the role, the scope and the identity; for an assignment inherited from a higher
 * scope it names that scope and warns that the change applies there, to everything beneath it.
 */
export function revokeConfirmation(
  identityName: string,
  roleName: string,
  assignment: Pick<RoleAssignment, 'scope'>,
  viewedScope: string,
  names: ScopeNames = {},
  t: Localize = defaultLocalize,
): string {
  const where = describeScope(assignment.scope, names, t);
  return assignmentScopeRelation(assignment.scope, viewedScope) === 'inherited'
    ? t(
        "Revoke '{0}' from '{1}'? It is assigned on {2}, not here: revoking it changes {2} and removes the access from everything beneath it.",
        roleName,
        identityName,
        where,
      )
    : t("Revoke '{0}' on {1} from '{2}'?", roleName, where, identityName);
}
