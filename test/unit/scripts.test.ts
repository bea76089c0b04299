// The equivalent scripts of issue 11: every write × both shells against expected text; values quoted so that the
// shell reads back exactly what the extension sent (bash really runs the CLI scripts, with `az` stubbed; the
// PowerShell strings are read back by PowerShell's quoting rules); the PowerShell's identity logic, read statement by
// statement, reaches the planner's identity from every starting identity; every id in a script is one the write
// acted on; no secret in any script.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { planIdentityChange } from '../../src/identity/identityChange';
import type { IdentityHostRef, IdentityType, VmIdentity } from '../../src/identity/model';
import { VM_IMAGES } from '../../src/identity/newVirtualMachine';
import { scriptFor, SCRIPT_LANGUAGE_IDS, type ScriptHostRef, type ScriptIdentityChange, type ScriptOperation, type ScriptShell } from '../../src/identity/scripts/equivalentScript';
import { bashWord, powerShellString } from '../../src/identity/scripts/quoting';
import { grantRoleScript, revokeRoleScript } from '../../src/identity/scripts/roleScripts';
import { principalIdOf, type AccessPrincipal } from '../../src/identity/accessOperations';
import type { RoleAssignment } from '../../src/identity/roles';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const TENANT = '7e7e7e7e-0000-4000-8000-000000000002';
const uai = (name: string, resourceGroup = 'rg-web') =>
  `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const BACKEND = uai('id-backend');
const STORAGE = uai('id-storage');
// Typed as the domain's own host reference: what the extension holds is what a script takes.
const VM: IdentityHostRef = {
  kind: 'virtualMachine',
  subscriptionId: SUB,
  resourceGroup: 'rg-web',
  name: 'vm-web-01',
  id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`,
};
const VMSS: ScriptHostRef = {
  kind: 'virtualMachineScaleSet',
  subscriptionId: SUB,
  resourceGroup: 'rg-web',
  name: 'vmss-web',
  id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-web`,
};
const PRINCIPAL = '11111111-2222-4333-8444-555555555555';
const USER_ASSIGNED_PRINCIPAL = '22222222-3333-4444-8555-666666666666';
const GROUP = '99999999-8888-4777-8666-555555555555';
const READER_ROLE = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`;
const STORAGE_ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01`;
const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/default`;
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2bW9ja2tleWZvcnRlc3RzMTIzNDU2Nzg5MA== me@laptop';
const WINDOWS_PASSWORD = 'Never-In-A-Script-123';
const UBUNTU = VM_IMAGES.find((image) => image.label.startsWith('Ubuntu'))!;
const WINDOWS = VM_IMAGES.find((image) => image.osType === 'Windows')!;

/** Every write the extension makes, with plain names. */
const OPERATIONS = {
  enable: { kind: 'changeIdentity', host: VM, change: { kind: 'enableSystemAssigned' } },
  disable: { kind: 'changeIdentity', host: VM, change: { kind: 'disableSystemAssigned' } },
  assign: { kind: 'changeIdentity', host: VM, change: { kind: 'assignUserAssigned', ids: [BACKEND, STORAGE] } },
  remove: { kind: 'changeIdentity', host: VM, change: { kind: 'removeUserAssigned', ids: [BACKEND] } },
  removeAll: { kind: 'changeIdentity', host: VM, change: { kind: 'removeAllUserAssigned', expectedIds: [BACKEND, STORAGE] } },
  vmssAssign: { kind: 'changeIdentity', host: VMSS, change: { kind: 'assignUserAssigned', ids: [BACKEND] } },
  vmssDisable: { kind: 'changeIdentity', host: VMSS, change: { kind: 'disableSystemAssigned' } },
  createIdentity: {
    kind: 'createUserAssignedIdentity',
    request: { subscriptionId: SUB, resourceGroup: 'rg-web', name: 'id-new', location: 'westeurope', tags: { team: 'web' } },
  },
  addToGroup: { kind: 'addToGroup', host: VM, principalId: PRINCIPAL, group: { id: GROUP, displayName: 'Storage readers' }, tenantId: TENANT },
  removeFromGroup: { kind: 'removeFromGroup', host: VM, principalId: PRINCIPAL, group: { id: GROUP } },
  grantRole: {
    kind: 'grantRole',
    subscriptionId: SUB,
    assignment: { principalId: PRINCIPAL, roleDefinitionId: READER_ROLE, roleName: 'Storage Blob Data Reader', scope: STORAGE_ACCOUNT },
    principalDescription: "the system-assigned identity of 'vm-web-01'",
  },
  revokeRole: {
    kind: 'revokeRole',
    subscriptionId: SUB,
    assignment: { principalId: PRINCIPAL, roleDefinitionId: READER_ROLE, roleName: 'Storage Blob Data Reader', scope: STORAGE_ACCOUNT },
  },
  createLinuxVm: {
    kind: 'createVirtualMachine',
    request: {
      subscriptionId: SUB,
      resourceGroup: 'rg-web',
      name: 'vm-app-01',
      location: 'westeurope',
      image: UBUNTU,
      vmSize: 'Standard_B2s',
      adminUsername: 'azureuser',
      credential: { kind: 'sshPublicKey', publicKey: SSH_KEY },
      subnetId: SUBNET,
      systemAssigned: true,
      userAssignedIdentityIds: [BACKEND],
    },
  },
  createWindowsVm: {
    kind: 'createVirtualMachine',
    request: {
      subscriptionId: SUB,
      resourceGroup: 'rg-web',
      name: 'vm-win-01',
      location: 'westeurope',
      image: WINDOWS,
      vmSize: 'Standard_B2s',
      adminUsername: 'azureuser',
      credential: { kind: 'password', password: WINDOWS_PASSWORD },
      subnetId: SUBNET,
      systemAssigned: false,
      userAssignedIdentityIds: [BACKEND],
    },
  },
} satisfies Record<string, ScriptOperation>;

const SHELLS: readonly ScriptShell[] = ['powershell', 'azureCli'];

// ---------- reading scripts back ----------

const POWERSHELL_QUOTES = "'\u2018\u2019\u201A\u201B";

/** The values of every single-quoted (verbatim) string outside comments, read as PowerShell reads them: any of its
 *  five single-quote marks opens and closes a string, and two in a row stand for one. */
function powerShellStrings(text: string): string[] {
  const values: string[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '#') {
      index = text.indexOf('\n', index) === -1 ? text.length : text.indexOf('\n', index);
    } else if (char === '"') {
      index = text.indexOf('"', index + 1) + 1;
    } else if (POWERSHELL_QUOTES.includes(char)) {
      let value = '';
      index++;
      for (;;) {
        assert.ok(index < text.length, `an unterminated string in:\n${text}`);
        if (POWERSHELL_QUOTES.includes(text[index])) {
          if (index + 1 < text.length && POWERSHELL_QUOTES.includes(text[index + 1])) {
            value += text[index];
            index += 2;
            continue;
          }
          index++;
          break;
        }
        value += text[index++];
      }
      values.push(value);
    } else {
      index++;
    }
  }
  return values;
}

/** The line of `script` that starts with `start` (after indentation), with any continuation lines joined. */
function powerShellStatement(script: string, start: string): string {
  const lines = script.split('\n');
  const first = lines.findIndex((line) => line.trimStart().startsWith(start));
  assert.ok(first >= 0, `no line starts with ${start}:\n${script}`);
  let statement = lines[first];
  for (let index = first; lines[index].endsWith(' `'); index++) {
    statement = statement.slice(0, -2) + ' ' + lines[index + 1].trim();
  }
  return statement;
}

/** Runs a CLI script in bash with `az` replaced by a function that records each call's arguments (and answers
 *  "not found" to `show`, so a create goes ahead). Returns every call's argv. */
