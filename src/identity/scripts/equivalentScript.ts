// "Copy as Script..." and "Show Script": the Azure PowerShell or Azure CLI that makes the same write as the
// extension, to the same resources, with every value quoted for its shell and no secret in it (issue 11).
import { azureCliScript } from './azureCliScript';
import { powerShellScript } from './powerShellScript';
import type { ScriptOperation, ScriptShell } from './scriptOperation';

export type { ScriptHostKind, ScriptHostRef, ScriptIdentityChange, ScriptOperation, ScriptRoleAssignment, ScriptShell } from './scriptOperation';

/** The script for `operation` in `shell`: PowerShell for the Az modules (Microsoft.Graph for groups), or bash for
 *  Azure CLI. */
export function scriptFor(operation: ScriptOperation, shell: ScriptShell): string {
  return shell === 'powershell' ? powerShellScript(operation) : azureCliScript(operation);
}

/** The VS Code language id of an untitled editor showing a script of the shell. */
export const SCRIPT_LANGUAGE_IDS: Readonly<Record<ScriptShell, string>> = { powershell: 'powershell', azureCli: 'shellscript' };
