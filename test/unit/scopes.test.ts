// Scopes as a person reads them, parsed case-insensitively, and whether an assignment is inherited.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assignmentScopeRelation,
  describeScope,
  describeSubscription,
  isInheritedAssignment,
  parseScope,
  scopeContains,
  scopeKey,
} from '../../src/identity/scopes';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const SUBSCRIPTION = `/subscriptions/${SUB}`;
const RG = `${SUBSCRIPTION}/resourceGroups/rg-data`;
const STORAGE = `${RG}/providers/Microsoft.Storage/storageAccounts/stcontoso`;
const names = { subscriptionName: (id: string) => (id.toLowerCase() === SUB ? 'Contoso Dev' : undefined), managementGroupName: () => undefined };

describe('parseScope', () => {
  it('takes apart each kind of scope', () => {
    assert.deepEqual(parseScope('/'), { kind: 'root', id: '/' });
    assert.deepEqual(parseScope('/providers/Microsoft.Management/managementGroups/mg-contoso'), {
      kind: 'managementGroup',
      id: '/providers/Microsoft.Management/managementGroups/mg-contoso',
      managementGroupId: 'mg-contoso',
    });
    assert.deepEqual(parseScope(SUBSCRIPTION), { kind: 'subscription', id: SUBSCRIPTION, subscriptionId: SUB });
    assert.deepEqual(parseScope(RG), { kind: 'resourceGroup', id: RG, subscriptionId: SUB, resourceGroup: 'rg-data' });
    assert.deepEqual(parseScope(STORAGE), {
      kind: 'resource',
      id: STORAGE,
      subscriptionId: SUB,
      resourceGroup: 'rg-data',
      resourceType: 'Microsoft.Storage/storageAccounts',
      name: 'stcontoso',
    });
  });

  it('accepts ARM\'s spellings: any case, no leading slash (as the REST examples write it), a trailing slash', () => {
    assert.equal(parseScope(`subscriptions/${SUB}/resourcegroups/RG-DATA/`)?.kind, 'resourceGroup');
    assert.equal(parseScope(`subscriptions/${SUB}/resourcegroups/RG-DATA/`)?.id, `/subscriptions/${SUB}/resourcegroups/RG-DATA`);
    assert.equal(parseScope('/PROVIDERS/microsoft.management/MANAGEMENTGROUPS/mg')?.kind, 'managementGroup');
  });

  it('a child resource keeps its full type and ARM\'s joined name; an extension resource is not a scope it knows', () => {
    const container = `${STORAGE}/blobServices/default/containers/images`;
    assert.deepEqual(parseScope(container), {
      kind: 'resource',
      id: container,
      subscriptionId: SUB,
      resourceGroup: 'rg-data',
      resourceType: 'Microsoft.Storage/storageAccounts/blobServices/containers',
      name: 'stcontoso/default/images',
    });
    assert.equal(parseScope(`${STORAGE}/providers/Microsoft.Insights/diagnosticSettings/ds`), undefined);
    assert.equal(parseScope(`${RG}/providers/Microsoft.Storage/storageAccounts`), undefined, 'a type without a name');
    assert.equal(parseScope('not a scope'), undefined);
  });
});

