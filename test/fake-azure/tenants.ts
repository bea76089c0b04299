// People who sign in interactively, the public client applications they sign in with, the tenants they belong to,
// and ARM's `GET /tenants`, which lists those tenants. See README.md, "Interactive sign-in".
import { page, type ArmContext, type Route } from './arm';
import { sameId } from './state';
import type { FakeRequest, FakeResponse, FakeState, SeedTenant } from './types';

/** A tenant a user belongs to, with the user's object id there (a guest has its own object in each tenant). */
export interface SeedUserMembership {
  tenantId: string;
  objectId: string;
}

export interface SeedUser {
  /** Object id in the home tenant; also the `uid` of MSAL's client_info. */
  id: string;
  userPrincipalName: string;
  displayName: string;
  homeTenantId: string;
  /** Tenants where the user is a guest; role assignments there name `objectId`. */
  guestOf?: SeedUserMembership[];
  /** Delegated Microsoft Graph permissions consented for the user, carried as `scp` in Graph tokens. */
  graphScopes?: string[];
}

/** An application registered as a public client (no secret), as VS Code's and Azure CLI's are. */
export interface SeedPublicClient {
  appId: string;
  displayName: string;
  /** `http://localhost` and `http://127.0.0.1` entries accept any port, as Entra does for loopback addresses. */
  redirectUris: string[];
}

/** Every tenant the user belongs to, the home tenant first. */
export function membershipsOf(user: SeedUser): SeedUserMembership[] {
  return [{ tenantId: user.homeTenantId, objectId: user.id }, ...(user.guestOf ?? [])];
}

export function membershipIn(user: SeedUser, tenantId: string): SeedUserMembership | undefined {
  return membershipsOf(user).find((m) => sameId(m.tenantId, tenantId));
}

/** The seeded user a login_hint or control route names: by user principal name or home object id. */
export function findUser(state: FakeState, nameOrId: string): SeedUser | undefined {
  return (state.users ?? []).find((u) => sameId(u.userPrincipalName, nameOrId) || sameId(u.id, nameOrId));
}

/** The user behind a token's `oid`, whichever tenant's object it is. */
function userByObjectId(state: FakeState, objectId: string): SeedUser | undefined {
  return (state.users ?? []).find((u) => membershipsOf(u).some((m) => sameId(m.objectId, objectId)));
}

// ---------- ARM: GET /tenants ----------

function tenantBody(tenant: SeedTenant) {
  return {
    id: `/tenants/${tenant.tenantId}`,
    tenantId: tenant.tenantId,
    countryCode: 'US',
    displayName: tenant.displayName,
    domains: [tenant.defaultDomain],
    // Tenants the caller is a member or guest of are 'Home'; 'ProjectedBy'/'ManagedBy' (Lighthouse) are not modelled.
    tenantCategory: 'Home',
    defaultDomain: tenant.defaultDomain,
    tenantType: 'AAD',
  };
}

/** Tenants_List: a user's tenants (home and guest, whichever tenant the token is for); an application's home tenant. */
function listTenants(req: FakeRequest, ctx: ArmContext): FakeResponse {
  const user = userByObjectId(ctx.state, req.caller.oid);
  const tenantIds = user ? membershipsOf(user).map((m) => m.tenantId) : [req.caller.tid];
  const tenants = tenantIds
    .map((id) => ctx.state.tenants.find((t) => sameId(t.tenantId, id)))
    .filter((t): t is SeedTenant => t !== undefined);
  return page(req, ctx, tenants.map(tenantBody));
}

/** The routes, built when asked so that arm.ts can include them whichever module loads first. */
export function tenantRoutes(): Route[] {
  return [{ pattern: /^\/tenants$/i, methods: { GET: listTenants } }];
}
