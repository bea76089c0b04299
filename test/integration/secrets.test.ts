// Guarantee (issue 13): no token, secret or Authorization header in any log or message, on the normal paths too (the
// fault paths are scanned in faultMatrix.test.ts). One signed-in session runs every operation as a user would, each
// succeeding: reads, each identity change, groups, access, creating and deleting an identity, creating a VM with a
// password, and Verify (which fetches a token inside the VM). Every log line (all levels), progress message, result
// and the fake's own log is then scanned for tokens, the sign-in's secret and the VM's password.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AccessPrincipal } from '../../src/identity/accessOperations';
import type { IdentityChange } from '../../src/identity/model';
import { BUILT_IN_ROLE_IDS } from '../../src/identity/roles';
import { VERIFY_AUDIENCES } from '../../src/identity/verifyIdentity';
import { VerifyOperations } from '../../src/identity/verifyOperations';
import type { RunningFakeAzure } from '../fake-azure/server';
import { secretFindings } from '../secretScan';
import { demo, ids, loadTree, newWindowsVmRequest, signInAs, startFake, stateVm, uaiId, vm } from './harness';

const password = 'Normal-Path-Secret-7!';
const fakeLog: string[] = [];

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake({ log: (line) => fakeLog.push(line) });
});
after(async () => fake.stop());

describe('secrets on the normal paths', () => {
  it('every operation, succeeding: no token, secret, password or Authorization header in any log line, message or result', async () => {
    const session = signInAs(fake);
    const { ops } = session;
    const seen: unknown[] = [];
    const onProgress = (message: string) => seen.push(message);
    const production = `/subscriptions/${demo.production}`;

    seen.push(await loadTree(ops), await ops.listScaleSets(demo.production), await ops.getIdentityJson(vm('vm-web-04')));
    seen.push(await ops.listUserAssignedIdentities(demo.production), await ops.listResourceGroups(demo.production));
    const changes: IdentityChange[] = [
      { kind: 'enableSystemAssigned' },
      { kind: 'assignUserAssigned', ids: [ids.backend] },
      { kind: 'removeUserAssigned', ids: [ids.backend] },
      { kind: 'disableSystemAssigned' },
    ];
    for (const change of changes) {
      seen.push(await ops.changeIdentity(vm('vm-web-01'), change, { onProgress }));
    }

    const group = fake.getState().groups.find((g) => g.displayName === 'sg-monitoring')!;
    seen.push(await ops.searchGroups(demo.production, 'sg'), await ops.listGroupMemberships(vm('vm-web-02')));
    await ops.addToGroup(vm('vm-web-02'), group.id, { groupName: group.displayName, onProgress });
    await ops.removeFromGroup(vm('vm-web-02'), group.id, { groupName: group.displayName, onProgress });

    const principal: AccessPrincipal = { kind: 'systemAssigned', host: vm('vm-web-02'), principalId: stateVm(fake, 'vm-web-02').identity.principalId! };
    const reader = { id: `${production}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS.reader}`, roleName: 'Reader' };
    const granted = await ops.access.grantAccess(principal, `${production}/resourceGroups/rg-data`, reader, { onProgress });
    seen.push(granted, await ops.access.listRoleAssignments(principal));
    seen.push(await ops.access.revokeAccess(principal, granted.assignment!, 'Reader', { onProgress }));

    seen.push(await ops.createUserAssignedIdentity({ subscriptionId: demo.production, resourceGroup: 'rg-web', name: 'id-normal', location: 'eastus' }, { onProgress }));
    seen.push(await ops.access.deleteUserAssignedIdentity({ id: uaiId(demo.production, 'rg-web', 'id-normal'), name: 'id-normal', subscriptionId: demo.production, resourceGroup: 'rg-web' }, { onProgress }));

    seen.push(await ops.createVirtualMachine(newWindowsVmRequest(password, { name: 'vm-win-normal' }), { onProgress }));

    const verify = new VerifyOperations(session.account.clients);
    seen.push(await verify.verifyIdentity({ vm: vm('vm-web-02'), target: { kind: 'systemAssigned' }, resource: VERIFY_AUDIENCES[0].resource }, { onProgress }));

    // The scan can fail: it finds what it looks for.
    assert.ok(secretFindings(`Authorization: Bearer ${fake.mintToken(demo.admin.id, VERIFY_AUDIENCES[0].resource)}`, []).length >= 2);
    assert.deepEqual(secretFindings(`x ${password} y`, [password]), [`the secret ${password.slice(0, 3)}…`]);

    const secrets = [demo.admin.secret!, password];
    assert.ok(session.logger.lines.length > 20, 'the session logged what it did');
    const findings = [
      ...session.logger.lines.flatMap((line) => secretFindings(line, secrets).map((f) => `log line "${line.slice(0, 80)}": ${f}`)),
      ...seen.flatMap((item) => secretFindings(typeof item === 'string' ? item : JSON.stringify(item), secrets).map((f) => `message or result: ${f}`)),
      ...fakeLog.flatMap((line) => secretFindings(line, secrets).map((f) => `fake's log: ${f}`)),
    ];
    assert.deepEqual(findings, []);
  });
});