describe('describeScope', () => {
  it('names resources by kind and resource group', () => {
    assert.equal(describeScope(STORAGE), "storage account 'stcontoso' in resource group 'rg-data'");
    assert.equal(describeScope(`${RG}/providers/Microsoft.KeyVault/vaults/kv-contoso`), "key vault 'kv-contoso' in resource group 'rg-data'");
    assert.equal(
      describeScope(`${RG}/providers/Microsoft.ContainerRegistry/registries/crcontoso`),
      "container registry 'crcontoso' in resource group 'rg-data'",
    );
    assert.equal(
      describeScope(`${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`),
      "virtual machine 'vm-web-01' in resource group 'rg-web'",
    );
    // The type matches whatever case ARM answered in.
    assert.equal(describeScope(STORAGE.toLowerCase()), "storage account 'stcontoso' in resource group 'rg-data'");
  });

  it('falls back to the provider type for other resources', () => {
    assert.equal(describeScope(`${RG}/providers/Microsoft.Web/sites/app-contoso`), "Microsoft.Web/sites 'app-contoso' in resource group 'rg-data'");
    assert.equal(
      describeScope(`${STORAGE}/blobServices/default/containers/images`),
      "Microsoft.Storage/storageAccounts/blobServices/containers 'stcontoso/default/images' in resource group 'rg-data'",
    );
  });

  it('a resource group, a subscription by display name (its id only when the name is unknown), a management group, the root', () => {
    assert.equal(describeScope(RG), "resource group 'rg-data'");
    assert.equal(describeScope(SUBSCRIPTION, names), "subscription 'Contoso Dev'");
    assert.equal(describeScope(SUBSCRIPTION), `subscription ${SUB}`);
    assert.equal(describeSubscription(SUB.toUpperCase(), names), "subscription 'Contoso Dev'");
    assert.equal(describeScope('/providers/Microsoft.Management/managementGroups/mg-contoso', names), "management group 'mg-contoso'");
    assert.equal(
      describeScope('/providers/Microsoft.Management/managementGroups/mg-contoso', { managementGroupName: () => 'Contoso' }),
      "management group 'Contoso'",
    );
    assert.match(describeScope('/'), /root scope/);
    assert.equal(describeScope('weird'), "'weird'");
  });

  it('goes through the localizer', () => {
    const t = (message: string, ...args: (string | number | boolean)[]) => `[${message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]))}]`;
    assert.equal(describeScope(STORAGE, {}, t), "[storage account 'stcontoso' in resource group 'rg-data']");
  });
});

describe('inheritance', () => {
  it('an assignment above the viewed scope is inherited; at it is not; below it is below', () => {
    assert.equal(assignmentScopeRelation(SUBSCRIPTION, STORAGE), 'inherited');
    assert.equal(assignmentScopeRelation(RG, STORAGE), 'inherited');
    assert.equal(assignmentScopeRelation(STORAGE, STORAGE), 'here');
    assert.equal(assignmentScopeRelation(STORAGE, RG), 'below');
    assert.equal(assignmentScopeRelation(`${SUBSCRIPTION}/resourceGroups/rg-web`, STORAGE), 'unrelated');
    assert.equal(isInheritedAssignment(SUBSCRIPTION, RG), true);
    assert.equal(isInheritedAssignment(RG, RG), false);
  });

  it('compares ids without regard to case or a leading slash', () => {
    assert.equal(assignmentScopeRelation(RG.toUpperCase(), `${RG.toLowerCase()}/`), 'here');
    assert.equal(assignmentScopeRelation(`subscriptions/${SUB}`, STORAGE.toUpperCase()), 'inherited');
    assert.equal(scopeKey(`subscriptions/${SUB.toUpperCase()}/`), `/subscriptions/${SUB}`);
  });

  it('does not mistake a name prefix for a parent', () => {
    assert.equal(scopeContains(`${SUBSCRIPTION}/resourceGroups/rg`, `${SUBSCRIPTION}/resourceGroups/rg-data`), false);
    assert.equal(isInheritedAssignment(`${SUBSCRIPTION}/resourceGroups/rg`, RG), false);
  });

  it('a management group or the root is above any subscription, resource group or resource', () => {
    const mg = '/providers/Microsoft.Management/managementGroups/mg-contoso';
    assert.equal(assignmentScopeRelation(mg, SUBSCRIPTION), 'inherited');
    assert.equal(assignmentScopeRelation(mg, STORAGE), 'inherited');
    assert.equal(assignmentScopeRelation('/', RG), 'inherited');
    assert.equal(assignmentScopeRelation(SUBSCRIPTION, '/'), 'below');
  });
});
