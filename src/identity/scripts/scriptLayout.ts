// Lays out one command of a script: on one line when it is short, otherwise one parameter a line with the shell's
// line continuation (PowerShell's backtick, bash's backslash), which must be the last character of its line.
import type { ScriptShell } from './scriptOperation';

/** A parameter: its name (with its dashes) and its already quoted values; a switch has none. */
export type ScriptParameter = readonly [name: string, ...values: string[]];

const LONGEST_ONE_LINE_COMMAND = 100;
const INDENT = '    ';

export function commandLines(shell: ScriptShell, command: string, parameters: readonly ScriptParameter[], indent = ''): string[] {
  const parts = parameters.map((parameter) => parameter.join(' '));
  const oneLine = [command, ...parts].join(' ');
  if (indent.length + oneLine.length <= LONGEST_ONE_LINE_COMMAND || parts.length === 0) {
    return [indent + oneLine];
  }
  const continuation = shell === 'powershell' ? ' `' : ' \\';
  // A parameter with several values (ids, mostly) puts each on its own line, so a reviewer sees one id a line.
  const parameterLines = parameters.flatMap(([name, ...values]) =>
    values.length > 1 ? [INDENT + name, ...values.map((value) => INDENT + INDENT + value)] : [INDENT + [name, ...values].join(' ')],
  );
  const allLines = [command, ...parameterLines];
  return allLines.map((line, index) => indent + line + (index < allLines.length - 1 ? continuation : ''));
}
