// Stands in for vscode.l10n.t in unit tests: fills {0}, {1}, ... as VS Code does for the default language.
export function format(message: string, ...args: Array<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (match, index: string) => (args[Number(index)] !== undefined ? String(args[Number(index)]) : match));
}
