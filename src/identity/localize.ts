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

/** How many characters a person counts in `text`: code points, so an emoji is one character, not two UTF-16 units. */
export function characterCount(text: string): number {
  return [...text].length;
}

/** `text` for a message, cut to `max` characters (code points) with an ellipsis: a 129-character name is not
 *  repeated whole in the message that says it is too long. */
export function shortenForMessage(text: string, max = 40): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

/** `text` trimmed and ending with a full stop (unless it already ends a sentence), to embed as a sentence of its own. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) || trimmed === '' ? trimmed : `${trimmed}.`;
}
