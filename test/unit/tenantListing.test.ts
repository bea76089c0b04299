// Accounts in many tenants: the first 10 are listed unless the user chose; the cut is reported for the UI to say.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAXIMUM_TENANTS, planTenantListing, type TenantOfAccount } from '../../src/azure/tenantListing';

const tenantsOf = (accountId: string, count: number): TenantOfAccount[] =>
  Array.from({ length: count }, (_, index) => ({ tenantId: `${accountId}-t${index + 1}`, displayName: `T${index + 1}`, accountId, accountLabel: `${accountId}@contoso.example` }));

describe('which tenants are listed', () => {
  it('the same default as @microsoft/vscode-azext-azureauth: 10', () => {
    assert.equal(MAXIMUM_TENANTS, 10);
  });

  it('up to 10 tenants: all listed, no limit to report', () => {
    const plan = planTenantListing(tenantsOf('megan', 10), undefined);
    assert.ok(plan.tenants.every((tenant) => tenant.listed));
    assert.deepEqual(plan.limits, []);
  });

  it('12 tenants and no choice: the first 10 in ARM\'s order, and the limit reported for that account', () => {
    const plan = planTenantListing(tenantsOf('nestor', 12), undefined);
    assert.deepEqual(plan.tenants.filter((tenant) => tenant.listed).map((tenant) => tenant.tenantId), tenantsOf('nestor', 10).map((tenant) => tenant.tenantId));
    assert.deepEqual(plan.limits, [{ accountLabel: 'nestor@contoso.example', total: 12, listed: 10 }]);
  });

  it('a choice lists exactly the chosen tenants, more than 10 too, and nothing is reported', () => {
    const all = tenantsOf('nestor', 12);
    const chosen = [all[11].tenantId.toUpperCase(), all[0].tenantId];
    const plan = planTenantListing(all, chosen);
    assert.deepEqual(plan.tenants.filter((tenant) => tenant.listed).map((tenant) => tenant.tenantId), [all[0].tenantId, all[11].tenantId]);
    assert.deepEqual(plan.limits, []);
    assert.equal(planTenantListing(all, all.map((tenant) => tenant.tenantId)).tenants.filter((tenant) => tenant.listed).length, 12);
  });

  it('a choice naming none of an account\'s tenants leaves that account to the default rule', () => {
    const plan = planTenantListing([...tenantsOf('megan', 2), ...tenantsOf('nestor', 12)], ['megan-t2']);
    assert.deepEqual(plan.tenants.filter((tenant) => tenant.accountId === 'megan' && tenant.listed).map((tenant) => tenant.tenantId), ['megan-t2']);
    assert.equal(plan.tenants.filter((tenant) => tenant.accountId === 'nestor' && tenant.listed).length, 10);
    assert.deepEqual(plan.limits.map((limit) => limit.accountLabel), ['nestor@contoso.example']);
  });
});
