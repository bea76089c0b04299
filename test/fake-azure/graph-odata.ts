// OData query options of the fake Microsoft Graph: a $filter parser/evaluator for the clauses Graph supports on
// directory objects, and the $search syntax and tokenized matching Graph documents for directory objects
// (microsoft-graph-docs, concepts/search-query-parameter.md, "Using $search on directory object collections").
// Pure functions, no state: graph.ts turns GraphQueryError into Graph's error body.

export class GraphQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Literal = string | boolean | null;
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: 'eq' | 'ne'; property: string; value: Literal }
  | { kind: 'in'; property: string; values: Literal[] }
  | { kind: 'function'; name: 'startswith' | 'endswith'; property: string; value: string };

interface Token {
  type: 'identifier' | 'string' | '(' | ')' | ',';
  text: string;
  position: number;
}

// Worded as Microsoft.OData's parser words them (Graph passes them on after "Invalid filter clause: ").
function syntaxError(filter: string, position: number, expected?: string): GraphQueryError {
  const what = expected ? `${expected} expected` : 'Syntax error';
  return new GraphQueryError('BadRequest', `Invalid filter clause: ${what} at position ${position} in '${filter}'.`);
}

function unterminatedString(filter: string, position: number): GraphQueryError {
  return new GraphQueryError(
    'BadRequest',
    `Invalid filter clause: There is an unterminated string literal at position ${position} in '${filter}'.`,
  );
}

function tokenizeFilter(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, text: ch, position: i });
      i++;
    } else if (ch === "'") {
      // OData string literal: a quote inside is written as two quotes.
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= filter.length) throw unterminatedString(filter, start);
        if (filter[i] === "'") {
          if (filter[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += filter[i++];
      }
      tokens.push({ type: 'string', text, position: start });
    } else if (/[A-Za-z0-9_$./-]/.test(ch)) {
      const start = i;
      while (i < filter.length && /[A-Za-z0-9_$./-]/.test(filter[i])) i++;
      tokens.push({ type: 'identifier', text: filter.slice(start, i), position: start });
    } else {
      throw syntaxError(filter, i);
    }
  }
  return tokens;
}

/** Parses a $filter expression: eq, ne, in, startswith, endswith, not, and, or, parentheses. */
export function parseFilter(filter: string): FilterNode {
  const tokens = tokenizeFilter(filter);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const end = filter.length;
  const isKeyword = (token: Token | undefined, word: string) =>
    token?.type === 'identifier' && token.text.toLowerCase() === word;
  const expect = (type: Token['type']): Token => {
    const token = tokens[index];
    if (!token || token.type !== type) throw syntaxError(filter, token?.position ?? end, `'${type}'`);
    index++;
    return token;
  };
  const literal = (): Literal => {
    const token = tokens[index];
    if (!token) throw syntaxError(filter, end);
    index++;
    if (token.type === 'string') return token.text;
    if (token.type === 'identifier') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw syntaxError(filter, token.position);
  };
  const property = (): string => {
    const token = tokens[index];
    if (!token || token.type !== 'identifier') throw syntaxError(filter, token?.position ?? end);
    index++;
    return token.text;
  };

  const primary = (): FilterNode => {
    const token = peek();
    if (!token) throw syntaxError(filter, end);
    if (token.type === '(') {
      index++;
      const inner = orExpression();
      expect(')');
      return inner;
    }
    if (isKeyword(token, 'not')) {
      index++;
      return { kind: 'not', operand: primary() };
    }
    const name = property();
    const lower = name.toLowerCase();
    if ((lower === 'startswith' || lower === 'endswith') && peek()?.type === '(') {
      index++;
      const prop = property();
      const comma = peek();
      if (comma?.type !== ',') throw syntaxError(filter, comma?.position ?? end, "')' or ','");
      index++;
      const valueToken = peek();
      const value = literal();
      if (typeof value !== 'string') throw syntaxError(filter, valueToken?.position ?? end);
      const close = peek();
      if (close?.type !== ')') throw syntaxError(filter, close?.position ?? end, "')' or ','");
      index++;
      return { kind: 'function', name: lower, property: prop, value };
    }
    const operator = peek();
    if (isKeyword(operator, 'eq') || isKeyword(operator, 'ne')) {
      index++;
      return { kind: 'compare', op: operator!.text.toLowerCase() as 'eq' | 'ne', property: name, value: literal() };
    }
    if (isKeyword(operator, 'in')) {
      index++;
      expect('(');
      const values = [literal()];
      while (peek()?.type === ',') {
        index++;
        values.push(literal());
      }
      expect(')');
      return { kind: 'in', property: name, values };
    }
    throw syntaxError(filter, operator?.position ?? end);
  };
  const andExpression = (): FilterNode => {
    let left = primary();
    while (isKeyword(peek(), 'and')) {
      index++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpression = (): FilterNode => {
    let left = andExpression();
    while (isKeyword(peek(), 'or')) {
      index++;
      left = { kind: 'or', left, right: andExpression() };
    }
    return left;
  };

  const tree = orExpression();
  if (index < tokens.length) throw syntaxError(filter, tokens[index].position);
  return tree;
}

/** Properties a filter names, to check them against what the resource supports. */
export function filterProperties(node: FilterNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.operand);
    default:
      return [node.property];
  }
}

