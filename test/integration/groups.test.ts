// Microsoft Entra group operations for a VM's system-assigned identity, through the Graph client against the fake.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningFakeAzure } from '../fake-azure/server';
import { loadSeed } from '../fake-azure/state';
import type { TokenCredential } from '@azure/core-auth';
import { CachingClientProvider, credentialSubscriptionSource } from '../../src/azure/clientProvider';
import { servicePrincipalFromEnvironment } from '../../src/azure/credentials';
import { resolveCloud } from '../../src/azure/settings';
import { IdentityError } from '../../src/identity/identityError';
import { IdentityOperations } from '../../src/identity/operations';
import { demo, environmentFor, recordingLogger, rejectsWith, signInAs, startFake, stateVm, vm } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  // Reading a service principal's memberOf needs Application.Read.All (Graph's permission table; the fake enforces
  // it). Here the admin has it and sp-reader has only Group.Read.All, whatever the demo seed grants today.
  // A small page size exercises search paging.
  const seed = structuredClone(loadSeed(undefined));
  const principal = (name: string) => seed.principals.find((p) => p.displayName === name)!;
  const admin = principal('sp-identity-admin');
  admin.graphPermissions = [...new Set([...(admin.graphPermissions ?? []), 'Application.Read.All'])];
  principal('sp-reader').graphPermissions = ['Group.Read.All'];
  fake = await startFake({ pageSize: 2, seed });
});
after(async () => fake.stop());
beforeEach(() => fake.reset());

const group = (displayName: string) => {
  const found = fake.getState().groups.find((g) => g.displayName === displayName);
  if (!found) throw new Error(`no group ${displayName}`);
  return found;
};
const graphCalls = () => fake.requests().filter((r) => r.path.startsWith('/graph'));

describe('group search', () => {
  it('type-ahead search pages through every match with @odata.nextLink', async () => {
    const { ops } = signInAs(fake);
    let page = await ops.searchGroups(demo.production, 'sg');
    const names = page.groups.map((g) => g.displayName);
    assert.equal(page.groups.length, 2);
    assert.ok(page.nextPageLink, 'a second page is offered');
    while (page.nextPageLink) {
      page = await ops.nextGroupPage(demo.production, page.nextPageLink);
      names.push(...page.groups.map((g) => g.displayName));
    }
    assert.deepEqual(names.sort(), ['sg-app-readers', 'sg-keyvault-readers', 'sg-monitoring', 'sg-sql-admins', 'sg-storage-contributors']);
    // Every page went out with ConsistencyLevel (the fake answers 400 Request_UnsupportedQuery without it).
    assert.ok(graphCalls().every((r) => r.status === 200));
    assert.ok(graphCalls().length >= 3);
  });

  it('finds a name with a quote in it', async () => {
    const { ops } = signInAs(fake);
    const page = await ops.searchGroups(demo.production, "O'Brien");
    assert.deepEqual(page.groups.map((g) => g.displayName), ["O'Brien Ops"]);
  });

  it('an empty search lists groups by name', async () => {
    const { ops } = signInAs(fake);
    const page = await ops.searchGroups(demo.production, '  ');
    assert.equal(page.groups.length, 2);
    assert.ok(page.nextPageLink);
  });
});

