// Azure Resource Graph for the ARM face (azure-wire-facts.md section 9): POST /providers/Microsoft.ResourceGraph/resources
// over the `Resources` table, built from the same live state as ARM (VMs, scale sets, user-assigned identities), with
// the subset of KQL the extension sends (see README.md: "Azure Resource Graph"). Rows are filtered by what the caller
// may read, scoped by `subscriptions`, and paged with an opaque `$skipToken`. Queries outside the subset answer 400 in
// ARG's error shape, as a query ARG cannot parse does.
import { randomUUID } from 'node:crypto';
import { vmBody, type ArmContext, type Route } from './arm';
import { isAllowed } from './rbac';
import { scaleSetBody, scaleSets } from './scaleSets';
import { sameId, tenantOfSubscription } from './state';
import type { FakeRequest, FakeResponse, FakeState } from './types';

export function resourceGraphRoutes(): Route[] {
  return [{ pattern: /^\/providers\/Microsoft\.ResourceGraph\/resources$/i, methods: { POST: queryResources } }];
}

type Row = Record<string, unknown>;

/** The ARM answer of a row's resource, built on first use: most rows of a large query are filtered or paged away. */
class ArmBody {
  private built: { properties?: unknown; tags?: unknown; identity?: unknown; sku?: unknown } | undefined;
  constructor(private readonly build: () => { properties?: unknown; tags?: unknown; identity?: unknown; sku?: unknown }) {}
  get(): { properties?: unknown; tags?: unknown; identity?: unknown; sku?: unknown } {
    return (this.built ??= this.build());
  }
}

/** A column whose value comes from the ARM answer; rows carry it until a filter, a sort or the answer reads it. */
class DeferredColumn {
  constructor(private readonly body: ArmBody, private readonly key: 'properties' | 'tags' | 'identity' | 'sku', private readonly empty: unknown) {}
  get(): unknown {
    return this.body.get()[this.key] ?? this.empty;
  }
}

function columnValue(value: unknown): unknown {
  return value instanceof DeferredColumn ? value.get() : value;
}

/** A row as the answer shows it. */
function materialize(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, columnValue(v)]));
}

// ---------- Errors in ARG's shape ----------

/** ARG's 400: a support line in `message`, what went wrong in `details` (seen in Azure/azure-powershell#13762, Azure/aztfexport#485). */
function argError(status: number, details: Record<string, unknown>[], code = 'BadRequest'): FakeResponse {
  return {
    status,
    body: {
      error: {
        code,
        message: `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`,
        details,
      },
    },
  };
}

const invalidQueryDetail = {
  code: 'InvalidQuery',
  message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
};

class QueryError extends Error {
  constructor(readonly detail: Record<string, unknown>) {
    super(String(detail['message']));
  }
}

// ---------- KQL subset: tokens ----------

interface Token {
  kind: 'ident' | 'string' | 'number' | 'punct' | 'end';
  text: string;
  value?: string | number;
  position: number;
}

const puncts = ['=~', '!~', '==', '!=', '<=', '>=', '|', ',', '(', ')', '.', '[', ']', '=', '~', '!', '<', '>'];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '/' && query[i + 1] === '/') {
      while (i < query.length && query[i] !== '\n') i += 1;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let text = '';
      i += 1;
      while (i < query.length && query[i] !== c) {
        if (query[i] === '\\' && i + 1 < query.length) i += 1;
        text += query[i];
        i += 1;
      }
      if (i >= query.length) throw parserFailure(query, start, query.slice(start));
      i += 1;
      tokens.push({ kind: 'string', text: query.slice(start, i), value: text, position: start });
      continue;
    }
    const ident = /^[A-Za-z_$][\w$-]*/.exec(query.slice(i));
    if (ident) {
      // KQL names may not end in a hyphen; a hyphen inside is allowed only in a few operator names (mv-expand...).
      const text = ident[0].replace(/-+$/, '');
      tokens.push({ kind: 'ident', text, position: start });
      i += text.length;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(query.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), position: start });
      i += number[0].length;
      continue;
    }
    const punct = puncts.find((p) => query.startsWith(p, i));
    if (!punct) throw parserFailure(query, start, c);
    tokens.push({ kind: 'punct', text: punct, position: start });
    i += punct.length;
  }
  tokens.push({ kind: 'end', text: '<EOF>', position: query.length });
  return tokens;
}

