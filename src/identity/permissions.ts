// May the signed-in principal do it? Microsoft.Authorization/permissions answers with permission blocks; this module
// evaluates them as Azure does, knows which action (and which built-in role) each write of this extension needs, and
// words the refusal before anything is sent. Wire facts §8, §10, §11.
import { abortError, systemClock, type Clock } from './clock';
import { IdentityError } from './identityError';
import { defaultLocalize, type Localize } from './localize';
import type { HostKind, IdentityChange, IdentityHostRef } from './model';
import type { CallOptions } from './ports';
import type { PermissionsClient } from './accessPorts';
import { describeScope, scopeKey, type ScopeNames } from './scopes';

/** One block of Microsoft.Authorization/permissions (or of a role definition's `permissions`), as ARM sends it;
 *  older api-versions leave out the data-action lists. */
export interface PermissionEntry {
  actions: readonly string[];
  notActions: readonly string[];
  dataActions?: readonly string[];
  notDataActions?: readonly string[];
}

/** Control-plane actions (ARM) and data actions (e.g. reading a blob) are granted by separate lists: `*` in
 *  `actions` grants no data action. */
export type ActionKind = 'action' | 'dataAction';

// Whether a permission string (`*`, `Microsoft.Compute/*`, `*/read`, `…/userAssignedIdentities/*/assign/action`)
// covers `action`. Case-insensitive; a star stands for any text, and a star between two slashes may also stand for
// no segment at all: Managed Identity Operator's `userAssignedIdentities/*/assign/action` grants the action ARM
// checks, `userAssignedIdentities/assign/action` (the fake Azure's rbac.ts matches the same way).
export function actionMatches(pattern: string, action: string): boolean {
  const STAR = '\u0000';
  const escaped = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join(STAR);
  const source = escaped.replaceAll(`\\/${STAR}\\/`, '\\/(?:.*\\/)?').replaceAll(STAR, '.*');
  return new RegExp(`^${source}$`, 'i').test(action.trim());
}

/**
 * Whether the permission blocks allow `action`: some block lists it (in `actions`, or `dataActions` for a data
 * action) and that same block does not take it away in `notActions` (`notDataActions`). NotActions subtract within
 * their block, they do not deny: another block granting the action still allows it.
 */
export function isActionAllowed(entries: readonly PermissionEntry[], action: string, kind: ActionKind = 'action'): boolean {
  return entries.some((entry) => {
    const granted = kind === 'action' ? entry.actions : (entry.dataActions ?? []);
    const removed = kind === 'action' ? entry.notActions : (entry.notDataActions ?? []);
    return granted.some((pattern) => actionMatches(pattern, action)) && !removed.some((pattern) => actionMatches(pattern, action));
  });
}

/** The writes this extension makes, each checked before it is sent. */
export type AccessNeed =
  | 'writeVirtualMachine'
  | 'writeScaleSet'
  | 'assignUserAssignedIdentity'
  | 'createUserAssignedIdentity'
  | 'deleteUserAssignedIdentity'
  | 'createRoleAssignment'
  | 'deleteRoleAssignment'
  | 'runCommand';

/** The action ARM checks for each write, and the built-in roles that grant it (the narrowest one last where several
 *  do, as issue 9 names them). Role names are Azure's own and stay unlocalized. */
