import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Filled in by the UI work (issue 4).
}

export function deactivate(): void {}
