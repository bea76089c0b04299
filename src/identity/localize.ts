// The shape of vscode.l10n.t, so that src/identity (which cannot import `vscode`) still localizes every message:
// the extension passes vscode.l10n.t; tests and other hosts get defaultLocalize. Also the small text helpers
// messages share.
export type Localize = (message: string, ...args: Array<string | number | boolean>) => string;

/** Substitutes {0}, {1}… as vscode.l10n.t does; a placeholder without an argument stays as written. */
export const defaultLocalize: Localize = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (placeholder, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : placeholder));

/** Names for a message, each in single quotes: 'id-a', 'id-b'. */
export function quoteList(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}
