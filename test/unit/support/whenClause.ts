// A small evaluator of VS Code `when` clauses, enough for package.json's menus: identifiers, true/false, quoted or bare
// values, ==, !=, =~ /regex/flags, !, &&, || and parentheses, with VS Code's precedence (! > comparison > && > ||).
// Unknown keys are undefined (falsy), as in VS Code.

type Context = Record<string, string | boolean | number | undefined>;
type Token = { kind: 'op'; value: string } | { kind: 'regex'; value: RegExp } | { kind: 'word'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(&&|\|\||==|!=|=~|!|\(|\))/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[1] });
      i += op[1].length;
      // After =~ comes a regex literal.
      if (op[1] === '=~') {
        const regex = /^\s*\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(text.slice(i));
        if (!regex) throw new Error(`when clause: expected a regex after =~ in "${text}"`);
        tokens.push({ kind: 'regex', value: new RegExp(regex[1], regex[2]) });
        i += regex[0].length;
      }
      continue;
    }
    const quoted = /^'([^']*)'/.exec(rest);
    if (quoted) {
      tokens.push({ kind: 'word', value: quoted[1] });
      i += quoted[0].length;
      continue;
    }
    const word = /^[^\s!=&|()']+/.exec(rest);
    if (!word) throw new Error(`when clause: cannot read "${rest}"`);
    tokens.push({ kind: 'word', value: word[0] });
    i += word[0].length;
  }
  return tokens;
}

export function evaluateWhen(clause: string | undefined, context: Context): boolean {
  if (clause === undefined) return true;
  const tokens = tokenize(clause);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => peek()?.kind === 'op' && peek()!.value === value;

  const value = (word: string): string | boolean | number | undefined =>
    word === 'true' ? true : word === 'false' ? false : context[word];

  function primary(): boolean {
    if (isOp('!')) {
      pos++;
      return !primary();
    }
    if (isOp('(')) {
      pos++;
      const result = or();
      if (!isOp(')')) throw new Error(`when clause: missing ) in "${clause}"`);
      pos++;
      return result;
    }
    const token = tokens[pos++];
    if (token?.kind !== 'word') throw new Error(`when clause: expected a key in "${clause}"`);
    const key = token.value;
    if (isOp('==') || isOp('!=')) {
      const negate = peek()!.value === '!=';
      pos++;
      const right = tokens[pos++];
      if (right?.kind !== 'word') throw new Error(`when clause: expected a value in "${clause}"`);
      const equal = String(value(key)) === right.value;
      return negate ? !equal : equal;
    }
    if (isOp('=~')) {
      pos++;
      const regex = tokens[pos++];
      if (regex?.kind !== 'regex') throw new Error(`when clause: expected a regex in "${clause}"`);
      const actual = value(key);
      return actual !== undefined && regex.value.test(String(actual));
    }
    return Boolean(value(key));
  }

  function and(): boolean {
    let result = primary();
    while (isOp('&&')) {
      pos++;
      const right = primary();
      result = result && right;
    }
    return result;
  }

  function or(): boolean {
    let result = and();
    while (isOp('||')) {
      pos++;
      const right = and();
      result = result || right;
    }
    return result;
  }

  const result = or();
  if (pos !== tokens.length) throw new Error(`when clause: unexpected "${JSON.stringify(tokens[pos])}" in "${clause}"`);
  return result;
}
