// "Show Identity JSON": one read-only tab per VM, `azure-vm-identity:/<subscription>/<resource group>/<vm>.identity.json`.
// ARM names ignore case and VS Code's document URIs do not: an open tab whose URI differs only in case is the VM's tab,
// so a VM gets one tab however its id is spelt (and the tab keeps the VM's own casing in its title).
// The content is read through IdentityOperations each time VS Code asks; an open tab is read again whenever the store
// takes a new state of its VM (after a write, or a read after a failed one).
import * as vscode from 'vscode';
import type { VmRef } from '../identity/model';
import { virtualMachineId } from '../identity/resourceIds';
import type { IdentityOperations } from '../identity/operations';
import type { ResourceStore } from '../store/resourceStore';
import { describeError } from './describeError';

export const IDENTITY_JSON_SCHEME = 'azure-vm-identity';
const SUFFIX = '.identity.json';

export function identityJsonUri(vm: VmRef): vscode.Uri {
  const segments = [vm.subscriptionId, vm.resourceGroup, `${vm.name}${SUFFIX}`].map(encodeURIComponent);
  return vscode.Uri.from({ scheme: IDENTITY_JSON_SCHEME, path: `/${segments.join('/')}` });
}

export function vmRefFromUri(uri: vscode.Uri): VmRef | undefined {
  const [subscriptionId, resourceGroup, file] = uri.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (!subscriptionId || !resourceGroup || !file?.endsWith(SUFFIX)) {
    return undefined;
  }
  const name = file.slice(0, -SUFFIX.length);
  return { kind: 'virtualMachine', subscriptionId, resourceGroup, name, id: virtualMachineId(subscriptionId, resourceGroup, name) };
}

export class IdentityJsonProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  private readonly storeListener: { dispose(): void };

  constructor(
    private readonly operations: IdentityOperations,
    store: ResourceStore,
  ) {
    this.storeListener = store.onDidChange((change) => {
      const host = change.kind === 'host' && change.aspect === 'state' ? store.host(change.key) : undefined;
      if (host) {
        this.refresh(host);
      }
    });
  }

  dispose(): void {
    this.storeListener.dispose();
    this.changeEmitter.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const vm = vmRefFromUri(uri);
    if (!vm) {
      return JSON.stringify({ error: vscode.l10n.t('Not an identity document: {0}', uri.toString()) }, null, 2);
    }
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const json = await this.operations.getIdentityJson(vm, { signal: controller.signal });
      return JSON.stringify(json, null, 2) + '\n';
    } catch (error) {
      return JSON.stringify({ vm: vm.name, error: describeError(error) }, null, 2) + '\n';
    } finally {
      subscription.dispose();
    }
  }

  /** Re-reads the VM's tab if it is open. */
  private refresh(vm: VmRef): void {
    const open = this.openDocument(vm);
    if (open) {
      this.changeEmitter.fire(open.uri);
    }
  }

  /** Opens the VM's tab, or shows it if open (writes from here keep it current): one GET at most. */
  async show(vm: VmRef): Promise<void> {
    const document = this.openDocument(vm) ?? (await vscode.workspace.openTextDocument(identityJsonUri(vm)));
    await vscode.window.showTextDocument(document, { preview: false });
  }

  private openDocument(vm: VmRef): vscode.TextDocument | undefined {
    const key = identityJsonUri(vm).toString().toLowerCase();
    return vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === IDENTITY_JSON_SCHEME && doc.uri.toString().toLowerCase() === key);
  }
}