function parserFailure(query: string, position: number, token: string): QueryError {
  const before = query.slice(0, position).split('\n');
  return new QueryError({ code: 'ParserFailure', message: 'ParserFailure', line: before.length, characterPositionInLine: before[before.length - 1]!.length, token });
}

// ---------- KQL subset: expressions and operators ----------

type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; column: string; keys: string[] }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: string; negated: boolean; left: Expr; right: Expr }
  | { kind: 'in'; caseInsensitive: boolean; negated: boolean; left: Expr; list: Expr[] };

type Operator =
  | { kind: 'where'; predicate: Expr }
  | { kind: 'project' | 'extend'; columns: { name: string; expr: Expr }[] }
  | { kind: 'order'; keys: { expr: Expr; descending: boolean }[] }
  | { kind: 'limit'; count: number }
  | { kind: 'summarizeCount'; by: { name: string; expr: Expr }[] };

const stringOperators = ['contains', 'contains_cs', 'has', 'has_cs', 'startswith', 'startswith_cs', 'endswith', 'endswith_cs'];
const functions = ['tolower', 'toupper', 'tostring', 'isempty', 'isnotempty', 'isnull', 'isnotnull'];

class Parser {
  private at = 0;
  constructor(private readonly query: string, private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const token = this.peek();
    this.at += 1;
    return token;
  }
  private fail(token: Token = this.peek()): never {
    throw parserFailure(this.query, token.position, token.text);
  }
  private isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'ident' && token.text.toLowerCase() === word;
  }
  private isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'punct' && token.text === text;
  }
  private expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail();
    this.next();
  }
  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail();
    this.next();
  }

  parseQuery(): Operator[] {
    // `Resources | ...`, or just the operators (ARG then reads the Resources table).
    if (this.isWord('resources')) {
      this.next();
      if (this.peek().kind !== 'end') this.expectPunct('|');
    }
    const operators: Operator[] = [];
    while (this.peek().kind !== 'end') {
      operators.push(this.parseOperator());
      if (this.peek().kind !== 'end') this.expectPunct('|');
    }
    return operators;
  }

  private parseOperator(): Operator {
    const token = this.next();
    const word = token.kind === 'ident' ? token.text.toLowerCase() : '';
    if (word === 'where') return { kind: 'where', predicate: this.parseExpr() };
    if (word === 'project' || word === 'extend') return { kind: word, columns: this.parseColumns() };
    if (word === 'order' || word === 'sort') {
      this.expectWord('by');
      const keys: { expr: Expr; descending: boolean }[] = [];
      do {
        if (keys.length > 0) this.next();
        const expr = this.parseValue();
        // KQL sorts descending unless told otherwise.
        let descending = true;
        if (this.isWord('asc') || this.isWord('desc')) descending = this.next().text.toLowerCase() === 'desc';
        keys.push({ expr, descending });
      } while (this.isPunct(','));
      return { kind: 'order', keys };
    }
    if (word === 'limit' || word === 'take') {
      const count = this.next();
      if (count.kind !== 'number' || !Number.isInteger(count.value)) this.fail(count);
      return { kind: 'limit', count: count.value as number };
    }
    if (word === 'summarize') {
      this.expectWord('count');
      this.expectPunct('(');
      this.expectPunct(')');
      const by = this.isWord('by') ? (this.next(), this.parseColumns()) : [];
      return { kind: 'summarizeCount', by };
    }
    return this.fail(token);
  }

  private parseColumns(): { name: string; expr: Expr }[] {
    const columns: { name: string; expr: Expr }[] = [];
    do {
      if (columns.length > 0) this.next();
      if (this.peek().kind === 'ident' && this.isPunct('=', 1)) {
        const name = this.next().text;
        this.next();
        columns.push({ name, expr: this.parseExpr() });
      } else {
        const expr = this.parseExpr();
        columns.push({ name: columnName(expr, columns.length), expr });
      }
    } while (this.isPunct(','));
    return columns;
  }

  private parseExpr(): Expr {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'logical', op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseUnary();
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'logical', op: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isWord('not') && this.isPunct('(', 1)) {
      this.next();
      return { kind: 'not', operand: this.parseValue() };
    }
    const left = this.parseValue();
    const token = this.peek();
    if (token.kind === 'punct' && ['=~', '!~', '==', '!=', '<', '>', '<=', '>='].includes(token.text)) {
      this.next();
      return { kind: 'compare', op: token.text, negated: false, left, right: this.parseValue() };
    }
    const negated = this.isPunct('!') && this.peek(1).kind === 'ident';
    if (negated) this.next();
    const word = this.peek().kind === 'ident' ? this.peek().text.toLowerCase() : '';
    if (word === 'in') {
      this.next();
      const caseInsensitive = this.isPunct('~');
      if (caseInsensitive) this.next();
      this.expectPunct('(');
      const list: Expr[] = [this.parseValue()];
      while (this.isPunct(',')) {
        this.next();
        list.push(this.parseValue());
      }
      this.expectPunct(')');
      return { kind: 'in', caseInsensitive, negated, left, list };
    }
    if (stringOperators.includes(word)) {
      this.next();
      return { kind: 'compare', op: word, negated, left, right: this.parseValue() };
    }
    if (negated) this.fail();
    return left;
  }

  private parseValue(): Expr {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return { kind: 'literal', value: token.value };
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.parseExpr();
      this.expectPunct(')');
      return inner;
    }
    if (token.kind !== 'ident') return this.fail(token);
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
    if (this.isPunct('(')) {
      if (!functions.includes(lower)) this.fail(token);
      this.next();
      const args: Expr[] = [this.parseExpr()];
      this.expectPunct(')');
      return { kind: 'call', name: lower, args };
    }
    const keys: string[] = [];
    for (;;) {
      if (this.isPunct('.') && this.peek(1).kind === 'ident') {
        this.next();
        keys.push(this.next().text);
      } else if (this.isPunct('[') && this.peek(1).kind === 'string' && this.isPunct(']', 2)) {
        this.next();
        keys.push(String(this.next().value));
        this.next();
      } else break;
    }
    return { kind: 'path', column: token.text, keys };
  }
}