/** Whether the filter uses clauses that Graph allows on directory objects only as advanced queries. */
export function filterNeedsAdvancedQuery(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return filterNeedsAdvancedQuery(node.left) || filterNeedsAdvancedQuery(node.right);
    case 'not':
      return true;
    case 'compare':
      return node.op === 'ne';
    case 'function':
      return node.name === 'endswith';
    default:
      return false;
  }
}

function propertyValue(record: Record<string, unknown>, property: string): unknown {
  const key = Object.keys(record).find((k) => k.toLowerCase() === property.toLowerCase());
  return key === undefined ? undefined : record[key];
}

// Directory string comparisons are case-insensitive.
function sameValue(actual: unknown, expected: Literal): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return actual.toLowerCase() === expected.toLowerCase();
  return (actual ?? null) === expected;
}

export function evaluateFilter(node: FilterNode, record: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, record) && evaluateFilter(node.right, record);
    case 'or':
      return evaluateFilter(node.left, record) || evaluateFilter(node.right, record);
    case 'not':
      return !evaluateFilter(node.operand, record);
    case 'compare': {
      const equal = sameValue(propertyValue(record, node.property), node.value);
      return node.op === 'eq' ? equal : !equal;
    }
    case 'in': {
      const actual = propertyValue(record, node.property);
      return node.values.some((value) => sameValue(actual, value));
    }
    case 'function': {
      const actual = propertyValue(record, node.property);
      if (typeof actual !== 'string') return false;
      const text = actual.toLowerCase();
      const value = node.value.toLowerCase();
      return node.name === 'startswith' ? text.startsWith(value) : text.endsWith(value);
    }
  }
}

// ---------- $search ----------

export type SearchNode =
  | { kind: 'and' | 'or'; left: SearchNode; right: SearchNode }
  | { kind: 'clause'; property: string; text: string };

function searchSyntaxError(search: string, position: number): GraphQueryError {
  const character = search[position] ?? '';
  return new GraphQueryError(
    'Request_UnsupportedQuery',
    `Syntax error: character '${character}' is not valid at position ${position} in '${search}'.`,
  );
}

/**
 * Parses `"prop:text" [AND|OR] "prop:text"` with parentheses. Each clause is in double quotes (a `"` or `\` inside
 * is escaped with a backslash); AND / OR are upper case and outside the quotes.
 */
