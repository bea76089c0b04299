// The manifest and the code agree: for each state a tree item can be in, the contextValue the code computes, fed
// through package.json's real `when` clauses, shows exactly the actions that make sense.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { VmIdentity } from '../../src/identity/model';
import {
  errorContextValue,
  groupContextValue,
  infoContextValue,
  roleAssignmentContextValue,
  roleAssignmentsContextValue,
  subscriptionContextValue,
  systemIdentityContextValue,
  userIdentitiesContextValue,
  userIdentityContextValue,
  vmContextValue,
} from '../../src/tree/contextValues';
import { evaluateWhen } from './support/whenClause';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const VIEW = 'azureVmIdentities.vms';
const P = 'azureVmIdentities.';

/** A menu entry: a command, or (`submenu`) a submenu whose own entries are under menus[submenu]. */
interface MenuEntry {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}

/** What an entry shows: its command without our prefix, or `submenu:<id>`. */
function entryName(entry: MenuEntry): string {
  return entry.command ? entry.command.slice(P.length) : `submenu:${entry.submenu}`;
}

function itemMenu(viewItem: string, inline: boolean, view = VIEW): string[] {
  const entries: MenuEntry[] = manifest.contributes.menus['view/item/context'];
  return entries
    .filter((entry) => (entry.group?.startsWith('inline') ?? false) === inline)
    .filter((entry) => evaluateWhen(entry.when, { view, viewItem }))
    .map(entryName)
    .sort();
}