/** KQL's name for an unnamed column: a path flattened with '_' (also inside tostring()), else Column1, Column2... */
function columnName(expr: Expr, index: number): string {
  if (expr.kind === 'path') return [expr.column, ...expr.keys].join('_');
  if (expr.kind === 'call' && expr.name === 'tostring' && expr.args[0]?.kind === 'path') return columnName(expr.args[0], index);
  return `Column${index + 1}`;
}

// ---------- Evaluation ----------

function evaluate(expr: Expr, row: Row): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path': {
      if (!(expr.column in row)) throw new QueryError({ code: 'FailedToResolveColumn', message: `Failed to resolve column or scalar expression named '${expr.column}'` });
      let value: unknown = columnValue(row[expr.column]);
      for (const key of expr.keys) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      return value ?? null;
    }
    case 'call': {
      const value = evaluate(expr.args[0]!, row);
      const empty = value === null || value === undefined || value === '';
      if (expr.name === 'isempty') return empty;
      if (expr.name === 'isnotempty') return !empty;
      if (expr.name === 'isnull') return value === null || value === undefined;
      if (expr.name === 'isnotnull') return !(value === null || value === undefined);
      const text = asText(value);
      return expr.name === 'tolower' ? text.toLowerCase() : expr.name === 'toupper' ? text.toUpperCase() : text;
    }
    case 'not':
      return !truthy(evaluate(expr.operand, row));
    case 'logical':
      return expr.op === 'and'
        ? truthy(evaluate(expr.left, row)) && truthy(evaluate(expr.right, row))
        : truthy(evaluate(expr.left, row)) || truthy(evaluate(expr.right, row));
    case 'in': {
      const left = asText(evaluate(expr.left, row));
      const found = expr.list.some((item) => {
        const right = asText(evaluate(item, row));
        return expr.caseInsensitive ? left.toLowerCase() === right.toLowerCase() : left === right;
      });
      return found !== expr.negated;
    }
    case 'compare':
      return compare(expr.op, evaluate(expr.left, row), evaluate(expr.right, row)) !== expr.negated;
  }
}

