// Which tenants VS Code's sign-in lists subscriptions from. Each tenant costs a token and a listing, so, as
// @microsoft/vscode-azext-azureauth's newer releases do (`maximumTenants`, default 10), an account in more tenants
// is listed from its first 10 only, unless the user chose the tenants (azureVmIdentities.tenants). Pure: the
// account passes the tenants in, the UI words the limit.

/** The default of @microsoft/vscode-azext-azureauth's maximumTenants. */
export const MAXIMUM_TENANTS = 10;

export interface TenantOfAccount {
  tenantId: string;
  displayName?: string;
  /** The account's id and label (e-mail address) as VS Code knows them. */
  accountId: string;
  accountLabel: string;
}

export interface TenantListing extends TenantOfAccount {
  /** Whether its subscriptions are listed. */
  listed: boolean;
}

/** An account whose tenants were cut to the maximum because the user has not chosen any. */
export interface TenantLimit {
  accountLabel: string;
  total: number;
  listed: number;
}

export interface TenantPlan {
  tenants: TenantListing[];
  limits: TenantLimit[];
}

/**
 * Chosen tenants (ids, any case) win; without a choice, each account's first `maximum` tenants in the order ARM
 * listed them. A choice that names none of an account's tenants leaves that account to the default rule, so a stale
 * choice never hides a whole account.
 */
export function planTenantListing(tenants: readonly TenantOfAccount[], chosen: readonly string[] | undefined, maximum = MAXIMUM_TENANTS): TenantPlan {
  const chosenIds = new Set((chosen ?? []).map((id) => id.toLowerCase()));
  const byAccount = new Map<string, TenantOfAccount[]>();
  for (const tenant of tenants) {
    byAccount.set(tenant.accountId, [...(byAccount.get(tenant.accountId) ?? []), tenant]);
  }
  const listings: TenantListing[] = [];
  const limits: TenantLimit[] = [];
  for (const accountTenants of byAccount.values()) {
    const choiceApplies = accountTenants.some((tenant) => chosenIds.has(tenant.tenantId.toLowerCase()));
    accountTenants.forEach((tenant, index) => {
      listings.push({ ...tenant, listed: choiceApplies ? chosenIds.has(tenant.tenantId.toLowerCase()) : index < maximum });
    });
    if (!choiceApplies && accountTenants.length > maximum) {
      limits.push({ accountLabel: accountTenants[0].accountLabel, total: accountTenants.length, listed: maximum });
    }
  }
  return { tenants: listings, limits };
}
