// Quoting every value for the shell that will read it: a generated script must run the same whatever a name holds
// (quotes, spaces, $, backticks, unicode). Both shells' single-quoted strings take every character literally, so
// each value becomes one single-quoted string and only the quote characters themselves need care.

/**
 * A PowerShell verbatim string: in single quotes, each quote mark doubled. PowerShell also reads the typographic
 * single quotes (U+2018 to U+201B) as quote marks, so a name holding one would otherwise end the string early.
 */
export function powerShellString(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (quote) => quote + quote)}'`;
}

/** A bash word: in single quotes, each single quote written as '\'' (close, an escaped quote, reopen). */
export function bashWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Text for a `#` comment line in either shell: a line break or other control character in a name would end the
 *  comment and turn the rest of the name into a command, so each becomes a space. */
export function commentText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F\u2028\u2029]/g, ' ');
}