/** A column as project/extend carries it: a plain column reference stays deferred, anything else is computed. */
function project(expr: Expr, row: Row): unknown {
  if (expr.kind === 'path' && expr.keys.length === 0 && expr.column in row) return row[expr.column];
  return evaluate(expr, row);
}

function truthy(value: unknown): boolean {
  return value === true;
}

/** KQL's tostring: dynamic objects as JSON, null as empty. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function compare(op: string, left: unknown, right: unknown): boolean {
  if (typeof left === 'number' && typeof right === 'number') {
    return { '==': left === right, '!=': left !== right, '<': left < right, '>': left > right, '<=': left <= right, '>=': left >= right }[op] ?? false;
  }
  const l = asText(left);
  const r = asText(right);
  const cs = op.endsWith('_cs');
  const a = cs ? l : l.toLowerCase();
  const b = cs ? r : r.toLowerCase();
  switch (op.replace(/_cs$/, '')) {
    case '==': return l === r;
    case '!=': return l !== r;
    case '=~': return a === b;
    case '!~': return a !== b;
    case 'contains': return a.includes(b);
    // `has` looks for a whole term; terms are runs of letters and digits.
    case 'has': return a.split(/[^a-z0-9]+/i).includes(b) || (b.length > 0 && !/^[a-z0-9]+$/i.test(b) && a.includes(b));
    case 'startswith': return a.startsWith(b);
    case 'endswith': return a.endsWith(b);
    case '<': return l < r;
    case '>': return l > r;
    case '<=': return l <= r;
    case '>=': return l >= r;
    default: return false;
  }
}

function sortKey(value: unknown): string | number {
  return typeof value === 'number' ? value : asText(value);
}

function run(operators: Operator[], rows: Row[]): Row[] {
  // Stable order by id until the query orders otherwise, so that pages do not overlap (ARG: "stable sorted fashion").
  let result = rows.map((row) => ({ row, key: asText(row['id']).toLowerCase() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ row }) => row);
  for (const op of operators) {
    if (op.kind === 'where') result = result.filter((row) => truthy(evaluate(op.predicate, row)));
    else if (op.kind === 'project' || op.kind === 'extend') {
      result = result.map((row) => {
        const projected: Row = op.kind === 'extend' ? { ...row } : {};
        for (const c of op.columns) projected[c.name] = project(c.expr, row);
        return projected;
      });
    }
    else if (op.kind === 'limit') result = result.slice(0, op.count);
    else if (op.kind === 'order') {
      const keyed = result.map((row) => ({ row, keys: op.keys.map((k) => sortKey(evaluate(k.expr, row))) }));
      keyed.sort((x, y) => {
        for (let i = 0; i < op.keys.length; i += 1) {
          const a = x.keys[i]!;
          const b = y.keys[i]!;
          if (a === b) continue;
          return (a < b ? -1 : 1) * (op.keys[i]!.descending ? -1 : 1);
        }
        return 0;
      });
      result = keyed.map((k) => k.row);
    } else if (op.kind === 'summarizeCount') {
      const groups = new Map<string, { row: Row; count: number }>();
      for (const row of result) {
        const keys = Object.fromEntries(op.by.map((c) => [c.name, evaluate(c.expr, row)]));
        const key = JSON.stringify(keys);
        const group = groups.get(key) ?? { row: keys, count: 0 };
        group.count += 1;
        groups.set(key, group);
      }
      result = [...groups.values()].map((g) => ({ ...g.row, count: g.count }));
    }
  }
  return result;
}

// ---------- The Resources table ----------

type Located = { id: string; subscriptionId: string; resourceGroup: string; name: string; location: string };

/** A Resources row: the cheap columns at once, those from the ARM answer deferred. */
function resourceRow(tenantOf: (subscriptionId: string) => string, item: Located, type: string, body: ArmBody): Row {
  return {
    id: item.id,
    name: item.name,
    type,
    tenantId: tenantOf(item.subscriptionId),
    kind: '',
    location: item.location.replace(/\s+/g, '').toLowerCase(),
    // ARG lower-cases resource group names (compare them with =~).
    resourceGroup: item.resourceGroup.toLowerCase(),
    subscriptionId: item.subscriptionId,
    managedBy: '',
    sku: new DeferredColumn(body, 'sku', null),
    plan: null,
    properties: new DeferredColumn(body, 'properties', {}),
    tags: new DeferredColumn(body, 'tags', {}),
    identity: new DeferredColumn(body, 'identity', null),
    zones: null,
    extendedLocation: null,
  };
}

