// The shape of vscode.l10n.t, so that vscode-free modules (unit-tested without VS Code) still localize their text:
// callers pass vscode.l10n.t, tests pass a plain formatter.
export type Localize = (message: string, ...args: Array<string | number | boolean>) => string;