const ACCESS_RULES: Record<AccessNeed, { action: string; roles: readonly string[] }> = {
  writeVirtualMachine: { action: 'Microsoft.Compute/virtualMachines/write', roles: ['Virtual Machine Contributor'] },
  writeScaleSet: { action: 'Microsoft.Compute/virtualMachineScaleSets/write', roles: ['Virtual Machine Contributor'] },
  // ARM's LinkedAuthorizationFailed names this action; the role grants it through `userAssignedIdentities/*/assign/action`.
  assignUserAssignedIdentity: { action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', roles: ['Managed Identity Operator'] },
  createUserAssignedIdentity: { action: 'Microsoft.ManagedIdentity/userAssignedIdentities/write', roles: ['Managed Identity Contributor'] },
  deleteUserAssignedIdentity: { action: 'Microsoft.ManagedIdentity/userAssignedIdentities/delete', roles: ['Managed Identity Contributor'] },
  createRoleAssignment: {
    action: 'Microsoft.Authorization/roleAssignments/write',
    roles: ['Owner', 'User Access Administrator', 'Role Based Access Control Administrator'],
  },
  deleteRoleAssignment: {
    action: 'Microsoft.Authorization/roleAssignments/delete',
    roles: ['Owner', 'User Access Administrator', 'Role Based Access Control Administrator'],
  },
  runCommand: { action: 'Microsoft.Compute/virtualMachines/runCommand/action', roles: ['Virtual Machine Contributor'] },
};

/** One action a write needs, on the scope where ARM checks it. */
export interface AccessRequirement {
  need: AccessNeed;
  action: string;
  /** Built-in roles that grant the action. */
  roles: readonly string[];
  /** Where ARM checks it: the VM, the identity, the resource group an identity is created in, an assignment's scope. */
  scope: string;
}

/** The requirement for `need` on `scope` (see {@link AccessRequirement.scope} for which scope each write uses). */
export function accessRequirement(need: AccessNeed, scope: string): AccessRequirement {
  const { action, roles } = ACCESS_RULES[need];
  return { need, action, roles, scope };
}

const HOST_WRITE: Record<HostKind, AccessNeed> = { virtualMachine: 'writeVirtualMachine' };

/** What an identity change on a host needs: the host's write, and assigning each user-assigned identity it attaches
 *  (a linked scope, checked on the identity). Removing an identity needs only the host's write. */
export function identityChangeRequirements(host: IdentityHostRef, change: IdentityChange): AccessRequirement[] {
  const hostWrite = accessRequirement(HOST_WRITE[host.kind], host.id);
  const assigned = change.kind === 'assignUserAssigned' ? change.ids : [];
  return [hostWrite, ...assigned.map((id) => accessRequirement('assignUserAssignedIdentity', id))];
}

/** What creating a user-assigned identity in a resource group needs (checked on the group). */
export function createIdentityRequirements(subscriptionId: string, resourceGroup: string): AccessRequirement[] {
  return [accessRequirement('createUserAssignedIdentity', `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`)];
}

/** The requirements `permissions` (blocks that apply at each requirement's scope) do not meet. */
export function missingRequirements(
  requirements: readonly AccessRequirement[],
  permissionsAt: (scope: string) => readonly PermissionEntry[],
): AccessRequirement[] {
  return requirements.filter((requirement) => !isActionAllowed(permissionsAt(requirement.scope), requirement.action));
}

/** The outcome of asking Azure: what is missing, and what could not be checked (the write then goes ahead and
 *  Azure's own answer decides; a failed permissions read never blocks a write). */
export interface AccessCheck {
  missing: AccessRequirement[];
  unchecked: { requirement: AccessRequirement; error: unknown }[];
}

/** Asks `permissions` once per distinct scope (pass a {@link PermissionsCache} to share answers between writes) and
 *  evaluates each requirement. Cancellation is rethrown; any other failure leaves that requirement unchecked. */
export async function checkAccess(
  requirements: readonly AccessRequirement[],
  permissions: PermissionsClient,
  options: CallOptions = {},
): Promise<AccessCheck> {
  const scopes = new Map<string, string>();
  for (const requirement of requirements) {
    scopes.set(scopeKey(requirement.scope), scopes.get(scopeKey(requirement.scope)) ?? requirement.scope);
  }
  // Every scope at once, each settled, so one failure neither hides the others nor goes unhandled.
  const keys = [...scopes.keys()];
  const answers = await Promise.allSettled(keys.map((key) => permissions.listPermissions(scopes.get(key)!, options)));
  const byScope = new Map(keys.map((key, index) => [key, answers[index]]));
  const check: AccessCheck = { missing: [], unchecked: [] };
  for (const requirement of requirements) {
    const answer = byScope.get(scopeKey(requirement.scope))!;
    if (answer.status === 'rejected') {
      if (options.signal?.aborted) {
        throw answer.reason;
      }
      check.unchecked.push({ requirement, error: answer.reason });
    } else if (!isActionAllowed(answer.value, requirement.action)) {
      check.missing.push(requirement);
    }
  }
  return check;
}

/**
 * The refusal for missing requirements, worded as ARM's own refusals are (errors.ts): "You need the {role} role on
 * {scope} ({action} was refused)", the scope by name and a subscription by its display name when `names` knows it.
 * Kind 'authorization', so it is handled like Azure's 403. Nothing was sent.
 */
export function accessRefusal(missing: readonly AccessRequirement[], names: ScopeNames = {}, t: Localize = defaultLocalize): IdentityError {
  if (missing.length === 0) {
    throw new Error('accessRefusal needs at least one missing requirement');
  }
  const [first, ...rest] = missing;
  const clause = (requirement: AccessRequirement) => t(' ({0} was refused)', requirement.action);
  const message =
    t('You need the {0} role on {1}', rolesText(first.roles, t), describeScope(first.scope, names, t)) +
    clause(first) +
    rest.map((requirement) => t(', and the {0} role on {1}', rolesText(requirement.roles, t), describeScope(requirement.scope, names, t)) + clause(requirement)).join('') +
    t('. If access was granted recently, sign in again.');
  return new IdentityError(message, { kind: 'authorization', code: 'MissingPermission', missingRole: rolesText(first.roles, t), action: first.action });
}

/** "Owner, User Access Administrator or Role Based Access Control Administrator". */
function rolesText(roles: readonly string[], t: Localize): string {
  return roles.length > 1 ? t('{0} or {1}', roles.slice(0, -1).join(', '), roles[roles.length - 1]) : roles[0];
}

/**
 * "Once per scope with a short cache": a PermissionsClient in front of another that keeps each scope's answer for
 * `ttlMs` (default 60 s, well under ARM's own 10-minute role cache) and shares a request already under way. A failed
 * request is not kept. Each caller's signal cancels only its own wait (with an AbortError, which toIdentityError
 * words as cancelled), not the shared request.
 */
export class PermissionsCache implements PermissionsClient {
  private readonly entries = new Map<string, { at: number; answer: Promise<PermissionEntry[]> }>();
  private readonly ttlMs: number;
  private readonly clock: Pick<Clock, 'now'>;

  constructor(
    private readonly client: PermissionsClient,
    options: { ttlMs?: number; clock?: Pick<Clock, 'now'> } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
  }

  listPermissions(scope: string, options: CallOptions = {}): Promise<PermissionEntry[]> {
    const key = scopeKey(scope);
    const now = this.clock.now();
    let entry = this.entries.get(key);
    if (!entry || now - entry.at >= this.ttlMs) {
      const answer = this.client.listPermissions(scope, { ...options, signal: undefined });
      const fresh = { at: now, answer };
      entry = fresh;
      this.entries.set(key, fresh);
      answer.catch(() => {
        if (this.entries.get(key) === fresh) {
          this.entries.delete(key);
        }
      });
    }
    return untilAborted(entry.answer, options.signal);
  }

  /** Forgets one scope's answer, or all of them (after the signed-in principal's own roles change, or a sign-in). */
  invalidate(scope?: string): void {
    if (scope === undefined) {
      this.entries.clear();
    } else {
      this.entries.delete(scopeKey(scope));
    }
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  if (signal.aborted) {
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
