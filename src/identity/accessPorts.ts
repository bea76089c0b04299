// What the access features (permission checks, role assignments) need from Azure. Kept apart from ports.ts while
// issue 8 reshapes that file; they move there at the merge.
import type { PermissionEntry } from './permissions';
import type { CallOptions } from './ports';
import type { NewRoleAssignment, RoleAssignment, RoleDefinition } from './roles';

/** Microsoft.Authorization/permissions: the signed-in principal's own permission blocks that apply at `scope`
 *  (a resource group or a resource id; every page, nextLink followed). */
export interface PermissionsClient {
  listPermissions(scope: string, options?: CallOptions): Promise<PermissionEntry[]>;
}

export interface RoleDefinitionsClient {
  /** The built-in and custom roles applicable at `scope` and above (GET {scope}/providers/Microsoft.Authorization/roleDefinitions). */
  list(scope: string, options?: CallOptions): Promise<RoleDefinition[]>;
  /** By full id, in either form (`/subscriptions/{s}/providers/…/roleDefinitions/{guid}` or `/providers/…`). */
  get(roleDefinitionId: string, options?: CallOptions): Promise<RoleDefinition>;
}

export interface RoleAssignmentsClient {
  /** One server-side filtered request (`$filter=principalId eq '{id}'`): the principal's assignments at, above and
   *  below `scope`. */
  listForPrincipal(scope: string, principalId: string, options?: CallOptions): Promise<RoleAssignment[]>;
  /** PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name}. */
  create(assignment: NewRoleAssignment, options?: CallOptions): Promise<RoleAssignment>;
  /** DELETE by full id; undefined when it no longer existed (ARM's 204). */
  delete(roleAssignmentId: string, options?: CallOptions): Promise<RoleAssignment | undefined>;
}
