import * as vscode from 'vscode';
import type { IActionContext } from '../ui/azext';
import { copyToClipboard } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import type { Services } from '../ui/services';

/** A user-assigned identity's item: its id. Otherwise the VM's id. */
export async function copyResourceId(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const resolved = await resolveVm(context, services, node);
  const id = resolved.node?.kind === 'userIdentity' ? resolved.node.id : resolved.vm.id;
  await copyToClipboard(vscode.l10n.t('resource ID'), id);
}
