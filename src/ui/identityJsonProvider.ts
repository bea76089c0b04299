// "Show Identity JSON": one read-only tab per host, `azure-vm-identity:/<subscription>/<resource group>/<vm>.identity.json`
// for a VM and `.../<resource group>/virtualMachineScaleSets/<name>.identity.json` for a scale set; where another host
// has the same name, the file (the tab's title) names the resource group too (identityJsonPath.ts).
// ARM names ignore case and VS Code's document URIs do not: an open tab whose URI differs only in case is the VM's tab,
// so a VM gets one tab however its id is spelt (and the tab keeps the VM's own casing in its title).
// The content is read through IdentityOperations each time VS Code asks; an open tab is read again whenever the store
// takes a new state of its VM (after a write, or a read after a failed one).
import * as vscode from 'vscode';
import type { IdentityHostRef } from '../identity/model';
import { resourceKey } from '../identity/resourceIds';
import type { IdentityOperations } from '../identity/operations';
import type { ResourceStore } from '../store/resourceStore';
import { describeError } from './describeError';
import { hostRefFromIdentityJsonPath, identityJsonPath } from './identityJsonPath';

export const IDENTITY_JSON_SCHEME = 'azure-vm-identity';

/** The host's tab, titled with its label (`ResourceStore.hostLabel`). */
export function identityJsonUri(vm: IdentityHostRef, label: string): vscode.Uri {
  return vscode.Uri.from({ scheme: IDENTITY_JSON_SCHEME, path: identityJsonPath(vm, label) });
}

export function vmRefFromUri(uri: vscode.Uri): IdentityHostRef | undefined {
  return hostRefFromIdentityJsonPath(uri.path);
}

export class IdentityJsonProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  private readonly storeListener: { dispose(): void };

  constructor(
    private readonly operations: IdentityOperations,
    private readonly store: ResourceStore,
  ) {
    this.storeListener = this.store.onDidChange((change) => {
      const host = change.kind === 'host' && change.aspect === 'state' ? this.store.host(change.key) : undefined;
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
      return JSON.stringify({ vm: this.store.hostLabel(vm), error: describeError(error) }, null, 2) + '\n';
    } finally {
      subscription.dispose();
    }
  }

  /** Re-reads the VM's tab if it is open. */
  private refresh(vm: IdentityHostRef): void {
    const open = this.openDocument(vm);
    if (open) {
      this.changeEmitter.fire(open.uri);
    }
  }

  /** Opens the VM's tab, or shows it if open (writes from here keep it current): one GET at most. */
  async show(vm: IdentityHostRef): Promise<void> {
    const document = this.openDocument(vm) ?? (await vscode.workspace.openTextDocument(identityJsonUri(vm, this.store.hostLabel(vm))));
    await vscode.window.showTextDocument(document, { preview: false });
  }

  /** The host's open tab, whatever its title's casing or label (a name that came to collide keeps its first title). */
  private openDocument(vm: IdentityHostRef): vscode.TextDocument | undefined {
    const key = resourceKey(vm.id);
    return vscode.workspace.textDocuments.find((doc) => {
      const ref = doc.uri.scheme === IDENTITY_JSON_SCHEME ? vmRefFromUri(doc.uri) : undefined;
      return ref !== undefined && ref.kind === vm.kind && resourceKey(ref.id) === key;
    });
  }
}