/** The rows of the Resources table in the subscriptions (lower-case ids) a query is scoped to, with the ARM type each
 *  needs `/read` on. Rows outside the scope are never built: a query over a few subscriptions of a large tenant costs
 *  what those hold (the fake serves one request at a time, so its service time is what a bench measures against). */
function resourceRows(state: FakeState, scopedIds: ReadonlySet<string>): { item: Located; row: Row; readAction: string }[] {
  const tenants = new Map<string, string>();
  const tenantOf = (subscriptionId: string) => {
    const key = subscriptionId.toLowerCase();
    let tenant = tenants.get(key);
    if (tenant === undefined) tenants.set(key, (tenant = tenantOfSubscription(state, subscriptionId)));
    return tenant;
  };
  const scoped = <T extends Located>(items: T[]) => items.filter((item) => scopedIds.has(item.subscriptionId.toLowerCase()));
  return [
    ...scoped(state.virtualMachines).map((vm) => ({
      item: vm,
      readAction: 'Microsoft.Compute/virtualMachines/read',
      row: resourceRow(tenantOf, vm, 'microsoft.compute/virtualmachines', new ArmBody(() => vmBody(vm))),
    })),
    ...scoped(scaleSets({ state })).map((scaleSet) => ({
      item: scaleSet,
      readAction: 'Microsoft.Compute/virtualMachineScaleSets/read',
      row: resourceRow(tenantOf, scaleSet, 'microsoft.compute/virtualmachinescalesets', new ArmBody(() => scaleSetBody(scaleSet))),
    })),
    ...scoped(state.userAssignedIdentities).map((uai) => ({
      item: uai,
      readAction: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      row: resourceRow(tenantOf, uai, 'microsoft.managedidentity/userassignedidentities', new ArmBody(() => ({
        properties: { tenantId: uai.tenantId, principalId: uai.principalId, clientId: uai.clientId, isolationScope: 'None' },
        tags: structuredClone(uai.tags),
      }))),
    })),
  ];
}

/**
 * Whether the caller may read a resource, as rbac.isAllowed answers it, with each of the caller's assignments judged
 * once per action rather than once per row (a query reads every row of the tenant).
 */
