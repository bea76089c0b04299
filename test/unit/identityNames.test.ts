import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameTakenProblem, validateUserAssignedIdentityName } from '../../src/identity/nameRules';
import { parseResourceId, parseUserAssignedIdentityId, parseVirtualMachineId, resourceGroupFromId, resourceNameFromId, sameResourceId, subscriptionIdFromId, userAssignedIdentityId, virtualMachineId } from '../../src/identity/resourceIds';

describe('validateUserAssignedIdentityName', () => {
  const valid = ['id-backend', 'abc', 'A1_b-2', '9lives', 'a'.repeat(128), 'ID_DEPLOY'];
  for (const name of valid) {
    it(`accepts '${name.length > 20 ? `${name.slice(0, 10)}…(${name.length})` : name}'`, () => {
      assert.equal(validateUserAssignedIdentityName(name), undefined);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /Enter a name/],
    ['ab', /3 to 128 characters.*has 2/],
    ['a'.repeat(129), /3 to 128 characters.*has 129/],
    ['-backend', /start with a letter or a digit/],
    ['_backend', /start with a letter or a digit/],
    ['id backend', /only letters, digits, hyphens and underscores \(not space\)/],
    ['id.backend', /not '\.'/],
    ['id/backend', /not '\/'/],
    ['idé-backend', /not 'é'/],
    ['id@b#c', /not '@', '#'/],
  ];
  for (const [name, message] of invalid) {
    it(`refuses '${name.length > 20 ? `${name.slice(0, 10)}…(${name.length})` : name}' with a message for a person`, () => {
      const problem = validateUserAssignedIdentityName(name);
      assert.ok(problem, 'expected a message');
      assert.match(problem, message);
    });
  }
});

describe('resource ids', () => {
  const sub = 'c0ffee00-0000-4000-8000-000000000001';
  const uai = userAssignedIdentityId(sub, 'rg-web', 'id-backend');

  it('formats and parses user-assigned identity ids', () => {
    assert.equal(uai, `/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend`);
    assert.deepEqual(parseUserAssignedIdentityId(uai), {
      subscriptionId: sub,
      resourceGroup: 'rg-web',
      resourceType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      name: 'id-backend',
    });
  });

  it('parses ids in any casing, as ARM answers them', () => {
    const lower = uai.replace('resourceGroups', 'resourcegroups').toLowerCase();
    assert.equal(parseUserAssignedIdentityId(lower)?.name, 'id-backend');
    assert.equal(parseUserAssignedIdentityId(`${uai}/`)?.name, 'id-backend');
  });

  it('tells VM ids and identity ids apart', () => {
    const vm = virtualMachineId(sub, 'rg-web', 'vm-web-01');
    assert.equal(parseVirtualMachineId(vm)?.name, 'vm-web-01');
    assert.equal(parseUserAssignedIdentityId(vm), undefined);
    assert.equal(parseVirtualMachineId(uai), undefined);
  });

  it('refuses what is not a resource id', () => {
    for (const text of ['id-backend', `/subscriptions/${sub}`, `/subscriptions/${sub}/resourceGroups/rg-web`, `${uai}/extra/segments`]) {
      assert.equal(parseResourceId(text), undefined, text);
    }
  });

  it('compares without regard to case or a trailing slash', () => {
    assert.ok(sameResourceId(uai, uai.toUpperCase()));
    assert.ok(sameResourceId(uai, `${uai}/`));
    assert.ok(!sameResourceId(uai, userAssignedIdentityId(sub, 'rg-web', 'id-storage')));
  });

  it('reads parts of any id', () => {
    assert.equal(resourceNameFromId(uai), 'id-backend');
    assert.equal(resourceNameFromId('plain'), 'plain');
    assert.equal(resourceGroupFromId(uai.replace('resourceGroups', 'resourcegroups')), 'rg-web');
    assert.equal(subscriptionIdFromId(uai), sub);
    assert.equal(resourceGroupFromId(`/subscriptions/${sub}`), undefined);
  });
});

describe('nameTakenProblem', () => {
  it('refuses a name taken in the resource group, without regard to case, naming both', () => {
    assert.equal(
      nameTakenProblem('identity', 'ID-Backend', 'rg-web', ['id-storage', 'id-backend']),
      "An identity named 'id-backend' already exists in resource group 'rg-web'. Choose another name.",
    );
  });

  it('accepts a name that is free in the resource group (names elsewhere are not passed)', () => {
    assert.equal(nameTakenProblem('identity', 'id-backend', 'rg-data', ['id-monitor']), undefined);
    assert.equal(nameTakenProblem('identity', 'id-new', 'rg-web', []), undefined);
  });
});