describe('group membership of the VM identity', () => {
  it('lists the direct groups of the VM identity', async () => {
    const { ops } = signInAs(fake);
    assert.deepEqual((await ops.listGroupMemberships(vm('vm-web-02'))).map((g) => g.displayName), ['sg-keyvault-readers']);
    // Direct only: vm-data-01 is in sg-sql-admins, which is in sg-app-readers.
    assert.deepEqual((await ops.listGroupMemberships(vm('vm-data-01'))).map((g) => g.displayName), ['sg-sql-admins']);
  });

  it('adds the VM identity to a group', async () => {
    const { ops } = signInAs(fake);
    const principal = stateVm(fake, 'vm-web-02').identity.principalId!;
    const progress: string[] = [];
    await ops.addToGroup(vm('vm-web-02'), group('sg-app-readers').id, { groupName: 'sg-app-readers', onProgress: (m) => progress.push(m) });
    assert.ok(group('sg-app-readers').members.includes(principal));
    assert.ok(progress.some((m) => /Adding 'vm-web-02' to 'sg-app-readers'/.test(m)));
    assert.deepEqual((await ops.listGroupMemberships(vm('vm-web-02'))).map((g) => g.displayName), ['sg-app-readers', 'sg-keyvault-readers']);
  });

  it('from a VirtualMachine already read (the tree\'s), adding sends only the Graph POST: no second read of the VM', async () => {
    const { ops } = signInAs(fake);
    const known = await ops.getVirtualMachine(vm('vm-web-02'));
    await ops.searchGroups(demo.production, 'sg-app'); // the quick pick's search, which also fetched the Graph token
    const seen = fake.requests().length;
    await ops.addToGroup(known, group('sg-app-readers').id, { groupName: 'sg-app-readers' });
    assert.deepEqual(
      fake.requests().slice(seen).map((r) => `${r.method} ${r.path} ${r.status}`),
      [`POST /graph/v1.0/groups/${group('sg-app-readers').id}/members/$ref 204`],
    );
    assert.ok(group('sg-app-readers').members.includes(known.identity.principalId!));
    // Listing and removing from the same VirtualMachine read nothing from ARM either.
    const beforeList = fake.requests().length;
    assert.deepEqual((await ops.listGroupMemberships(known)).map((g) => g.displayName), ['sg-app-readers', 'sg-keyvault-readers']);
    await ops.removeFromGroup(known, group('sg-app-readers').id);
    assert.deepEqual(fake.requests().slice(beforeList).filter((r) => !r.path.startsWith('/graph')), []);
    assert.ok(!group('sg-app-readers').members.includes(known.identity.principalId!));
  });

  it('a VirtualMachine without a known system principal is read again (its identity may have been enabled since)', async () => {
    const { ops } = signInAs(fake);
    const stale = await ops.getVirtualMachine(vm('vm-web-01'));
    const { identity } = (await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' })).host;
    await ops.addToGroup(stale, group('sg-monitoring').id);
    assert.deepEqual(group('sg-monitoring').members, [identity.principalId]);
  });

  it('a newly enabled identity can be added at once', async () => {
    const { ops } = signInAs(fake);
    const { identity } = (await ops.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' })).host;
    await ops.addToGroup(vm('vm-web-01'), group('sg-monitoring').id);
    assert.deepEqual(group('sg-monitoring').members, [identity.principalId]);
  });

  it('already a member: a clear message, nothing changes', async () => {
    const { ops } = signInAs(fake);
    const before = group('sg-keyvault-readers').members;
    await rejectsWith(ops.addToGroup(vm('vm-web-02'), group('sg-keyvault-readers').id, { groupName: 'sg-keyvault-readers' }), (error) => {
      assert.equal(error.kind, 'alreadyMember');
      assert.match(error.message, /'vm-web-02' is already a member of 'sg-keyvault-readers'/);
    });
    assert.deepEqual(group('sg-keyvault-readers').members, before);
  });

  it('removes the VM identity from a group (the membership, not the object)', async () => {
    const { ops } = signInAs(fake);
    const principal = stateVm(fake, 'vm-web-02').identity.principalId!;
    await ops.removeFromGroup(vm('vm-web-02'), group('sg-keyvault-readers').id);
    assert.ok(!group('sg-keyvault-readers').members.includes(principal));
    assert.ok(fake.getState().servicePrincipals.some((sp) => sp.id === principal), 'the service principal itself remains');
    assert.equal(stateVm(fake, 'vm-web-02').identity.type, 'SystemAssigned');
  });

  it('a VM without a system-assigned identity is refused clearly, without calling Graph', async () => {
    const { ops } = signInAs(fake);
    for (const name of ['vm-web-01', 'vm-web-03']) {
      await rejectsWith(ops.addToGroup(vm(name), group('sg-app-readers').id), (error) => {
        assert.equal(error.kind, 'invalid');
        assert.match(error.message, new RegExp(`'${name}' has no system-assigned identity.*Enable its system-assigned identity first`));
      });
      await rejectsWith(ops.listGroupMemberships(vm(name)), (error) => assert.equal(error.kind, 'invalid'));
    }
    assert.deepEqual(graphCalls(), []);
    assert.deepEqual(group('sg-app-readers').members, ['e6000000-0000-4000-8000-000000000004']);
  });

  it('without GroupMember.ReadWrite.All Graph refuses; the message says so and gives the az command', async () => {
    const { ops } = signInAs(fake, demo.reader);
    const principal = stateVm(fake, 'vm-web-02').identity.principalId!;
    const groupId = group('sg-app-readers').id;
    await rejectsWith(ops.addToGroup(vm('vm-web-02'), groupId, { groupName: 'sg-app-readers' }), (error) => {
      assert.equal(error.kind, 'graphPermission');
      assert.equal(error.statusCode, 403);
      assert.match(error.message, /Microsoft Graph refused to change the members of 'sg-app-readers'/);
      assert.match(error.message, /GroupMember\.ReadWrite\.All/);
      assert.equal(error.suggestedCommand, `az ad group member add --group ${groupId} --member-id ${principal}`);
      assert.ok(error.requestId, 'Graph request id kept');
    });
    assert.ok(!group('sg-app-readers').members.includes(principal));
  });

  it('removing without the permission gives the az remove command, and nothing changes', async () => {
    const { ops } = signInAs(fake, demo.reader);
    const principal = stateVm(fake, 'vm-web-02').identity.principalId!;
    const groupId = group('sg-keyvault-readers').id;
    await rejectsWith(ops.removeFromGroup(vm('vm-web-02'), groupId), (error) => {
      assert.equal(error.kind, 'graphPermission');
      assert.equal(error.suggestedCommand, `az ad group member remove --group ${groupId} --member-id ${principal}`);
    });
    assert.ok(group('sg-keyvault-readers').members.includes(principal));
  });

  it('the Graph refusal speaks to the sign-in used: a service principal lacks the permission; VS Code\'s app is offered Azure CLI', async () => {
    const groupId = group('sg-app-readers').id;
    const asServicePrincipal = signInAs(fake, demo.reader, { signInMethod: 'servicePrincipal' });
    await rejectsWith(asServicePrincipal.ops.addToGroup(vm('vm-web-02'), groupId, { groupName: 'sg-app-readers' }), (error) => {
      assert.match(error.message, /The service principal you signed in with lacks the GroupMember\.ReadWrite\.All permission/);
      assert.equal(error.remedy, undefined);
      assert.ok(error.suggestedCommand);
    });
    const asVsCode = signInAs(fake, demo.reader, { signInMethod: () => 'vscode' });
    await rejectsWith(asVsCode.ops.addToGroup(vm('vm-web-02'), groupId, { groupName: 'sg-app-readers' }), (error) => {
      assert.match(error.message, /VS Code's sign-in app may lack the GroupMember\.ReadWrite\.All permission/);
      assert.equal(error.remedy, 'useAzureCliSignIn');
      assert.ok(error.suggestedCommand);
    });
  });

  it('listing memberships without Application.Read.All names that permission', async () => {
    const { ops } = signInAs(fake, demo.reader);
    await rejectsWith(ops.listGroupMemberships(vm('vm-web-02')), (error) => {
      assert.equal(error.kind, 'graphPermission');
      assert.equal(error.missingRole, 'Application.Read.All');
      assert.match(error.message, /refused to list the groups of 'vm-web-02'.*Application\.Read\.All or Directory\.Read\.All/);
    });
  });

  it('a group that does not exist is reported as not found', async () => {
    const { ops } = signInAs(fake);
    await rejectsWith(ops.addToGroup(vm('vm-web-02'), 'e6000000-0000-4000-8000-0000000000ff', { groupName: 'sg-gone' }), (error) => {
      assert.equal(error.kind, 'notFound');
      assert.match(error.message, /sg-gone/);
    });
  });
});

describe('Graph sign-in prompts', () => {
  // As with VS Code's sign-in: ARM tokens come silently, a Graph token only from the credential that may prompt.
  function operationsWithPromptOnlyGraph() {
    const env = environmentFor(fake);
    const { cloud } = resolveCloud({ method: 'servicePrincipal', warnings: [] }, env);
    const real = servicePrincipalFromEnvironment(env, cloud).credential;
    const prompts: string[] = [];
    const silent: TokenCredential = {
      getToken: (scopes, options) => {
        if ([scopes].flat().includes(cloud.graphScope)) throw new IdentityError('No Graph token without asking.', { kind: 'authentication' });
        return real.getToken(scopes, options);
      },
    };
    const prompting: TokenCredential = {
      getToken: (scopes, options) => {
        prompts.push([scopes].flat().join(' '));
        return real.getToken(scopes, options);
      },
    };
    const logger = recordingLogger();
    const listed = credentialSubscriptionSource(cloud, silent, logger);
    const provider = new CachingClientProvider(cloud, async (o) => (await listed(o)).map((entry) => ({ ...entry, promptingCredential: prompting })), logger);
    return { ops: new IdentityOperations(provider), prompts };
  }

  it('listing memberships (a tree expanding) never prompts; an explicit action may', async () => {
    const { ops, prompts } = operationsWithPromptOnlyGraph();
    await rejectsWith(ops.listGroupMemberships(vm('vm-web-02')), (error) => assert.equal(error.kind, 'authentication'));
    assert.deepEqual(prompts, []);
    assert.deepEqual((await ops.listGroupMemberships(vm('vm-web-02'), { allowSignInPrompt: true })).map((g) => g.displayName), ['sg-keyvault-readers']);
    assert.equal(prompts.length, 1);
  });

  it('search and add to group (explicit actions) may prompt by default, and not when told not to', async () => {
    const { ops, prompts } = operationsWithPromptOnlyGraph();
    await rejectsWith(ops.searchGroups(demo.production, 'sg', { allowSignInPrompt: false }), (error) => assert.equal(error.kind, 'authentication'));
    assert.ok((await ops.searchGroups(demo.production, 'sg-app')).groups.length > 0);
    await ops.addToGroup(vm('vm-web-02'), group('sg-app-readers').id);
    assert.ok(group('sg-app-readers').members.includes(stateVm(fake, 'vm-web-02').identity.principalId!));
    assert.ok(prompts.length >= 1);
  });
});