export function parseSearch(search: string): SearchNode {
  let i = 0;
  const skipSpaces = () => {
    while (i < search.length && /\s/.test(search[i])) i++;
  };
  const keyword = (word: 'AND' | 'OR'): boolean => {
    skipSpaces();
    if (search.startsWith(word, i) && /[\s("]/.test(search[i + word.length] ?? '')) {
      i += word.length;
      return true;
    }
    return false;
  };
  const primary = (): SearchNode => {
    skipSpaces();
    if (search[i] === '(') {
      i++;
      const inner = orExpression();
      skipSpaces();
      if (search[i] !== ')') throw searchSyntaxError(search, i);
      i++;
      return inner;
    }
    if (search[i] !== '"') throw searchSyntaxError(search, i);
    const start = i;
    i++;
    let clause = '';
    for (;;) {
      if (i >= search.length) throw searchSyntaxError(search, start);
      const ch = search[i];
      if (ch === '\\' && i + 1 < search.length) {
        clause += search[i + 1];
        i += 2;
        continue;
      }
      i++;
      if (ch === '"') break;
      clause += ch;
    }
    const colon = clause.indexOf(':');
    if (colon <= 0) {
      throw new GraphQueryError(
        'Request_UnsupportedQuery',
        `Invalid $search clause '${clause}': the property name must be specified, as in "displayName:${clause}".`,
      );
    }
    return { kind: 'clause', property: clause.slice(0, colon).trim(), text: clause.slice(colon + 1) };
  };
  const andExpression = (): SearchNode => {
    let left = primary();
    while (keyword('AND')) left = { kind: 'and', left, right: primary() };
    return left;
  };
  const orExpression = (): SearchNode => {
    let left = andExpression();
    while (keyword('OR')) left = { kind: 'or', left, right: andExpression() };
    return left;
  };
  const tree = orExpression();
  skipSpaces();
  if (i < search.length) throw searchSyntaxError(search, i);
  return tree;
}

export function searchProperties(node: SearchNode): string[] {
  return node.kind === 'clause' ? [node.property] : [...searchProperties(node.left), ...searchProperties(node.right)];
}

type CharacterClass = 'upper' | 'letter' | 'digit' | 'symbol';
function characterClass(ch: string): CharacterClass {
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{L}/u.test(ch)) return 'letter';
  if (/\p{N}/u.test(ch)) return 'digit';
  return 'symbol';
}

/**
 * Graph's tokenization of displayName/description: words split at spaces, at a lower-to-upper case change
 * (HelloWorld -> hello, world; HELLOworld stays one token), between letters and digits, and at symbols; each
 * symbol is a token, and the words of a symbol-joined run are also joined into one token (hello-world ->
 * hello, -, world, helloworld). Tokens are lower case. `words` are the letter/digit tokens only.
 */
export function searchTokens(text: string): { words: string[]; all: string[] } {
  const words: string[] = [];
  const all: string[] = [];
  for (const chunk of text.split(/\s+/)) {
    if (!chunk) continue;
    const parts: string[] = [];
    let current = '';
    let previous: CharacterClass | undefined;
    let hadSymbol = false;
    for (const ch of chunk) {
      const cls = characterClass(ch);
      if (cls === 'symbol') {
        if (current) parts.push(current);
        current = '';
        all.push(ch);
        hadSymbol = true;
      } else {
        const caseChange = previous === 'letter' && cls === 'upper';
        const digitChange = previous !== undefined && previous !== 'symbol' && (previous === 'digit') !== (cls === 'digit');
        if (current && (caseChange || digitChange)) {
          parts.push(current);
          current = '';
        }
        current += ch;
      }
      previous = cls;
    }
    if (current) parts.push(current);
    const lowered = parts.map((part) => part.toLowerCase());
    words.push(...lowered);
    all.push(...lowered);
    if (hadSymbol && lowered.length > 1) all.push(lowered.join(''));
  }
  return { words, all: all.map((token) => token.toLowerCase()) };
}

/** Tokenized match: every word of the search text is a prefix of some token of the value, in any order. */
export function tokenizedMatch(value: string, searchText: string): boolean {
  const valueTokens = searchTokens(value).all;
  const query = searchTokens(searchText);
  const wanted = query.words.length > 0 ? query.words : query.all;
  if (wanted.length === 0) return false;
  return wanted.every((word) => valueTokens.some((token) => token.startsWith(word)));
}

/** Evaluates a search tree; `tokenized` names the properties searched by tokens, the rest match by prefix. */
export function evaluateSearch(node: SearchNode, record: Record<string, unknown>, tokenized: string[]): boolean {
  if (node.kind !== 'clause') {
    const left = evaluateSearch(node.left, record, tokenized);
    return node.kind === 'and' ? left && evaluateSearch(node.right, record, tokenized) : left || evaluateSearch(node.right, record, tokenized);
  }
  const value = propertyValue(record, node.property);
  if (typeof value !== 'string') return false;
  if (tokenized.some((p) => p.toLowerCase() === node.property.toLowerCase())) return tokenizedMatch(value, node.text);
  return value.toLowerCase().startsWith(node.text.toLowerCase());
}