function readChecker(state: FakeState, principalId: string): (action: string, resourceId: string) => boolean {
  const mine = state.roleAssignments.filter((ra) => sameId(ra.principalId, principalId));
  const granting = new Map<string, Set<string>>();
  return (action, resourceId) => {
    let scopes = granting.get(action);
    if (!scopes) {
      scopes = new Set(mine.filter((ra) => isAllowed({ ...state, roleAssignments: [ra] }, principalId, action, ra.scope)).map((ra) => ra.scope.replace(/\/+$/, '').toLowerCase()));
      granting.set(action, scopes);
    }
    // scopeContains, with the scopes prepared once: the id or one of its ancestors (cut at a '/') is a granting scope.
    if (scopes.has('')) return true;
    const id = resourceId.toLowerCase();
    for (let end = id.length; end > 0; end = id.lastIndexOf('/', end - 1)) {
      if (scopes.has(id.slice(0, end))) return true;
    }
    return false;
  };
}

// ---------- The route ----------

/** Per caller: queries in the current 5-second window (ARG's documented quota, 15 per 5 s; reported, never enforced). */
const quotaWindows = new WeakMap<FakeState, Map<string, { start: number; used: number }>>();
const quotaPerWindow = 15;
const quotaWindowMs = 5000;

function quotaHeaders(state: FakeState, oid: string): Record<string, string> {
  let windows = quotaWindows.get(state);
  if (!windows) quotaWindows.set(state, (windows = new Map()));
  const now = Date.now();
  let window = windows.get(oid.toLowerCase());
  if (!window || now - window.start >= quotaWindowMs) windows.set(oid.toLowerCase(), (window = { start: now, used: 0 }));
  window.used += 1;
  const resetsAfter = Math.ceil((quotaWindowMs - (now - window.start)) / 1000);
  return { 'x-ms-user-quota-remaining': String(Math.max(0, quotaPerWindow - window.used)), 'x-ms-user-quota-resets-after': `00:00:0${Math.min(resetsAfter, 5)}` };
}

interface QueryOptions {
  $top?: unknown;
  $skip?: unknown;
  $skipToken?: unknown;
  resultFormat?: unknown;
}

const defaultTop = 100;
const maxTop = 1000;

function invalidRequest(message: string): FakeResponse {
  return argError(400, [{ code: 'InvalidRequestContent', message }]);
}

function encodeSkipToken(skip: number, top: number): string {
  return Buffer.from(JSON.stringify({ skip, top })).toString('base64');
}

function decodeSkipToken(token: string): { skip: number; top: number } | undefined {
  try {
    const { skip, top } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { skip?: unknown; top?: unknown };
    if (Number.isInteger(skip) && Number.isInteger(top) && (skip as number) >= 0 && (top as number) >= 1) return { skip: skip as number, top: top as number };
  } catch {
    // fall through: not a token this fake made
  }
  return undefined;
}

function columnType(values: unknown[]): string {
  const sample = values.find((v) => v !== null && v !== undefined);
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'integer' : 'number';
  if (typeof sample === 'boolean') return 'boolean';
  if (sample !== undefined && typeof sample === 'object') return 'object';
  return 'string';
}