function runAzureCliScript(script: string, stdin = ''): string[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scripts-test-'));
  try {
    const stub = [
      'AZ_CALLS=0',
      'az() {',
      '  AZ_CALLS=$((AZ_CALLS + 1))',
      '  printf "%s\\0" "$@" > "$AZ_DIR/$(printf %03d "$AZ_CALLS")"',
      '  if [ "$2" = show ]; then return 3; fi',
      '}',
    ].join('\n');
    const file = path.join(dir, 'script.sh');
    fs.writeFileSync(file, `${stub}\n${script}`);
    execFileSync('bash', [file], { env: { ...process.env, AZ_DIR: dir }, input: stdin, stdio: ['pipe', 'pipe', 'pipe'] });
    return fs
      .readdirSync(dir)
      .filter((name) => /^\d{3}$/.test(name))
      .sort()
      .map((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\0').slice(0, -1));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Values through bash itself: what each word of `words` is after bash's quote removal. */
function bashValues(words: readonly string[]): string[] {
  return execFileSync('bash', ['-c', `printf '%s\\0' ${words.join(' ')}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

/**
 * What the PowerShell of an identity change leaves on a host that has `current`: its statements read one by one with
 * PowerShell's semantics (`-contains` ignores case; `throw` ends the script), from the host read to the write, whose
 * `$identityType` choice is read from the script too. A statement this reader does not know fails the test.
 */
function runIdentityPowerShell(script: string, current: VmIdentity): { type: IdentityType; ids: string[] } | { thrown: string } {
  const lines = script.split('\n').map((line) => line.trim());
  const hostVariable = lines.some((line) => line.startsWith('$vmss = Get-AzVmss ')) ? '$vmss' : '$vm';
  const contains = (list: readonly string[], value: string) => list.some((item) => item.toLowerCase() === value.toLowerCase());
  let ids = Object.keys(current.userAssignedIdentities);
  let systemAssigned: boolean | undefined;
  const arrays = new Map<string, string[]>();
  let missing: string[] = [];
  let index = lines.findIndex((line) => line === '$userAssignedIds = @()');
  assert.ok(index > 0, 'the script starts from the host\'s user-assigned identities');
  assert.equal(lines[index + 1], `if (${hostVariable}.Identity.UserAssignedIdentities) { $userAssignedIds = @(${hostVariable}.Identity.UserAssignedIdentities.Keys) }`);
  for (index += 2; index < lines.length; index++) {
    const line = lines[index];
    const arrayStart = /^(\$\w+) = @\($/.exec(line);
    if (line === '' || line.startsWith('#')) {
      continue;
    } else if (line === `$systemAssigned = "$(${hostVariable}.Identity.Type)" -like 'SystemAssigned*'`) {
      systemAssigned = current.type.toLowerCase().startsWith('systemassigned');
    } else if (line === '$systemAssigned = $true' || line === '$systemAssigned = $false') {
      systemAssigned = line.endsWith('$true');
    } else if (arrayStart) {
      const values: string[] = [];
      for (index++; lines[index] !== ')'; index++) {
        const strings = powerShellStrings(lines[index]);
        assert.equal(strings.length, 1, `one value a line: ${lines[index]}`);
        values.push(strings[0]);
      }
      arrays.set(arrayStart[1], values);
    } else if (line === '$userAssignedIds += @($assign | Where-Object { $userAssignedIds -notcontains $_ })') {
      ids = [...ids, ...arrays.get('$assign')!.filter((id) => !contains(ids, id))];
    } else if (line === '$missing = @($remove | Where-Object { $userAssignedIds -notcontains $_ })') {
      missing = arrays.get('$remove')!.filter((id) => !contains(ids, id));
    } else if (line === '$userAssignedIds = @($userAssignedIds | Where-Object { $remove -notcontains $_ })') {
      ids = ids.filter((id) => !contains(arrays.get('$remove')!, id));
    } else if ((line === 'if ($missing.Count -gt 0) {' || line === 'if ($userAssignedIds.Count -gt 0) {') && lines[index + 1].startsWith('throw ')) {
      assert.equal(lines[index + 2], '}');
      if ((line.includes('$missing') ? missing : ids).length > 0) {
        return { thrown: lines[index + 1] };
      }
      index += 2;
    } else if (line === 'if ($userAssignedIds.Count -gt 0) {') {
      // The write: the type comes from the script's own choice for "some user-assigned identities left" or "none".
      const choices = lines.slice(index).filter((l) => l.startsWith('$identityType = '));
      assert.equal(choices.length, 2);
      const choice = (text: string) => {
        const match = /^\$identityType = if \(\$systemAssigned\) \{ '(\w+)' \} else \{ '(\w+)' \}$/.exec(text);
        assert.ok(match, text);
        return systemAssigned ? match[1] : match[2];
      };
      assert.notEqual(systemAssigned, undefined, 'the script decides the system-assigned identity before the write');
      const powerShellType = ids.length > 0 ? choice(choices[0]) : choice(choices[1]);
      return { type: powerShellType.replace('SystemAssignedUserAssigned', 'SystemAssigned, UserAssigned') as IdentityType, ids };
    } else {
      assert.fail(`a statement the reader does not know: ${line}`);
    }
  }
  assert.fail('the script never writes');
}

function identityOf(type: IdentityType, ids: string[]): VmIdentity {
  return { type, userAssignedIdentities: Object.fromEntries(ids.map((id) => [id, { principalId: PRINCIPAL, clientId: PRINCIPAL }])) };
}

/** The ARM ids and GUIDs a write acted on, and those of them its script must name. */
function idsActedOn(operation: ScriptOperation): { ids: string[]; guids: string[]; required: string[] } {
  const guidOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);
  switch (operation.kind) {
    case 'changeIdentity': {
      const { change } = operation;
      const changed = change.kind === 'assignUserAssigned' || change.kind === 'removeUserAssigned' ? change.ids : change.kind === 'removeAllUserAssigned' ? change.expectedIds : [];
      return { ids: [operation.host.id, ...changed], guids: [operation.host.subscriptionId], required: [operation.host.id, ...changed] };
    }
    case 'createUserAssignedIdentity':
      return { ids: [], guids: [operation.request.subscriptionId], required: [operation.request.subscriptionId] };
    case 'addToGroup':
    case 'removeFromGroup':
      return {
        ids: [],
        guids: [operation.principalId, operation.group.id, operation.host.subscriptionId, ...(operation.tenantId ? [operation.tenantId] : [])],
        required: [operation.principalId, operation.group.id],
      };
    case 'grantRole':
    case 'revokeRole': {
      const { assignment } = operation;
      return {
        ids: [assignment.scope, assignment.roleDefinitionId],
        guids: [operation.subscriptionId, assignment.principalId, guidOf(assignment.roleDefinitionId)],
        required: [assignment.scope, assignment.principalId, guidOf(assignment.roleDefinitionId), operation.subscriptionId],
      };
    }
    case 'many': {
      const steps = operation.operations.map(idsActedOn);
      return { ids: steps.flatMap((step) => step.ids), guids: steps.flatMap((step) => step.guids), required: steps.flatMap((step) => step.required) };
    }
    case 'createVirtualMachine':
      return {
        ids: [operation.request.subnetId, ...operation.request.userAssignedIdentityIds],
        guids: [operation.request.subscriptionId],
        required: [operation.request.subnetId, ...operation.request.userAssignedIdentityIds, operation.request.subscriptionId],
      };
  }
}

/** The ids and GUIDs in `script` (outside nothing: comments count too) are those the write acted on, and every one it
 *  must name is there. */
function assertNamesOnlyIdsActedOn(label: string, operation: ScriptOperation, script: string): void {
  const acted = idsActedOn(operation);
  const key = (id: string) => id.toLowerCase();
  const ids = [...script.matchAll(/\/(?:subscriptions|providers)\/[^\s'"()]+/gi)].map((match) => match[0].replace(/\.$/, ''));
  const guids = [...script.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)].map((match) => match[0]);
  assert.deepEqual(ids.filter((id) => !acted.ids.map(key).includes(key(id))), [], `${label}: resource ids the write did not act on`);
  assert.deepEqual(guids.filter((guid) => !acted.guids.map(key).includes(key(guid))), [], `${label}: GUIDs the write did not act on`);
  const named = [...ids, ...guids].map(key);
  assert.deepEqual(acted.required.filter((id) => !named.includes(key(id))), [], `${label}: ids missing`);
}

// ---------- expected text (reviewed by hand: each line is what a person would write for the write) ----------

const EXPECTED: Record<keyof typeof OPERATIONS, Record<ScriptShell, string>> = {
  enable: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute
# Enable the system-assigned identity of virtual machine 'vm-web-01'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Read virtual machine 'vm-web-01' (/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01).
$vm = Get-AzVM -ResourceGroupName 'rg-web' -Name 'vm-web-01'
# Update-AzVM replaces the identity as a whole, so the script passes every user-assigned identity to keep.
$userAssignedIds = @()
if ($vm.Identity.UserAssignedIdentities) { $userAssignedIds = @($vm.Identity.UserAssignedIdentities.Keys) }
$systemAssigned = $true

if ($userAssignedIds.Count -gt 0) {
    $identityType = if ($systemAssigned) { 'SystemAssignedUserAssigned' } else { 'UserAssigned' }
    Update-AzVM \`
        -ResourceGroupName 'rg-web' \`
        -VM $vm \`
        -IdentityType $identityType \`
        -IdentityId $userAssignedIds
} else {
    $identityType = if ($systemAssigned) { 'SystemAssigned' } else { 'None' }
    Update-AzVM -ResourceGroupName 'rg-web' -VM $vm -IdentityType $identityType
}
`,
    azureCli: `#!/usr/bin/env bash
# Enable the system-assigned identity of virtual machine 'vm-web-01'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vm identity assign \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01' \\
    --identities '[system]'
`,
  },
  disable: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute
# Disable the system-assigned identity of virtual machine 'vm-web-01'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Read virtual machine 'vm-web-01' (/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01).
$vm = Get-AzVM -ResourceGroupName 'rg-web' -Name 'vm-web-01'
# Update-AzVM replaces the identity as a whole, so the script passes every user-assigned identity to keep.
$userAssignedIds = @()
if ($vm.Identity.UserAssignedIdentities) { $userAssignedIds = @($vm.Identity.UserAssignedIdentities.Keys) }
$systemAssigned = $false

if ($userAssignedIds.Count -gt 0) {
    $identityType = if ($systemAssigned) { 'SystemAssignedUserAssigned' } else { 'UserAssigned' }
    Update-AzVM \`
        -ResourceGroupName 'rg-web' \`
        -VM $vm \`
        -IdentityType $identityType \`
        -IdentityId $userAssignedIds
} else {
    $identityType = if ($systemAssigned) { 'SystemAssigned' } else { 'None' }
    Update-AzVM -ResourceGroupName 'rg-web' -VM $vm -IdentityType $identityType
}
`,
    azureCli: `#!/usr/bin/env bash
# Disable the system-assigned identity of virtual machine 'vm-web-01'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vm identity remove \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01' \\
    --identities '[system]'
`,
  },
  assign: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute
# Assign the user-assigned identities 'id-backend', 'id-storage' to virtual machine 'vm-web-01', keeping the identities it has.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Read virtual machine 'vm-web-01' (/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01).
$vm = Get-AzVM -ResourceGroupName 'rg-web' -Name 'vm-web-01'
# Update-AzVM replaces the identity as a whole, so the script passes every user-assigned identity to keep.
$userAssignedIds = @()
if ($vm.Identity.UserAssignedIdentities) { $userAssignedIds = @($vm.Identity.UserAssignedIdentities.Keys) }
$systemAssigned = "$($vm.Identity.Type)" -like 'SystemAssigned*'

$assign = @(
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage'
)
$userAssignedIds += @($assign | Where-Object { $userAssignedIds -notcontains $_ })

if ($userAssignedIds.Count -gt 0) {
    $identityType = if ($systemAssigned) { 'SystemAssignedUserAssigned' } else { 'UserAssigned' }
    Update-AzVM \`
        -ResourceGroupName 'rg-web' \`
        -VM $vm \`
        -IdentityType $identityType \`
        -IdentityId $userAssignedIds
} else {
    $identityType = if ($systemAssigned) { 'SystemAssigned' } else { 'None' }
    Update-AzVM -ResourceGroupName 'rg-web' -VM $vm -IdentityType $identityType
}
`,
    azureCli: `#!/usr/bin/env bash
# Assign the user-assigned identities 'id-backend', 'id-storage' to virtual machine 'vm-web-01', keeping the identities it has.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vm identity assign \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01' \\
    --identities \\
        '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend' \\
        '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage'
`,
  },
  remove: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute
# Remove the user-assigned identity 'id-backend' from virtual machine 'vm-web-01', keeping its other identities.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Read virtual machine 'vm-web-01' (/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01).
$vm = Get-AzVM -ResourceGroupName 'rg-web' -Name 'vm-web-01'
# Update-AzVM replaces the identity as a whole, so the script passes every user-assigned identity to keep.
$userAssignedIds = @()
if ($vm.Identity.UserAssignedIdentities) { $userAssignedIds = @($vm.Identity.UserAssignedIdentities.Keys) }
$systemAssigned = "$($vm.Identity.Type)" -like 'SystemAssigned*'

$remove = @(
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
)
$missing = @($remove | Where-Object { $userAssignedIds -notcontains $_ })
if ($missing.Count -gt 0) {
    throw ('Not assigned, so nothing was removed: ' + ($missing -join ', '))
}
$userAssignedIds = @($userAssignedIds | Where-Object { $remove -notcontains $_ })

if ($userAssignedIds.Count -gt 0) {
    $identityType = if ($systemAssigned) { 'SystemAssignedUserAssigned' } else { 'UserAssigned' }
    Update-AzVM \`
        -ResourceGroupName 'rg-web' \`
        -VM $vm \`
        -IdentityType $identityType \`
        -IdentityId $userAssignedIds
} else {
    $identityType = if ($systemAssigned) { 'SystemAssigned' } else { 'None' }
    Update-AzVM -ResourceGroupName 'rg-web' -VM $vm -IdentityType $identityType
}
`,
    azureCli: `#!/usr/bin/env bash
# Remove the user-assigned identity 'id-backend' from virtual machine 'vm-web-01', keeping its other identities.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vm identity remove \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01' \\
    --identities '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
`,
  },
  removeAll: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute
# Remove all user-assigned identities ('id-backend', 'id-storage') from virtual machine 'vm-web-01'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Read virtual machine 'vm-web-01' (/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01).
$vm = Get-AzVM -ResourceGroupName 'rg-web' -Name 'vm-web-01'
# Update-AzVM replaces the identity as a whole, so the script passes every user-assigned identity to keep.
$userAssignedIds = @()
if ($vm.Identity.UserAssignedIdentities) { $userAssignedIds = @($vm.Identity.UserAssignedIdentities.Keys) }
$systemAssigned = "$($vm.Identity.Type)" -like 'SystemAssigned*'

# The identities reviewed before removing all of them:
$remove = @(
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage'
)
$missing = @($remove | Where-Object { $userAssignedIds -notcontains $_ })
if ($missing.Count -gt 0) {
    throw ('Not assigned, so nothing was removed: ' + ($missing -join ', '))
}
$userAssignedIds = @($userAssignedIds | Where-Object { $remove -notcontains $_ })
if ($userAssignedIds.Count -gt 0) {
    throw ('Identities were assigned since you reviewed them; nothing was removed: ' + ($userAssignedIds -join ', '))
}

if ($userAssignedIds.Count -gt 0) {
    $identityType = if ($systemAssigned) { 'SystemAssignedUserAssigned' } else { 'UserAssigned' }
    Update-AzVM \`
        -ResourceGroupName 'rg-web' \`
        -VM $vm \`
        -IdentityType $identityType \`
        -IdentityId $userAssignedIds
} else {
    $identityType = if ($systemAssigned) { 'SystemAssigned' } else { 'None' }
    Update-AzVM -ResourceGroupName 'rg-web' -VM $vm -IdentityType $identityType
}
`,
    azureCli: `#!/usr/bin/env bash
# Remove all user-assigned identities ('id-backend', 'id-storage') from virtual machine 'vm-web-01'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vm identity remove \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01' \\
    --identities \\
        '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend' \\
        '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage'
`,
  },
  vmssAssign: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute
# Assign the user-assigned identity 'id-backend' to virtual machine scale set 'vmss-web', keeping the identities it has.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Read virtual machine scale set 'vmss-web' (/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-web).
$vmss = Get-AzVmss -ResourceGroupName 'rg-web' -VMScaleSetName 'vmss-web'
# Update-AzVmss replaces the identity as a whole, so the script passes every user-assigned identity to keep.
$userAssignedIds = @()
if ($vmss.Identity.UserAssignedIdentities) { $userAssignedIds = @($vmss.Identity.UserAssignedIdentities.Keys) }
$systemAssigned = "$($vmss.Identity.Type)" -like 'SystemAssigned*'

$assign = @(
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
)
$userAssignedIds += @($assign | Where-Object { $userAssignedIds -notcontains $_ })

if ($userAssignedIds.Count -gt 0) {
    $identityType = if ($systemAssigned) { 'SystemAssignedUserAssigned' } else { 'UserAssigned' }
    Update-AzVmss \`
        -ResourceGroupName 'rg-web' \`
        -VMScaleSetName 'vmss-web' \`
        -VirtualMachineScaleSet $vmss \`
        -IdentityType $identityType \`
        -IdentityId $userAssignedIds
} else {
    $identityType = if ($systemAssigned) { 'SystemAssigned' } else { 'None' }
    if ($vmss.Identity) { $vmss.Identity.UserAssignedIdentities = $null }
    Update-AzVmss \`
        -ResourceGroupName 'rg-web' \`
        -VMScaleSetName 'vmss-web' \`
        -VirtualMachineScaleSet $vmss \`
        -IdentityType $identityType
}
`,
    azureCli: `#!/usr/bin/env bash
# Assign the user-assigned identity 'id-backend' to virtual machine scale set 'vmss-web', keeping the identities it has.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vmss identity assign \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-web' \\
    --identities '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
`,
  },
  vmssDisable: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute
# Disable the system-assigned identity of virtual machine scale set 'vmss-web'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Read virtual machine scale set 'vmss-web' (/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-web).
$vmss = Get-AzVmss -ResourceGroupName 'rg-web' -VMScaleSetName 'vmss-web'
# Update-AzVmss replaces the identity as a whole, so the script passes every user-assigned identity to keep.
$userAssignedIds = @()
if ($vmss.Identity.UserAssignedIdentities) { $userAssignedIds = @($vmss.Identity.UserAssignedIdentities.Keys) }
$systemAssigned = $false

if ($userAssignedIds.Count -gt 0) {
    $identityType = if ($systemAssigned) { 'SystemAssignedUserAssigned' } else { 'UserAssigned' }
    Update-AzVmss \`
        -ResourceGroupName 'rg-web' \`
        -VMScaleSetName 'vmss-web' \`
        -VirtualMachineScaleSet $vmss \`
        -IdentityType $identityType \`
        -IdentityId $userAssignedIds
} else {
    $identityType = if ($systemAssigned) { 'SystemAssigned' } else { 'None' }
    if ($vmss.Identity) { $vmss.Identity.UserAssignedIdentities = $null }
    Update-AzVmss \`
        -ResourceGroupName 'rg-web' \`
        -VMScaleSetName 'vmss-web' \`
        -VirtualMachineScaleSet $vmss \`
        -IdentityType $identityType
}
`,
    azureCli: `#!/usr/bin/env bash
# Disable the system-assigned identity of virtual machine scale set 'vmss-web'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vmss identity remove \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-web' \\
    --identities '[system]'
`,
  },
  createIdentity: {
    powershell: `#Requires -Modules Az.Accounts, Az.ManagedServiceIdentity
# Create the user-assigned identity 'id-new' in resource group 'rg-web' (westeurope).
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Refuse to overwrite a resource of the same name, as the extension does.
$existing = $null
try { $existing = Get-AzUserAssignedIdentity -ResourceGroupName 'rg-web' -Name 'id-new' -ErrorAction Stop } catch { }
if ($existing) { throw 'An identity of this name already exists in the resource group; nothing was created.' }

New-AzUserAssignedIdentity \`
    -ResourceGroupName 'rg-web' \`
    -Name 'id-new' \`
    -Location 'westeurope' \`
    -Tag @{ 'team' = 'web' }
`,
    azureCli: `#!/usr/bin/env bash
# Create the user-assigned identity 'id-new' in resource group 'rg-web' (westeurope).
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
# Refuse to overwrite a resource of the same name, as the extension does.
if az identity show --resource-group 'rg-web' --name 'id-new' --output none 2>/dev/null; then
  echo 'An identity of this name already exists in the resource group; nothing was created.' >&2
  exit 1
fi
az identity create \\
    --resource-group 'rg-web' \\
    --name 'id-new' \\
    --location 'westeurope' \\
    --tags 'team=web'
`,
  },
  addToGroup: {
    powershell: `#Requires -Modules Microsoft.Graph.Authentication, Microsoft.Graph.Groups
# Add the system-assigned identity of virtual machine 'vm-web-01' to the Microsoft Entra group 'Storage readers' (99999999-8888-4777-8666-555555555555).
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# Connect-MgGraph below signs you in.
$ErrorActionPreference = 'Stop'
Connect-MgGraph \`
    -Scopes 'GroupMember.ReadWrite.All' \`
    -TenantId '7e7e7e7e-0000-4000-8000-000000000002' \`
    -NoWelcome

# The service principal of the system-assigned identity of virtual machine 'vm-web-01':
New-MgGroupMember \`
    -GroupId '99999999-8888-4777-8666-555555555555' \`
    -DirectoryObjectId '11111111-2222-4333-8444-555555555555'
`,
    azureCli: `#!/usr/bin/env bash
# Add the system-assigned identity of virtual machine 'vm-web-01' to the Microsoft Entra group 'Storage readers' (99999999-8888-4777-8666-555555555555).
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az ad group member add \\
    --group '99999999-8888-4777-8666-555555555555' \\
    --member-id '11111111-2222-4333-8444-555555555555'
`,
  },
  removeFromGroup: {
    powershell: `#Requires -Modules Microsoft.Graph.Authentication, Microsoft.Graph.Groups
# Remove the system-assigned identity of virtual machine 'vm-web-01' from the Microsoft Entra group 99999999-8888-4777-8666-555555555555.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# Connect-MgGraph below signs you in.
$ErrorActionPreference = 'Stop'
Connect-MgGraph -Scopes 'GroupMember.ReadWrite.All' -NoWelcome

# The service principal of the system-assigned identity of virtual machine 'vm-web-01':
Remove-MgGroupMemberByRef \`
    -GroupId '99999999-8888-4777-8666-555555555555' \`
    -DirectoryObjectId '11111111-2222-4333-8444-555555555555'
`,
    azureCli: `#!/usr/bin/env bash
# Remove the system-assigned identity of virtual machine 'vm-web-01' from the Microsoft Entra group 99999999-8888-4777-8666-555555555555.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az ad group member remove \\
    --group '99999999-8888-4777-8666-555555555555' \\
    --member-id '11111111-2222-4333-8444-555555555555'
`,
  },
  grantRole: {
    powershell: `#Requires -Modules Az.Accounts, Az.Resources
# Grant the role 'Storage Blob Data Reader' to the system-assigned identity of 'vm-web-01' at scope /subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Role 'Storage Blob Data Reader' is role definition 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1.
New-AzRoleAssignment \`
    -ObjectId '11111111-2222-4333-8444-555555555555' \`
    -ObjectType 'ServicePrincipal' \`
    -RoleDefinitionId '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' \`
    -Scope '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01'
`,
    azureCli: `#!/usr/bin/env bash
# Grant the role 'Storage Blob Data Reader' to the system-assigned identity of 'vm-web-01' at scope /subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az role assignment create \\
    --assignee-object-id '11111111-2222-4333-8444-555555555555' \\
    --assignee-principal-type ServicePrincipal \\
    --role '/subscriptions/c0ffee00-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' \\
    --scope '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01'
`,
  },
  revokeRole: {
    powershell: `#Requires -Modules Az.Accounts, Az.Resources
# Revoke the role 'Storage Blob Data Reader' from the service principal 11111111-2222-4333-8444-555555555555 at scope /subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Role 'Storage Blob Data Reader' is role definition 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1.
Remove-AzRoleAssignment \`
    -ObjectId '11111111-2222-4333-8444-555555555555' \`
    -RoleDefinitionId '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' \`
    -Scope '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01'
`,
    azureCli: `#!/usr/bin/env bash
# Revoke the role 'Storage Blob Data Reader' from the service principal 11111111-2222-4333-8444-555555555555 at scope /subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az role assignment delete \\
    --assignee-object-id '11111111-2222-4333-8444-555555555555' \\
    --role '/subscriptions/c0ffee00-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' \\
    --scope '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01'
`,
  },
  createLinuxVm: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute, Az.Network
# Create the virtual machine 'vm-app-01' in resource group 'rg-web' (westeurope) with a system-assigned identity and the user-assigned 'id-backend'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Refuse to overwrite a resource of the same name, as the extension does.
$existing = $null
try { $existing = Get-AzVM -ResourceGroupName 'rg-web' -Name 'vm-app-01' -ErrorAction Stop } catch { }
if ($existing) { throw 'A virtual machine of this name already exists in the resource group; nothing was created.' }

# Sign-in is by SSH key only; Set-AzVMOperatingSystem still takes a credential, so it gets a blank password.
$credential = New-Object System.Management.Automation.PSCredential ('azureuser', (ConvertTo-SecureString ' ' -AsPlainText -Force))
$identityIds = @(
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
)
$vmConfig = New-AzVMConfig \`
    -VMName 'vm-app-01' \`
    -VMSize 'Standard_B2s' \`
    -IdentityType 'SystemAssignedUserAssigned' \`
    -IdentityId $identityIds
$vmConfig = Set-AzVMOperatingSystem \`
    -VM $vmConfig \`
    -Linux \`
    -ComputerName 'vm-app-01' \`
    -Credential $credential \`
    -DisablePasswordAuthentication
$vmConfig = Add-AzVMSshPublicKey \`
    -VM $vmConfig \`
    -KeyData 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2bW9ja2tleWZvcnRlc3RzMTIzNDU2Nzg5MA== me@laptop' \`
    -Path '/home/azureuser/.ssh/authorized_keys'
$vmConfig = Set-AzVMSourceImage \`
    -VM $vmConfig \`
    -PublisherName 'Canonical' \`
    -Offer 'ubuntu-24_04-lts' \`
    -Skus 'server' \`
    -Version 'latest'
$vmConfig = Set-AzVMOSDisk \`
    -VM $vmConfig \`
    -CreateOption 'FromImage' \`
    -StorageAccountType 'StandardSSD_LRS' \`
    -DeleteOption 'Delete'
# A network interface in the chosen subnet, without a public IP address, deleted with the virtual machine.
$nic = New-AzNetworkInterface \`
    -ResourceGroupName 'rg-web' \`
    -Name 'vm-app-01-nic' \`
    -Location 'westeurope' \`
    -SubnetId '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/default'
$vmConfig = Add-AzVMNetworkInterface -VM $vmConfig -Id $nic.Id -Primary -DeleteOption 'Delete'
New-AzVM -ResourceGroupName 'rg-web' -Location 'westeurope' -VM $vmConfig
`,
    azureCli: `#!/usr/bin/env bash
# Create the virtual machine 'vm-app-01' in resource group 'rg-web' (westeurope) with a system-assigned identity and the user-assigned 'id-backend'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
# Refuse to overwrite a resource of the same name, as the extension does.
if az vm show --resource-group 'rg-web' --name 'vm-app-01' --output none 2>/dev/null; then
  echo 'A virtual machine of this name already exists in the resource group; nothing was created.' >&2
  exit 1
fi
az vm create \\
    --resource-group 'rg-web' \\
    --name 'vm-app-01' \\
    --location 'westeurope' \\
    --image 'Canonical:ubuntu-24_04-lts:server:latest' \\
    --size 'Standard_B2s' \\
    --admin-username 'azureuser' \\
    --authentication-type ssh \\
    --ssh-key-values 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2bW9ja2tleWZvcnRlc3RzMTIzNDU2Nzg5MA== me@laptop' \\
    --subnet '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/default' \\
    --public-ip-address '' \\
    --nsg '' \\
    --storage-sku StandardSSD_LRS \\
    --os-disk-delete-option Delete \\
    --nic-delete-option Delete \\
    --assign-identity \\
        '[system]' \\
        '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
`,
  },
  createWindowsVm: {
    powershell: `#Requires -Modules Az.Accounts, Az.Compute, Az.Network
# Create the virtual machine 'vm-win-01' in resource group 'rg-web' (westeurope) with the user-assigned 'id-backend'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with Connect-AzAccount.
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription 'c0ffee00-0000-4000-8000-000000000001' | Out-Null

# Refuse to overwrite a resource of the same name, as the extension does.
$existing = $null
try { $existing = Get-AzVM -ResourceGroupName 'rg-web' -Name 'vm-win-01' -ErrorAction Stop } catch { }
if ($existing) { throw 'A virtual machine of this name already exists in the resource group; nothing was created.' }

# The administrator password is asked for when the script runs; it is never written here.
$credential = Get-Credential -UserName 'azureuser' -Message 'Password for the administrator of ''vm-win-01'''
$identityIds = @(
    '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
)
$vmConfig = New-AzVMConfig \`
    -VMName 'vm-win-01' \`
    -VMSize 'Standard_B2s' \`
    -IdentityType 'UserAssigned' \`
    -IdentityId $identityIds
$vmConfig = Set-AzVMOperatingSystem \`
    -VM $vmConfig \`
    -Windows \`
    -ComputerName 'vm-win-01' \`
    -Credential $credential \`
    -ProvisionVMAgent \`
    -EnableAutoUpdate
$vmConfig = Set-AzVMSourceImage \`
    -VM $vmConfig \`
    -PublisherName 'MicrosoftWindowsServer' \`
    -Offer 'WindowsServer' \`
    -Skus '2022-datacenter-azure-edition' \`
    -Version 'latest'
$vmConfig = Set-AzVMOSDisk \`
    -VM $vmConfig \`
    -CreateOption 'FromImage' \`
    -StorageAccountType 'StandardSSD_LRS' \`
    -DeleteOption 'Delete'
# A network interface in the chosen subnet, without a public IP address, deleted with the virtual machine.
$nic = New-AzNetworkInterface \`
    -ResourceGroupName 'rg-web' \`
    -Name 'vm-win-01-nic' \`
    -Location 'westeurope' \`
    -SubnetId '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/default'
$vmConfig = Add-AzVMNetworkInterface -VM $vmConfig -Id $nic.Id -Primary -DeleteOption 'Delete'
New-AzVM -ResourceGroupName 'rg-web' -Location 'westeurope' -VM $vmConfig
`,
    azureCli: `#!/usr/bin/env bash
# Create the virtual machine 'vm-win-01' in resource group 'rg-web' (westeurope) with the user-assigned 'id-backend'.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
# Refuse to overwrite a resource of the same name, as the extension does.
if az vm show --resource-group 'rg-web' --name 'vm-win-01' --output none 2>/dev/null; then
  echo 'A virtual machine of this name already exists in the resource group; nothing was created.' >&2
  exit 1
fi
# The administrator password is asked for when the script runs; it is never written here.
read -r -s -p 'Password for the administrator of '\\''vm-win-01'\\'': ' ADMIN_PASSWORD
echo
az vm create \\
    --resource-group 'rg-web' \\
    --name 'vm-win-01' \\
    --location 'westeurope' \\
    --image 'MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest' \\
    --size 'Standard_B2s' \\
    --admin-username 'azureuser' \\
    --authentication-type password \\
    --admin-password "$ADMIN_PASSWORD" \\
    --subnet '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/default' \\
    --public-ip-address '' \\
    --nsg '' \\
    --storage-sku StandardSSD_LRS \\
    --os-disk-delete-option Delete \\
    --nic-delete-option Delete \\
    --assign-identity '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
unset ADMIN_PASSWORD
`,
  },
};

// ---------- tests ----------

describe('scriptFor: expected text', () => {
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    for (const shell of SHELLS) {
      it(`${name} in ${shell}`, () => {
        assert.equal(scriptFor(operation, shell), EXPECTED[name as keyof typeof OPERATIONS][shell]);
      });
    }
  }

  it('opens in an editor of the right language', () => {
    assert.deepEqual(SCRIPT_LANGUAGE_IDS, { powershell: 'powershell', azureCli: 'shellscript' });
  });
});

describe('scriptFor: what every script is', () => {
  const all = Object.entries(OPERATIONS).flatMap(([name, operation]) => SHELLS.map((shell) => ({ name, operation, shell, script: scriptFor(operation, shell) })));

  it('selects the subscription first (the Graph-only PowerShell signs in to the tenant instead)', () => {
    for (const { name, operation, shell, script } of all) {
      const firstCommand = script.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#') && !/^(set -euo pipefail|\$ErrorActionPreference = 'Stop')$/.test(line));
      if (shell === 'azureCli') {
        assert.match(firstCommand ?? '', /^az account set --subscription '[0-9a-f-]{36}'$/, name);
      } else if (operation.kind === 'addToGroup' || operation.kind === 'removeFromGroup') {
        assert.match(firstCommand ?? '', /^Connect-MgGraph/, name);
      } else {
        assert.match(firstCommand ?? '', /^Set-AzContext -Subscription '[0-9a-f-]{36}' \| Out-Null$/, name);
      }
    }
  });

  it('says what it does and that it was generated, in its header', () => {
    for (const { name, script } of all) {
      const header = script.split('\n').slice(0, 4).join('\n');
      assert.match(header, /Generated by the Azure VM Managed Identities extension for VS Code\. It holds no token or secret/, name);
      assert.match(header, /^# (Enable|Disable|Assign|Remove|Create|Add|Grant|Revoke) /m, name);
    }
  });

  it('names only ids the write acted on, and every id it must', () => {
    for (const { name, operation, shell, script } of all) {
      assertNamesOnlyIdsActedOn(`${name} (${shell})`, operation, script);
    }
  });

  it('never holds the Windows password: PowerShell asks with Get-Credential, bash reads it at run time', () => {
    const operation = OPERATIONS.createWindowsVm;
    for (const shell of SHELLS) {
      assert.ok(!scriptFor(operation, shell).includes(WINDOWS_PASSWORD), shell);
    }
    assert.match(scriptFor(operation, 'powershell'), /^\$credential = Get-Credential -UserName 'azureuser' -Message /m);
    const calls = runAzureCliScript(scriptFor(operation, 'azureCli'), 'typed-at-run-time\n');
    const create = calls.find((call) => call[0] === 'vm' && call[1] === 'create')!;
    assert.equal(create[create.indexOf('--admin-password') + 1], 'typed-at-run-time');
  });

  it('hands the SSH public key over by value (it is no secret) and turns password sign-in off', () => {
    assert.match(scriptFor(OPERATIONS.createLinuxVm, 'powershell'), /-DisablePasswordAuthentication/);
    const create = runAzureCliScript(scriptFor(OPERATIONS.createLinuxVm, 'azureCli')).find((call) => call[1] === 'create')!;
    assert.equal(create[create.indexOf('--ssh-key-values') + 1], SSH_KEY);
    assert.equal(create[create.indexOf('--authentication-type') + 1], 'ssh');
  });

  it('the CLI scripts run in bash and call az with exactly the values of the write', () => {
    assert.deepEqual(runAzureCliScript(scriptFor(OPERATIONS.assign, 'azureCli')), [
      ['account', 'set', '--subscription', SUB],
      ['vm', 'identity', 'assign', '--ids', VM.id, '--identities', BACKEND, STORAGE],
    ]);
    assert.deepEqual(runAzureCliScript(scriptFor(OPERATIONS.vmssDisable, 'azureCli')), [
      ['account', 'set', '--subscription', SUB],
      ['vmss', 'identity', 'remove', '--ids', VMSS.id, '--identities', '[system]'],
    ]);
    assert.deepEqual(runAzureCliScript(scriptFor(OPERATIONS.grantRole, 'azureCli'))[1], [
      'role', 'assignment', 'create', '--assignee-object-id', PRINCIPAL, '--assignee-principal-type', 'ServicePrincipal', '--role', READER_ROLE, '--scope', STORAGE_ACCOUNT,
    ]);
    assert.deepEqual(runAzureCliScript(scriptFor(OPERATIONS.addToGroup, 'azureCli'))[1], ['ad', 'group', 'member', 'add', '--group', GROUP, '--member-id', PRINCIPAL]);
    const createIdentity = runAzureCliScript(scriptFor(OPERATIONS.createIdentity, 'azureCli'));
    assert.deepEqual(createIdentity.map((call) => call.slice(0, 2)), [['account', 'set'], ['identity', 'show'], ['identity', 'create']], 'looks before it creates');
    const create = runAzureCliScript(scriptFor(OPERATIONS.createLinuxVm, 'azureCli')).find((call) => call[1] === 'create')!;
    assert.equal(create[create.indexOf('--public-ip-address') + 1], '', 'no public IP address');
    assert.deepEqual(create.slice(create.indexOf('--assign-identity') + 1), ['[system]', BACKEND]);
  });
});

describe('scriptFor: values that need quoting', () => {
  const NASTY = [
    "it's",
    'two  spaces',
    '$HOME and $(whoami) and ${PATH}',
    'back`tick`s and \\backslash\\',
    '"double" quotes',
    'typographic ‘single’ ‚quotes‛ and “double”',
    'ünïcödé 日本語 🚀',
    "mixed '' \\' '\\'' end'",
    'line\nbreak',
    '!history ;semicolon &amp |pipe >redirect *glob ?x [abc] ~tilde #hash',
  ];

  it('PowerShell reads back every value exactly (single quotes doubled, typographic ones too)', () => {
    for (const value of NASTY) {
      assert.deepEqual(powerShellStrings(powerShellString(value)), [value], value);
    }
    assert.equal(powerShellString("it's"), "'it''s'");
    assert.equal(powerShellString('a’b'), "'a’’b'");
  });

  it("bash reads back every value exactly ('\\'' for a single quote)", () => {
    assert.deepEqual(bashValues(NASTY.map(bashWord)), NASTY);
    assert.equal(bashWord("it's"), "'it'\\''s'");
  });

  const resourceGroup = "rg-o'brien ‘x’ $(y) `z`";
  const weirdId = uai("id 'quoted' $HOME `tick` ünï", resourceGroup);
  const host: ScriptHostRef = {
    kind: 'virtualMachine',
    subscriptionId: SUB,
    resourceGroup,
    name: 'vm "web" $x',
    id: `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/vm "web" $x`,
  };
  const assign: ScriptOperation = { kind: 'changeIdentity', host, change: { kind: 'assignUserAssigned', ids: [weirdId, BACKEND] } };

  it('a whole PowerShell script carries the names exactly', () => {
    const script = scriptFor(assign, 'powershell');
    assert.deepEqual(powerShellStrings(powerShellStatement(script, '$vm = Get-AzVM')), [resourceGroup, host.name]);
    assert.deepEqual(powerShellStrings(script.slice(script.indexOf('$assign = @('), script.indexOf(')\n', script.indexOf('$assign = @(')))), [weirdId, BACKEND]);
    assert.deepEqual(powerShellStrings(powerShellStatement(script, 'Update-AzVM -ResourceGroupName')), [resourceGroup]);
  });

  it('a whole CLI script carries the names exactly', () => {
    assert.deepEqual(runAzureCliScript(scriptFor(assign, 'azureCli')), [
      ['account', 'set', '--subscription', SUB],
      ['vm', 'identity', 'assign', '--ids', host.id, '--identities', weirdId, BACKEND],
    ]);
    const createIdentity: ScriptOperation = {
      kind: 'createUserAssignedIdentity',
      request: { subscriptionId: SUB, resourceGroup, name: "id-it's", location: 'westeurope', tags: { "owner's": '$USER `x`' } },
    };
    assert.deepEqual(runAzureCliScript(scriptFor(createIdentity, 'azureCli'))[2], [
      'identity', 'create', '--resource-group', resourceGroup, '--name', "id-it's", '--location', 'westeurope', '--tags', "owner's=$USER `x`",
    ]);
    assert.deepEqual(powerShellStrings(powerShellStatement(scriptFor(createIdentity, 'powershell'), 'New-AzUserAssignedIdentity')), [
      resourceGroup, "id-it's", 'westeurope', "owner's", '$USER `x`',
    ]);
  });

  it('a name with a line break stays inside its comment instead of becoming a command', () => {
    const operation: ScriptOperation = {
      kind: 'addToGroup',
      host: VM,
      principalId: PRINCIPAL,
      group: { id: GROUP, displayName: 'readers\nRemove-AzVM -Name vm-web-01 -Force\naz vm delete --ids x' },
    };
    for (const shell of SHELLS) {
      const commands: string[] = scriptFor(operation, shell).split('\n').filter((line) => !line.startsWith('#'));
      assert.deepEqual(commands.filter((line) => /Remove-AzVM|az vm delete/.test(line)), [], shell);
    }
    assert.deepEqual(runAzureCliScript(scriptFor(operation, 'azureCli')).map((call) => call.slice(0, 4).join(' ')), ['account set --subscription ' + SUB, 'ad group member add']);
  });
});

describe('scriptFor: the PowerShell keeps what it must, as the planner does', () => {
  const A = uai('id-a');
  const B = uai('id-b');
  const C = uai('id-c', 'rg-data');
  // As ARM often stores it, and as a person might type it.
  const A_STORED = A.replace('resourceGroups', 'resourcegroups');
  const A_TYPED = A.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/');
  const STARTS: VmIdentity[] = [
    identityOf('None', []),
    identityOf('SystemAssigned', []),
    identityOf('UserAssigned', [A_STORED]),
    identityOf('UserAssigned', [A_STORED, B]),
    identityOf('SystemAssigned, UserAssigned', [A_STORED]),
    identityOf('SystemAssigned, UserAssigned', [A_STORED, B]),
  ];
  const CHANGES: ScriptIdentityChange[] = [
    { kind: 'enableSystemAssigned' },
    { kind: 'disableSystemAssigned' },
    { kind: 'assignUserAssigned', ids: [B] },
    { kind: 'assignUserAssigned', ids: [A_TYPED] },
    { kind: 'assignUserAssigned', ids: [C, B, A] },
    { kind: 'removeUserAssigned', ids: [A_TYPED] },
    { kind: 'removeUserAssigned', ids: [A, B] },
    { kind: 'removeUserAssigned', ids: [C] },
    { kind: 'removeAllUserAssigned', expectedIds: [A, B] },
    { kind: 'removeAllUserAssigned', expectedIds: [A] },
    { kind: 'removeAllUserAssigned', expectedIds: [] },
  ];

  for (const host of [VM, VMSS]) {
    for (const start of STARTS) {
      for (const change of CHANGES) {
        const label = `${host.kind}: ${start.type} [${Object.keys(start.userAssignedIdentities).map((id) => id.slice(id.lastIndexOf('/') + 1)).join(', ')}] + ${change.kind} ${JSON.stringify('ids' in change ? change.ids : 'expectedIds' in change ? change.expectedIds : []).replace(/\/subscriptions\/[^"]*\//g, '')}`;
        it(label, () => {
          const plan = planIdentityChange(start, change, host.name);
          const result = runIdentityPowerShell(scriptFor({ kind: 'changeIdentity', host, change }, 'powershell'), start);
          if (plan.outcome === 'refused') {
            assert.ok('thrown' in result, `the planner refuses (${plan.reason}); the script must too`);
          } else {
            const expected = plan.outcome === 'change' ? plan.next : { type: start.type, userAssignedIds: Object.keys(start.userAssignedIdentities) };
            assert.deepEqual(result, { type: expected.type, ids: expected.userAssignedIds });
          }
        });
      }
    }
  }
});

describe('grantRoleScript / revokeRoleScript: Grant and Revoke Access as scripts', () => {
  const OTHER_SUB = 'deadbeef-0000-4000-8000-000000000003';
  const systemAssigned: AccessPrincipal = { kind: 'systemAssigned', host: VM, principalId: PRINCIPAL };
  const userAssigned: AccessPrincipal = {
    kind: 'userAssigned',
    identity: { id: uai('id-backend'), name: 'id-backend', subscriptionId: SUB, principalId: USER_ASSIGNED_PRINCIPAL },
  };
  const storageReader = { id: READER_ROLE, roleName: 'Storage Blob Data Reader' };
  const assignmentOf = (principalId: string, scope: string): RoleAssignment => ({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/0a0b0c0d-0000-4000-8000-00000000000a`,
    name: '0a0b0c0d-0000-4000-8000-00000000000a',
    scope,
    roleDefinitionId: READER_ROLE,
    principalId,
    principalType: 'ServicePrincipal',
  });

  it("grant: the principal's object id, the role picked and the scope picked, through the scope's subscription", () => {
    assert.deepEqual(grantRoleScript(systemAssigned, STORAGE_ACCOUNT, storageReader), OPERATIONS.grantRole);
    const otherScope = `/subscriptions/${OTHER_SUB}/resourceGroups/rg-other`;
    const otherReader = { ...storageReader, id: READER_ROLE.replace(SUB, OTHER_SUB) };
    const operation = grantRoleScript(userAssigned, otherScope, otherReader);
    assert.equal(operation.kind === 'grantRole' && operation.subscriptionId, OTHER_SUB, 'az account set / Set-AzContext select the scope\'s subscription');
    assert.deepEqual(runAzureCliScript(scriptFor(operation, 'azureCli')), [
      ['account', 'set', '--subscription', OTHER_SUB],
      ['role', 'assignment', 'create', '--assignee-object-id', USER_ASSIGNED_PRINCIPAL, '--assignee-principal-type', 'ServicePrincipal', '--role', otherReader.id, '--scope', otherScope],
    ]);
    assert.match(scriptFor(operation, 'powershell'), /^# Grant the role 'Storage Blob Data Reader' to the user-assigned identity 'id-backend' at scope /m);
  });

  it('revoke: the assignment as listed (its principal, role definition and own scope)', () => {
    const operation = revokeRoleScript(systemAssigned, assignmentOf(PRINCIPAL, STORAGE_ACCOUNT), 'Storage Blob Data Reader');
    assert.deepEqual(operation, { ...OPERATIONS.revokeRole, principalDescription: "the system-assigned identity of 'vm-web-01'" });
    assert.deepEqual(runAzureCliScript(scriptFor(operation, 'azureCli'))[1], [
      'role', 'assignment', 'delete', '--assignee-object-id', PRINCIPAL, '--role', READER_ROLE, '--scope', STORAGE_ACCOUNT,
    ]);
    assert.deepEqual(powerShellStrings(powerShellStatement(scriptFor(operation, 'powershell'), 'Remove-AzRoleAssignment')), [
      PRINCIPAL, '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', STORAGE_ACCOUNT,
    ]);
  });

  it('names only ids the grant or revoke acted on, and every id it must', () => {
    const scopes = [`/subscriptions/${SUB}`, `/subscriptions/${SUB}/resourceGroups/rg-data.prod_1`, STORAGE_ACCOUNT, `/subscriptions/${OTHER_SUB}/resourceGroups/rg-other`];
    for (const scope of scopes) {
      for (const principal of [systemAssigned, userAssigned]) {
        // Azure lists a role definition under the subscription of the scope it is listed at.
        const role = { ...storageReader, id: READER_ROLE.replace(SUB, scope.split('/')[2]) };
        const assignment = { ...assignmentOf(principalIdOf(principal), scope), roleDefinitionId: role.id };
        const operations = [grantRoleScript(principal, scope, role), revokeRoleScript(principal, assignment, role.roleName)];
        for (const operation of operations) {
          for (const shell of SHELLS) {
            assertNamesOnlyIdsActedOn(`${operation.kind} ${principal.kind} on ${scope} (${shell})`, operation, scriptFor(operation, shell));
          }
        }
      }
    }
  });

  it('names that need quoting reach both shells exactly, and stay inside the comment', () => {
    const resourceGroup = "rg-o'brien ‘x’ $(whoami) `z`";
    const scope = `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/st "data"`;
    const principal: AccessPrincipal = {
      kind: 'userAssigned',
      identity: { id: uai("id 'x'", resourceGroup), name: "id 'x'\nRemove-AzVM -Force", subscriptionId: SUB, principalId: USER_ASSIGNED_PRINCIPAL },
    };
    for (const operation of [grantRoleScript(principal, scope, storageReader), revokeRoleScript(principal, assignmentOf(USER_ASSIGNED_PRINCIPAL, scope), 'Storage Blob Data Reader')]) {
      const call = runAzureCliScript(scriptFor(operation, 'azureCli'))[1];
      assert.equal(call[call.indexOf('--scope') + 1], scope, operation.kind);
      const cmdlet = operation.kind === 'grantRole' ? 'New-AzRoleAssignment' : 'Remove-AzRoleAssignment';
      const script = scriptFor(operation, 'powershell');
      assert.equal(powerShellStrings(powerShellStatement(script, cmdlet)).at(-1), scope, operation.kind);
      for (const shell of SHELLS) {
        const commands = scriptFor(operation, shell).split('\n').filter((line) => !line.startsWith('#'));
        assert.deepEqual(commands.filter((line) => line.includes('Remove-AzVM')), [], `${operation.kind} (${shell}): the name's line break stays in the comment`);
      }
    }
  });
});

describe("scriptFor: a bulk change ('many') is one script doing each host's write in turn", () => {
  const bulkAssign: ScriptOperation = {
    kind: 'many',
    operations: [
      { kind: 'changeIdentity', host: VM, change: { kind: 'assignUserAssigned', ids: [BACKEND] } },
      { kind: 'changeIdentity', host: VMSS, change: { kind: 'assignUserAssigned', ids: [BACKEND] } },
    ],
  };

  it('Azure CLI: expected text', () => {
    assert.equal(
      scriptFor(bulkAssign, 'azureCli'),
      `#!/usr/bin/env bash
# The same change on 2 resources, one after the other. A failure stops the script; the changes before it stay made.
# Generated by the Azure VM Managed Identities extension for VS Code. It holds no token or secret:
# sign in first with az login.
set -euo pipefail

# Assign the user-assigned identity 'id-backend' to virtual machine 'vm-web-01', keeping the identities it has.
az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vm identity assign \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01' \\
    --identities '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'

# Assign the user-assigned identity 'id-backend' to virtual machine scale set 'vmss-web', keeping the identities it has.
az account set --subscription 'c0ffee00-0000-4000-8000-000000000001'
az vmss identity assign \\
    --ids '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-web' \\
    --identities '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend'
`,
    );
    assert.deepEqual(runAzureCliScript(scriptFor(bulkAssign, 'azureCli')), [
      ['account', 'set', '--subscription', SUB],
      ['vm', 'identity', 'assign', '--ids', VM.id, '--identities', BACKEND],
      ['account', 'set', '--subscription', SUB],
      ['vmss', 'identity', 'assign', '--ids', VMSS.id, '--identities', BACKEND],
    ]);
  });

  it("PowerShell: each step is that host's own script, after its description, under one header", () => {
    const script = scriptFor(bulkAssign, 'powershell');
    const body = (operation: ScriptOperation) => scriptFor(operation, 'powershell').split("$ErrorActionPreference = 'Stop'\n")[1];
    const [first, second] = bulkAssign.kind === 'many' ? bulkAssign.operations : [];
    assert.ok(script.startsWith('#Requires -Modules Az.Accounts, Az.Compute\n# The same change on 2 resources'), script);
    assert.ok(
      script.endsWith(
        `$ErrorActionPreference = 'Stop'\n\n# Assign the user-assigned identity 'id-backend' to virtual machine 'vm-web-01', keeping the identities it has.\n${body(first)}` +
          `\n# Assign the user-assigned identity 'id-backend' to virtual machine scale set 'vmss-web', keeping the identities it has.\n${body(second)}`,
      ),
      script,
    );
    // Each step keeps the host's other identities, as a single write's script does.
    assert.equal(script.match(/^\$userAssignedIds = @\(\)$/gm)?.length, 2);
  });

  it('a bulk group change signs in to Microsoft Graph, and names only what each step acted on', () => {
    const hostB: ScriptHostRef = { ...VM, name: 'vm-web-02', id: VM.id.replace('vm-web-01', 'vm-web-02') };
    const bulkGroup: ScriptOperation = {
      kind: 'many',
      operations: [
        { kind: 'addToGroup', host: VM, principalId: PRINCIPAL, group: { id: GROUP, displayName: 'Readers' }, tenantId: TENANT },
        { kind: 'addToGroup', host: hostB, principalId: USER_ASSIGNED_PRINCIPAL, group: { id: GROUP, displayName: 'Readers' }, tenantId: TENANT },
      ],
    };
    const powershell = scriptFor(bulkGroup, 'powershell');
    assert.match(powershell, /^#Requires -Modules Microsoft\.Graph\.Authentication, Microsoft\.Graph\.Groups$/m);
    assert.match(powershell, /^# Connect-MgGraph below signs you in\.$/m);
    assert.deepEqual(runAzureCliScript(scriptFor(bulkGroup, 'azureCli')).filter((call) => call[0] === 'ad'), [
      ['ad', 'group', 'member', 'add', '--group', GROUP, '--member-id', PRINCIPAL],
      ['ad', 'group', 'member', 'add', '--group', GROUP, '--member-id', USER_ASSIGNED_PRINCIPAL],
    ]);
    for (const operation of [bulkAssign, bulkGroup]) {
      for (const shell of SHELLS) {
        assertNamesOnlyIdsActedOn(`many (${shell})`, operation, scriptFor(operation, shell));
      }
    }
  });
});