const uai = (name: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const identities: Record<string, VmIdentity> = {
  none: { type: 'None', userAssignedIdentities: {} },
  system: { type: 'SystemAssigned', principalId: 'p', tenantId: 't', userAssignedIdentities: {} },
  user2: { type: 'UserAssigned', userAssignedIdentities: { [uai('a')]: {}, [uai('b')]: {} } },
  both1: { type: 'SystemAssigned, UserAssigned', principalId: 'p', tenantId: 't', userAssignedIdentities: { [uai('a')]: {} } },
};

const sorted = (...names: string[]) => [...names].sort();

describe('context menus of the tree (package.json when clauses x contextValues)', () => {
  const cases: [string, string, string[]][] = [
    ['VM without identity', vmContextValue(identities.none, 'idle'),
      sorted('enableSystemAssigned', 'assignUserAssigned', 'createUserAssigned', 'showIdentityJson', 'copyResourceId', 'refresh')],
    ['VM with system only', vmContextValue(identities.system, 'idle'),
      sorted('grantAccess', 'disableSystemAssigned', 'assignUserAssigned', 'createUserAssigned', 'addToGroup', 'showIdentityJson', 'copyPrincipalId', 'verifyIdentity', 'copyResourceId', 'refresh')],
    ['VM with 2 user-assigned (Copy Principal ID picks among them)', vmContextValue(identities.user2, 'idle'),
      sorted('grantAccess', 'enableSystemAssigned', 'assignUserAssigned', 'removeUserAssigned', 'createUserAssigned', 'showIdentityJson', 'copyPrincipalId', 'verifyIdentity', 'copyResourceId', 'refresh')],
    ['VM with system + 1 user-assigned', vmContextValue(identities.both1, 'idle'),
      sorted('grantAccess', 'disableSystemAssigned', 'assignUserAssigned', 'removeUserAssigned', 'createUserAssigned', 'addToGroup', 'showIdentityJson', 'copyPrincipalId', 'verifyIdentity', 'copyResourceId', 'refresh')],
    ['VM being updated: no writes', vmContextValue(identities.both1, 'updating'),
      sorted('showIdentityJson', 'copyPrincipalId', 'verifyIdentity', 'copyResourceId', 'refresh')],
    // A scale set is a host like a VM: every identity action applies (issue 10).
    ['scale set without identity', vmContextValue(identities.none, 'idle', 'virtualMachineScaleSet'),
      sorted('enableSystemAssigned', 'assignUserAssigned', 'createUserAssigned', 'showIdentityJson', 'copyResourceId', 'refresh')],
    ['scale set with system + 1 user-assigned', vmContextValue(identities.both1, 'idle', 'virtualMachineScaleSet'),
      sorted('grantAccess', 'disableSystemAssigned', 'assignUserAssigned', 'removeUserAssigned', 'createUserAssigned', 'addToGroup', 'showIdentityJson', 'copyPrincipalId', 'copyResourceId', 'refresh')],
    ['scale set being updated: no writes', vmContextValue(identities.both1, 'updating', 'virtualMachineScaleSet'),
      sorted('showIdentityJson', 'copyPrincipalId', 'copyResourceId', 'refresh')],
    ['system identity off', systemIdentityContextValue(identities.user2, undefined, 'idle'), sorted('enableSystemAssigned')],
    ['system identity on, groups not known', systemIdentityContextValue(identities.system, undefined, 'idle'),
      sorted('grantAccess', 'disableSystemAssigned', 'addToGroup', 'copyPrincipalId', 'verifyIdentity')],
    ['system identity on, in no group', systemIdentityContextValue(identities.system, 0, 'idle'),
      sorted('grantAccess', 'disableSystemAssigned', 'addToGroup', 'copyPrincipalId', 'verifyIdentity')],
    ['system identity on, in 2 groups', systemIdentityContextValue(identities.both1, 2, 'idle'),
      sorted('grantAccess', 'disableSystemAssigned', 'addToGroup', 'removeFromGroup', 'copyPrincipalId', 'verifyIdentity')],
    ['system identity on, VM being updated', systemIdentityContextValue(identities.both1, 2, 'updating'), sorted('copyPrincipalId', 'verifyIdentity')],
    ['user-assigned folder, none', userIdentitiesContextValue(identities.system, 'idle'), sorted('assignUserAssigned', 'createUserAssigned')],
    ['user-assigned folder, 2', userIdentitiesContextValue(identities.user2, 'idle'),
      sorted('assignUserAssigned', 'removeUserAssigned', 'createUserAssigned')],
    ['user-assigned folder, VM being updated', userIdentitiesContextValue(identities.user2, 'updating'), []],
    ['one user-assigned identity', userIdentityContextValue('idle'),
      sorted('grantAccess', 'deleteUserAssignedIdentity', 'removeUserAssigned', 'copyPrincipalId', 'verifyIdentity', 'copyClientId', 'copyResourceId')],
    ['one user-assigned identity, VM being updated', userIdentityContextValue('updating'),
      sorted('copyPrincipalId', 'verifyIdentity', 'copyClientId', 'copyResourceId')],
    ['VM without identity: nothing to grant to', vmContextValue(identities.none, 'updating'), sorted('showIdentityJson', 'copyResourceId', 'refresh')],
    ['Azure role assignments of an identity', roleAssignmentsContextValue('idle'), sorted('grantAccess')],
    ['Azure role assignments, VM being updated', roleAssignmentsContextValue('updating'), []],
    ['one role assignment', roleAssignmentContextValue(false, 'idle'), sorted('revokeAccess')],
    ['an inherited role assignment', roleAssignmentContextValue(true, 'idle'), sorted('revokeAccess')],
    ['one role assignment, VM being updated', roleAssignmentContextValue(false, 'updating'), []],
    ['group membership', groupContextValue('idle'), sorted('removeFromGroup')],
    ['group membership, VM being updated', groupContextValue('updating'), []],
    ['subscription', subscriptionContextValue(), sorted('createUserAssigned', 'createVirtualMachine', 'refresh')],
    ['error node', errorContextValue(), sorted('retry')],
    ['info node', infoContextValue(), []],
  ];
  for (const [name, contextValue, expected] of cases) {
    it(`${name} (${contextValue})`, () => {
      assert.deepEqual(itemMenu(contextValue, false), expected);
    });
  }

  it('inline actions: Show Identity JSON on VMs, Retry on errors, nothing else', () => {
    assert.deepEqual(itemMenu(vmContextValue(identities.none, 'idle'), true), ['showIdentityJson']);
    assert.deepEqual(itemMenu(vmContextValue(identities.both1, 'updating'), true), ['showIdentityJson']);
    assert.deepEqual(itemMenu(errorContextValue(), true), ['retry']);
    assert.deepEqual(itemMenu(userIdentityContextValue('idle'), true), []);
  });

  it('"Sign in to Another Tenant..." is in the view title\'s overflow and the palette only with VS Code sign-in', () => {
    const titleMenu = (method: string | undefined) =>
      (manifest.contributes.menus['view/title'] as MenuEntry[])
        .filter((entry) => evaluateWhen(entry.when, { view: VIEW, 'azureVmIdentities.signInMethod': method }))
        .map((entry) => [entryName(entry), entry.group?.startsWith('navigation') ? 'bar' : 'overflow']);
    assert.deepEqual(titleMenu('vscode').filter(([command]) => command === 'signInToTenant'), [['signInToTenant', 'overflow']]);
    for (const method of ['azureCli', 'servicePrincipal', undefined]) {
      assert.ok(!titleMenu(method).some(([command]) => command === 'signInToTenant'), `hidden for ${method}`);
    }
    const palette = (manifest.contributes.menus.commandPalette as MenuEntry[]).find((entry) => entry.command === P + 'signInToTenant');
    assert.equal(evaluateWhen(palette?.when, { 'azureVmIdentities.signInMethod': 'vscode' }), true);
    assert.equal(evaluateWhen(palette?.when, { 'azureVmIdentities.signInMethod': 'azureCli' }), false);
  });

  it("the view title's Refresh reloads everything: a command of its own (VS Code passes it the selected item), also the palette's", () => {
    const title = (manifest.contributes.menus['view/title'] as MenuEntry[]).filter((entry) => evaluateWhen(entry.when, { view: VIEW }));
    assert.deepEqual(title.filter((entry) => /refresh/i.test(entry.command ?? '')).map((entry) => entry.command), [P + 'refreshAll']);
    const palette = manifest.contributes.menus.commandPalette as MenuEntry[];
    assert.equal(evaluateWhen(palette.find((entry) => entry.command === P + 'refresh')?.when, {}), false, "the item's Refresh is not in the palette");
    assert.equal(palette.find((entry) => entry.command === P + 'refreshAll'), undefined, 'Refresh (everything) is in the palette');
  });

  it('no action of ours appears in another view', () => {
    assert.deepEqual(itemMenu(vmContextValue(identities.both1, 'idle'), false, 'explorer'), []);
  });
});

describe('the Azure view (Azure Resources): a "Managed Identities" submenu on VM nodes', () => {
  const submenuId = 'azureVmIdentities.azureView';
  const submenu = (manifest.contributes.submenus as { id: string; label: string }[]).find((entry) => entry.id === submenuId);

  it('is labelled "Managed Identities" and offers the VM commands that resolve the VM from the node', () => {
    assert.ok(submenu, 'submenu declared');
    assert.equal(nls[submenu.label.slice(1, -1)], 'Managed Identities');
    const commands = (manifest.contributes.menus[submenuId] as MenuEntry[]).map(entryName);
    assert.deepEqual(commands, [
      'enableSystemAssigned', 'disableSystemAssigned', 'assignUserAssigned', 'removeUserAssigned',
      'addToGroup', 'removeFromGroup', 'showIdentityJson', 'copyPrincipalId',
    ]);
    for (const command of commands) {
      const source = fs.readFileSync(path.join(root, 'src', 'commands', `${command}.ts`), 'utf8');
      assert.match(source, /resolveHost\(context, services, node/, `${command} finds its VM through resolveHost`);
    }
    const registration = fs.readFileSync(path.join(root, 'src', 'commands', 'registerCommands.ts'), 'utf8');
    assert.match(registration, /isTreeNode\(argument\) \? argument : await vmNodeFromAzureViewItem\(services, argument\)/, 'an Azure-view item reaches the command as the VM its resource id names');
  });

  // Context values of the Azure Virtual Machines extension's VM nodes, and of what else the Azure view shows.
  const cases: [string, string, string, boolean][] = [
    ['a VM in the resource-groups view', 'azureResourceGroups', 'linuxVirtualMachine', true],
    ['a Windows VM in the focus view', 'azureFocusView', 'windowsVirtualMachine', true],
    ['a VM node with more segments', 'azureResourceGroups', 'azureResource;virtualMachine;running', true],
    ['the "Virtual machines" group (plural)', 'azureResourceGroups', 'azureResourceTypeGroup;microsoft.compute/virtualmachines', false],
    ['a storage account', 'azureResourceGroups', 'azureStorageAccount', false],
    ['a VM-looking item in our own view', VIEW, 'linuxVirtualMachine', false],
    ['a VM-looking item in the Explorer', 'explorer', 'virtualMachine', false],
  ];
  for (const [name, view, viewItem, shown] of cases) {
    it(`${shown ? 'shows' : 'does not show'} on ${name} (${view}, ${viewItem})`, () => {
      assert.deepEqual(itemMenu(viewItem, false, view).includes(`submenu:${submenuId}`), shown);
      if (view !== VIEW) {
        assert.deepEqual(itemMenu(viewItem, false, view).filter((entry) => !entry.startsWith('submenu:')), [], 'no loose commands of ours there');
      }
    });
  }
});

describe('manifest consistency', () => {
  const commands: { command: string; title: string; category?: string }[] = manifest.contributes.commands;
  const declared = new Set(commands.map((c) => c.command));

  it('every menu entry names a declared command or submenu, and every submenu has entries', () => {
    const submenus = new Set(((manifest.contributes.submenus ?? []) as { id: string }[]).map((entry) => entry.id));
    for (const [menu, entries] of Object.entries(manifest.contributes.menus as Record<string, MenuEntry[]>)) {
      for (const entry of entries) {
        if (entry.submenu) assert.ok(submenus.has(entry.submenu), `${menu}: submenu ${entry.submenu} is not in contributes.submenus`);
        else assert.ok(entry.command && declared.has(entry.command), `${menu}: ${entry.command} is not in contributes.commands`);
      }
    }
    for (const id of submenus) assert.ok(manifest.contributes.menus[id]?.length > 0, `submenu ${id} has no entries`);
  });

  it('every command is registered by the code, and every registered command is declared', () => {
    const source = fs.readFileSync(path.join(root, 'src', 'commands', 'registerCommands.ts'), 'utf8');
    const table = /COMMANDS: Record<string, Command> = \{([\s\S]*?)\n\};/.exec(source)?.[1];
    assert.ok(table, 'COMMANDS table not found in registerCommands.ts');
    const registered = [...table.matchAll(/^\s{2}(\w+)[,:]/gm)].map((m) => P + m[1]).sort();
    assert.deepEqual(registered, [...declared].sort());
  });

  it('titles and categories are localized through package.nls.json, in the "Managed Identities" category', () => {
    for (const command of commands) {
      assert.match(command.title, /^%.+%$/, `${command.command} title`);
      assert.ok(nls[command.title.slice(1, -1)], `${command.title} missing from package.nls.json`);
      assert.equal(command.category, '%azureVmIdentities.category%');
    }
    assert.equal(nls['azureVmIdentities.category'], 'Managed Identities');
  });

  it('every %placeholder% in package.json has a package.nls.json entry', () => {
    const placeholders = [...JSON.stringify(manifest).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(placeholders.length > 20);
    for (const key of placeholders) assert.ok(key in nls, `${key} missing from package.nls.json`);
  });

  it('titles the end-to-end tests rely on', () => {
    const title = (id: string) => nls[commands.find((c) => c.command === P + id)!.title.slice(1, -1)];
    assert.equal(title('enableSystemAssigned'), 'Enable System-Assigned Identity');
    assert.equal(title('disableSystemAssigned'), 'Disable System-Assigned Identity');
    assert.equal(title('assignUserAssigned'), 'Assign User-Assigned Identities...');
    assert.equal(title('removeUserAssigned'), 'Remove User-Assigned Identities...');
    assert.equal(title('createUserAssigned'), 'Create User-Assigned Identity...');
    assert.equal(title('addToGroup'), 'Add to Group...');
    assert.equal(title('showIdentityJson'), 'Show Identity JSON');
    assert.equal(title('grantAccess'), 'Grant Access...');
    assert.equal(title('revokeAccess'), 'Revoke Access...');
    assert.equal(title('deleteUserAssignedIdentity'), 'Delete User-Assigned Identity...');
  });

  it('settings that choose the sign-in or endpoints cannot be set by a workspace', () => {
    const properties = manifest.contributes.configuration.properties;
    for (const key of ['azureVmIdentities.signInMethod', 'azureVmIdentities.customCloud']) {
      assert.ok(['machine', 'application'].includes(properties[key].scope), `${key} scope is ${properties[key].scope}`);
    }
  });

  it('the activity bar container and its view exist, with an icon file in media/', () => {
    const container = manifest.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'azureVmIdentities');
    assert.ok(container);
    assert.equal(nls[container.title.slice(1, -1)], 'Managed Identities');
    assert.ok(fs.existsSync(path.join(root, container.icon)));
    assert.ok(manifest.contributes.views.azureVmIdentities.some((v: { id: string }) => v.id === VIEW));
  });

  it('signed-out welcome content offers Sign In', () => {
    const welcome = manifest.contributes.viewsWelcome.find((w: { when: string }) => evaluateWhen(w.when, { 'azureVmIdentities.signInStatus': 'signedOut' }));
    assert.ok(welcome, 'no welcome content for signedOut');
    assert.match(nls[welcome.contents.slice(1, -1)], /\[Sign In\]\(command:azureVmIdentities\.signIn\)/);
  });
});

describe('the when-clause evaluator itself', () => {
  it('follows VS Code precedence and regex matching', () => {
    assert.equal(evaluateWhen('a && b || c', { a: true, b: false, c: true }), true);
    assert.equal(evaluateWhen('!a && b', { a: false, b: true }), true);
    assert.equal(evaluateWhen('x =~ /^vm;/', { x: 'vm;system=on' }), true);
    assert.equal(evaluateWhen('x =~ /^vm;/', {}), false);
    assert.equal(evaluateWhen('x == signedOut', { x: 'signedOut' }), true);
    assert.equal(evaluateWhen('x != signedOut', { x: 'signedOut' }), false);
    assert.equal(evaluateWhen('(a || b) && c', { a: true, c: false }), false);
  });

  it('reads the Azure extensions\' regexes: alternatives, a negative lookahead and the i flag', () => {
    const clause = 'view =~ /(azureResourceGroups|azureFocusView)/ && viewItem =~ /virtualmachine(?!s)/i';
    assert.equal(evaluateWhen(clause, { view: 'azureFocusView', viewItem: 'VirtualMachine' }), true);
    assert.equal(evaluateWhen(clause, { view: 'azureFocusView', viewItem: 'virtualmachines' }), false);
    assert.equal(evaluateWhen(clause, { view: 'azureWorkspace', viewItem: 'virtualMachine' }), false);
    assert.equal(evaluateWhen("x =~ /a\\/b/", { x: 'a/b' }), true, 'an escaped slash stays inside the regex');
  });
});
