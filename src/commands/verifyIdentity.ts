// "Verify Identity from Inside the VM..." (issue 11): on a VM, its system-assigned identity or one of its
// user-assigned ones. Asks for the audience (Azure Resource Manager first), runs the check under the write pipeline's
// cancellable progress, and opens "Identity check of <vm>" with the claims and the verdict.
import * as vscode from 'vscode';
import { hasSystemAssigned } from '../identity/identityChange';
import type { IdentityHost } from '../identity/model';
import { resourceNameFromId } from '../identity/resourceIds';
import { VERIFY_AUDIENCES, verifyReportMarkdown, verifyVerdict, type VerifyAudienceKind } from '../identity/verifyIdentity';
import type { VerifyIdentityRequest } from '../identity/verifyOperations';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { pickOne } from '../ui/quickPick';
import type { PickItem } from '../ui/quickPickItems';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { verifiableVm } from './vmRequirements';

const t = vscode.l10n.t;

export async function verifyIdentity(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node, verifiableVm);
  if (host.kind !== 'virtualMachine') {
    throw new Error(t("'{0}' is a scale set: Run Command runs a script on one VM. Verify the identity from one of its instances instead.", services.store.hostLabel(host)));
  }
  const target = await pickTarget(context, host, services.store.hostLabel(host), node);
  const resource = await pickOne(context, audienceItems(), {
    placeHolder: t('Select the audience to request a token for'),
    stepName: 'audience',
  });
  const request: VerifyIdentityRequest = { vm: host, target, resource };
  const title = t("Verifying the identity of '{0}' from inside the VM...", services.store.hostLabel(host));
  services.log.info(`${title} (${host.id}, ${resource})`);
  const result = await services.writeUi.withProgress(title, (report, signal) =>
    services.verify.verifyIdentity(request, {
      signal,
      onProgress: (message) => {
        report(message);
        services.log.info(`${host.name}: ${message}`);
      },
    }),
  );
  const verdict = verifyVerdict(result.checks, t);
  services.log.info(`${host.name}: ${verdict}`);
  await showReport(
    services.store.hostLabel(host),
    verifyReportMarkdown({ vmName: services.store.hostLabel(host), target: result.target, resource, osType: result.osType, claims: result.claims, checks: result.checks, checkedAt: new Date() }, t),
  );
  void (result.ok ? vscode.window.showInformationMessage(verdict) : vscode.window.showWarningMessage(verdict));
}

/** The identity of the clicked item, the VM's only identity, or one the user picks. */
async function pickTarget(context: IActionContext, host: IdentityHost, label: string, node: TreeNode | undefined): Promise<VerifyIdentityRequest['target']> {
  if (node?.kind === 'systemIdentity') {
    return { kind: 'systemAssigned' };
  }
  if (node?.kind === 'userIdentity') {
    return { kind: 'userAssigned', identityId: node.id };
  }
  const items: PickItem<VerifyIdentityRequest['target']>[] = [];
  if (hasSystemAssigned(host.identity.type)) {
    items.push({ label: t('System-assigned identity'), description: host.identity.principalId, data: { kind: 'systemAssigned' } });
  }
  for (const id of Object.keys(host.identity.userAssignedIdentities ?? {})) {
    items.push({ label: resourceNameFromId(id), description: t('user-assigned'), data: { kind: 'userAssigned', identityId: id } });
  }
  if (items.length === 1) {
    return items[0].data;
  }
  return pickOne(context, items, { placeHolder: t('Select the identity to verify on {0}', label), stepName: 'identity' });
}

function audienceItems(): PickItem<string>[] {
  const labels: Record<VerifyAudienceKind, string> = {
    resourceManager: t('Azure Resource Manager'),
    storage: t('Azure Storage'),
    keyVault: t('Azure Key Vault'),
    graph: t('Microsoft Graph'),
  };
  return VERIFY_AUDIENCES.map((audience, index) => ({
    label: labels[audience.kind],
    description: index === 0 ? t('{0} (default)', audience.resource) : audience.resource,
    data: audience.resource,
  }));
}

/** An untitled Markdown document named after the VM; checking the same VM again replaces its text. */
async function showReport(vmName: string, markdown: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: 'untitled', path: t('Identity check of {0}.md', vmName) });
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), markdown);
  await vscode.workspace.applyEdit(edit);
  await vscode.languages.setTextDocumentLanguage(document, 'markdown');
  await vscode.window.showTextDocument(document, { preview: false });
}
