// The activation shell: the VMs view and every command id, and nothing else. The wiring behind them (the Azure SDKs,
// MSAL, azext-utils, the store, the commands) is a separate bundle (dist/wiring.js) that is required on first use: the
// first time the view asks for its items or a command runs. Activation therefore compiles and runs only this file.
import * as vscode from 'vscode';
import { VMS_VIEW_ID } from './tree/viewIds';
import type { Wiring } from './wiring';

/** The VMs view's data, forwarded to the wiring's tree; loading the wiring is what the first getChildren waits for. */
class LazyTree implements vscode.TreeDataProvider<unknown>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private wiring: Wiring | undefined;

  constructor(private readonly load: () => Wiring) {}

  private loaded(): Wiring {
    if (!this.wiring) {
      this.wiring = this.load();
      this.wiring.tree.onDidChangeTreeData?.((element) => this.changeEmitter.fire(element));
    }
    return this.wiring;
  }

  getChildren(element?: unknown): vscode.ProviderResult<unknown[]> {
    return this.loaded().tree.getChildren(element);
  }

  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.loaded().tree.getTreeItem(element);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

export function activate(context: vscode.ExtensionContext): void {
  let wiring: Wiring | undefined;
  const load = (): Wiring => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, on purpose (see above)
    wiring ??= (require('./wiring') as typeof import('./wiring')).startWiring(context);
    return wiring;
  };
  const tree = new LazyTree(load);
  context.subscriptions.push(tree, vscode.window.createTreeView(VMS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true }));
  // package.json's commands are exactly the wiring's (test/unit/menus.test.ts checks both lists).
  const commands = (context.extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
  for (const { command } of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(command, (...args: unknown[]) => load().runCommand(command, args)));
  }
}

export function deactivate(): void {}