function queryResources(req: FakeRequest, ctx: ArmContext): FakeResponse {
  const body = req.body as { subscriptions?: unknown; managementGroups?: unknown; query?: unknown; options?: unknown } | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return invalidRequest('The request content was invalid and could not be deserialized: the body must be a JSON object.');
  if (typeof body.query !== 'string' || body.query.trim() === '') return invalidRequest("The request content was invalid: 'query' is required.");
  if (body.managementGroups !== undefined) {
    return argError(400, [{ code: 'InvalidRequestContent', message: 'This fake Azure does not model management groups: scope the query with subscriptions, or neither (the whole tenant).' }]);
  }
  if (body.subscriptions !== undefined && !(Array.isArray(body.subscriptions) && body.subscriptions.every((s) => typeof s === 'string'))) {
    return invalidRequest("The request content was invalid: 'subscriptions' must be an array of subscription ids.");
  }
  const options = (body.options ?? {}) as QueryOptions;
  if (typeof options !== 'object' || Array.isArray(options)) return invalidRequest("The request content was invalid: 'options' must be an object.");
  const resultFormat = options.resultFormat ?? 'objectArray';
  if (resultFormat !== 'objectArray' && resultFormat !== 'table') return invalidRequest(`The value '${String(resultFormat)}' of 'options.resultFormat' is invalid. Allowed values are 'table' and 'objectArray'.`);
  let skip = 0;
  let top = defaultTop;
  if (options.$top !== undefined) {
    if (!Number.isInteger(options.$top) || (options.$top as number) < 1 || (options.$top as number) > maxTop) return invalidRequest(`The value of 'options.$top' must be an integer from 1 to ${maxTop}.`);
    top = options.$top as number;
  }
  if (options.$skip !== undefined) {
    if (!Number.isInteger(options.$skip) || (options.$skip as number) < 0) return invalidRequest("The value of 'options.$skip' must be a non-negative integer.");
    skip = options.$skip as number;
  }
  if (options.$skipToken !== undefined) {
    // A continuation token carries the page size and offset and overrides both.
    const decoded = typeof options.$skipToken === 'string' ? decodeSkipToken(options.$skipToken) : undefined;
    if (!decoded) return invalidRequest("The value of 'options.$skipToken' is invalid: use the $skipToken of the previous page.");
    ({ skip, top } = decoded);
  }

  let operators: Operator[];
  try {
    operators = new Parser(body.query, tokenize(body.query)).parseQuery();
  } catch (e) {
    if (e instanceof QueryError) return argError(400, [invalidQueryDetail, e.detail]);
    throw e;
  }

  // Scope: the listed subscriptions of the caller's tenant, or all of them (a tenant query); then what the caller may read.
  // Rows from the indexed copy (ARG lags ARM when the fake is told to); who may read them is decided now, by ARM's RBAC.
  const indexed = ctx.resourceGraphState?.() ?? ctx.state;
  const inTenant = ctx.state.subscriptions.filter((s) => sameId(s.tenantId, req.caller.tid));
  const scoped = body.subscriptions === undefined
    ? inTenant
    : inTenant.filter((s) => (body.subscriptions as string[]).some((id) => sameId(id.replace(/^\/subscriptions\//i, ''), s.subscriptionId)));
  const mayRead = readChecker(ctx.state, req.caller.oid);
  const scopedIds = new Set(scoped.map((s) => s.subscriptionId.toLowerCase()));
  const visible = resourceRows(indexed, scopedIds)
    .filter(({ item, readAction }) => mayRead(readAction, item.id))
    .map(({ row }) => row);

  let rows: Row[];
  try {
    rows = run(operators, visible);
  } catch (e) {
    if (e instanceof QueryError) return argError(400, [invalidQueryDetail, e.detail]);
    throw e;
  }
  const pageRows = rows.slice(skip, skip + top).map(materialize);
  const more = skip + pageRows.length < rows.length;
  // Pages need the id column to continue (ARG: "id field is required ... to return the pages in stable sorted fashion").
  const pageable = rows.length === 0 || 'id' in rows[0]!;
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  const data = resultFormat === 'table'
    ? { columns: columns.map((name) => ({ name, type: columnType(pageRows.map((r) => r[name])) })), rows: pageRows.map((r) => columns.map((c) => r[c] ?? null)) }
    : pageRows;
  return {
    status: 200,
    headers: quotaHeaders(ctx.state, req.caller.oid),
    body: {
      totalRecords: rows.length,
      count: pageRows.length,
      resultTruncated: more && !pageable ? 'true' : 'false',
      ...(more && pageable ? { $skipToken: encodeSkipToken(skip + pageRows.length, top) } : {}),
      data,
      facets: [],
    },
  };
}
