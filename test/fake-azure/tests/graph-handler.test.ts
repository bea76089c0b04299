// The Graph face's handler on a hand-built state, without a server: query semantics, error shapes, permissions.
// graph.test.ts drives the same behaviour through the real SDK pipeline against a running fake.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleGraphRequest } from '../graph';
import { parseFilter, searchTokens, tokenizedMatch } from '../graph-odata';
import type { FakeRequest, FakeResponse, FakeState } from '../types';

const TENANT = '11111111-1111-4111-8111-111111111111';
const ADMIN = 'a0000000-0000-4000-8000-000000000001';
const OWNER = 'a0000000-0000-4000-8000-000000000002';
const VM_PRINCIPAL = 'b0000000-0000-4000-8000-000000000001';
const OTHER_PRINCIPAL = 'b0000000-0000-4000-8000-000000000002';
const G_APP = 'c0000000-0000-4000-8000-000000000001';
const G_SQL = 'c0000000-0000-4000-8000-000000000002';
const G_OBRIEN = 'c0000000-0000-4000-8000-000000000003';
const G_MONITOR = 'c0000000-0000-4000-8000-000000000004';
const G_CAMEL = 'c0000000-0000-4000-8000-000000000005';
const MISSING = 'f0000000-0000-4000-8000-00000000dead';
const BASE = 'https://127.0.0.1:4443';

function makeState(): FakeState {
  const sp = (id: string, displayName: string, type: 'Application' | 'ManagedIdentity', alternativeNames: string[] = []) => ({
    id,
    appId: id.replace(/^./, 'e'),
    displayName,
    servicePrincipalType: type,
    alternativeNames,
    tenantId: TENANT,
  });
  return {
    tenants: [{ tenantId: TENANT, displayName: 'T', defaultDomain: 't.onmicrosoft.com' }],
    principals: [],
    subscriptions: [],
    resourceGroups: [],
    userAssignedIdentities: [],
    virtualMachines: [],
    servicePrincipals: [
      sp(ADMIN, 'admin', 'Application'),
      sp(OWNER, 'owner', 'Application'),
      sp(VM_PRINCIPAL, 'vm-web-02', 'ManagedIdentity', [
        'isExplicit=False',
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-02',
      ]),
      sp(OTHER_PRINCIPAL, 'vm-web-04', 'ManagedIdentity', [
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-04',
      ]),
    ],
    groups: [
      { id: G_APP, displayName: 'sg-app-readers', description: 'Read access', members: [G_SQL], owners: [] },
      { id: G_SQL, displayName: 'sg-sql-admins', members: [VM_PRINCIPAL], owners: [] },
      { id: G_OBRIEN, displayName: "O'Brien Ops", members: [], owners: [OWNER] },
      { id: G_MONITOR, displayName: 'sg-monitoring', members: [], owners: [] },
      { id: G_CAMEL, displayName: 'HelloWorld Team42', members: [], owners: [] },
    ],
    roleAssignments: [],
  };
}

const ALL_READ = ['Group.Read.All', 'Application.Read.All'];
const ADMIN_ROLES = ['GroupMember.ReadWrite.All', ...ALL_READ];

function call(
  state: FakeState,
  method: string,
  pathAndQuery: string,
  init: { roles?: string[]; oid?: string; headers?: Record<string, string>; body?: unknown; pageSize?: number } = {},
): { status: number; body: any; headers: Record<string, string> } {
  const url = new URL(`${BASE}/graph${pathAndQuery}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  const req: FakeRequest = {
    method,
    path: url.pathname.slice('/graph'.length),
    query: url.searchParams,
    headers,
    body: init.body,
    caller: {
      oid: init.oid ?? ADMIN,
      tid: TENANT,
      displayName: 'caller',
      aud: `${BASE}/graph`,
      roles: init.roles ?? ADMIN_ROLES,
    },
    baseUrl: BASE,
  };
  const response = handleGraphRequest(req, state, { pageSize: init.pageSize ?? 100 }) as FakeResponse;
  assert.ok(!(response instanceof Promise), 'the Graph handler answers synchronously');
  return { status: response.status, body: response.body, headers: response.headers ?? {} };
}

function assertGraphError(res: { status: number; body: any }, status: number, code: string, message?: string | RegExp) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
  if (typeof message === 'string') assert.equal(res.body.error.message, message);
  else if (message) assert.match(res.body.error.message, message);
  assert.match(res.body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.match(res.body.error.innerError['request-id'], /^[0-9a-f-]{36}$/);
  assert.equal(typeof res.body.error.innerError['client-request-id'], 'string');
}

const names = (body: any) => body.value.map((g: any) => g.displayName);

describe('Graph handler: groups', () => {
  it('filters with startswith, case-insensitively, and reads a doubled quote as one quote', () => {
    const state = makeState();
    const res = call(state, 'GET', `/v1.0/groups?$filter=${encodeURIComponent("startswith(displayName,'o''brien')")}`);
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.body), ["O'Brien Ops"]);
    assert.equal(res.body['@odata.context'], `${BASE}/graph/v1.0/$metadata#groups`);
    assert.equal(res.body.value[0]['@odata.type'], undefined, 'a groups list carries no @odata.type per item');
    assert.equal(res.body.value[0].securityEnabled, true);
  });

  it('refuses an undoubled quote in a filter with 400', () => {
    const res = call(makeState(), 'GET', `/v1.0/groups?$filter=${encodeURIComponent("startswith(displayName,'O'Brien')")}`);
    assertGraphError(res, 400, 'BadRequest', /^Invalid filter clause: /);
  });

  it('refuses filters on properties it does not support, and advanced-only clauses without ConsistencyLevel', () => {
    assertGraphError(
      call(makeState(), 'GET', `/v1.0/groups?$filter=${encodeURIComponent("startswith(color,'x')")}`),
      400,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'color' of resource 'Group'.",
    );
    const endsWith = `/v1.0/groups?$filter=${encodeURIComponent("endswith(displayName,'readers')")}`;
    assertGraphError(call(makeState(), 'GET', endsWith), 400, 'Request_UnsupportedQuery');
    const advanced = call(makeState(), 'GET', `${endsWith}&$count=true`, { headers: { ConsistencyLevel: 'eventual' } });
    assert.deepEqual(names(advanced.body), ['sg-app-readers']);
    assert.equal(advanced.body['@odata.count'], 1);
  });

  it('needs ConsistencyLevel: eventual for $search, with Graph wording', () => {
    const res = call(makeState(), 'GET', `/v1.0/groups?$search=${encodeURIComponent('"displayName:sg"')}`);
    assertGraphError(
      res,
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  });

  it('searches tokens by prefix in any order, case-insensitively', () => {
    const search = (text: string) =>
      names(
        call(makeState(), 'GET', `/v1.0/groups?$search=${encodeURIComponent(`"displayName:${text}"`)}`, {
          headers: { ConsistencyLevel: 'eventual' },
        }).body,
      );
    assert.deepEqual(search('READ'), ['sg-app-readers']);
    assert.deepEqual(search('readers app'), ['sg-app-readers']);
    assert.deepEqual(search('sgapp'), ['sg-app-readers'], 'symbol-joined words also form one token');
    assert.deepEqual(search('brien'), ["O'Brien Ops"]);
    assert.deepEqual(search('world'), ['HelloWorld Team42'], 'a lower-to-upper case change splits words');
    assert.deepEqual(search('42'), ['HelloWorld Team42'], 'digits are their own token');
    assert.deepEqual(search('eaders'), [], 'no infix match: "contains" is not supported');
    assert.deepEqual(search('sg'), ['sg-app-readers', 'sg-sql-admins', 'sg-monitoring']);
  });

  it('combines $search clauses with AND / OR and refuses a clause without property', () => {
    const state = makeState();
    const res = call(
      state,
      'GET',
      `/v1.0/groups?$search=${encodeURIComponent('"displayName:monitoring" OR ("displayName:sg" AND "description:read")')}`,
      { headers: { ConsistencyLevel: 'eventual' } },
    );
    assert.deepEqual(names(res.body), ['sg-app-readers', 'sg-monitoring']);
    assertGraphError(
      call(state, 'GET', `/v1.0/groups?$search=${encodeURIComponent('"sg"')}`, { headers: { ConsistencyLevel: 'eventual' } }),
      400,
      'Request_UnsupportedQuery',
    );
  });

  it('pages with an absolute nextLink that repeats the query, and counts the whole set', () => {
    const state = makeState();
    const seen: string[] = [];
    let path = `/v1.0/groups?$select=id,displayName&$orderby=displayName&$count=true`;
    let pages = 0;
    for (;;) {
      const res = call(state, 'GET', path, { headers: { ConsistencyLevel: 'eventual' }, pageSize: 2 });
      assert.equal(res.status, 200);
      assert.equal(res.body['@odata.count'], 5);
      assert.equal(res.body['@odata.context'], `${BASE}/graph/v1.0/$metadata#groups(id,displayName)`);
      for (const item of res.body.value) assert.deepEqual(Object.keys(item), ['id', 'displayName']);
      seen.push(...names(res.body));
      pages++;
      const next: string | undefined = res.body['@odata.nextLink'];
      if (!next) break;
      assert.ok(next.startsWith(`${BASE}/graph/v1.0/groups?`), next);
      assert.match(next, /\$skiptoken=/);
      path = next.slice(`${BASE}/graph`.length);
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['HelloWorld Team42', "O'Brien Ops", 'sg-app-readers', 'sg-monitoring', 'sg-sql-admins']);
  });

  it('uses $top as the page size, within 1..999', () => {
    const res = call(makeState(), 'GET', '/v1.0/groups?$top=1');
    assert.equal(res.body.value.length, 1);
    assert.ok(res.body['@odata.nextLink'].includes('$top=1'));
    assertGraphError(
      call(makeState(), 'GET', '/v1.0/groups?$top=1000'),
      400,
      'Request_BadRequest',
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
  });

  it('needs ConsistencyLevel for $count, refuses sorting a filtered set without advanced query', () => {
    assertGraphError(call(makeState(), 'GET', '/v1.0/groups?$count=true'), 400, 'Request_BadRequest', '$count is not currently supported.');
    assertGraphError(
      call(makeState(), 'GET', `/v1.0/groups?$orderby=displayName&$filter=${encodeURIComponent("startswith(displayName,'sg')")}`),
      400,
      'Request_UnsupportedQuery',
      'Sorting not supported for current query.',
    );
    assertGraphError(call(makeState(), 'GET', '/v1.0/groups?$expand=members'), 400, 'Request_BadRequest');
    assertGraphError(call(makeState(), 'GET', '/v1.0/groups?$select=color'), 400, 'Request_BadRequest');
  });

  it('gets one group, 404 for a missing one, 400 for an id that is not a GUID', () => {
    const state = makeState();
    const res = call(state, 'GET', `/v1.0/groups/${G_SQL.toUpperCase()}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, G_SQL);
    assert.equal(res.body['@odata.context'], `${BASE}/graph/v1.0/$metadata#groups/$entity`);
    assert.match(res.body.securityIdentifier, /^S-1-12-1-\d+-\d+-\d+-\d+$/);
    assertGraphError(
      call(state, 'GET', `/v1.0/groups/${MISSING}`),
      404,
      'Request_ResourceNotFound',
      `Resource '${MISSING}' does not exist or one of its queried reference-property objects are not present.`,
    );
    assertGraphError(call(state, 'GET', '/v1.0/groups/not-a-guid'), 400, 'Request_BadRequest', "Invalid object identifier 'not-a-guid'.");
  });

  it('needs a group-read permission to read groups', () => {
    assertGraphError(
      call(makeState(), 'GET', '/v1.0/groups', { roles: ['Application.Read.All'] }),
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
    assert.equal(call(makeState(), 'GET', '/v1.0/groups', { roles: ['GroupMember.Read.All'] }).status, 200);
  });
});

describe('Graph handler: membership', () => {
  const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

  it('adds with 204, refuses a second add with 400, and stores the member once', () => {
    const state = makeState();
    const first = call(state, 'POST', `/v1.0/groups/${G_MONITOR}/members/$ref`, { body: ref(OTHER_PRINCIPAL.toUpperCase()) });
    assert.equal(first.status, 204);
    assert.equal(first.body, undefined);
    assert.deepEqual(state.groups.find((g) => g.id === G_MONITOR)!.members, [OTHER_PRINCIPAL], 'stored as the directory cases it');
    assertGraphError(
      call(state, 'POST', `/v1.0/groups/${G_MONITOR}/members/$ref`, { body: ref(OTHER_PRINCIPAL) }),
      400,
      'Request_BadRequest',
      "One or more added object references already exist for the following modified properties: 'members'.",
    );
    assert.equal(state.groups.find((g) => g.id === G_MONITOR)!.members.length, 1);
  });

  it('answers 404 for a missing group or object, 400 for a malformed reference', () => {
    const state = makeState();
    const before = structuredClone(state.groups);
    assertGraphError(call(state, 'POST', `/v1.0/groups/${MISSING}/members/$ref`, { body: ref(VM_PRINCIPAL) }), 404, 'Request_ResourceNotFound');
    assertGraphError(call(state, 'POST', `/v1.0/groups/${G_MONITOR}/members/$ref`, { body: ref(MISSING) }), 404, 'Request_ResourceNotFound');
    assertGraphError(call(state, 'POST', `/v1.0/groups/${G_MONITOR}/members/$ref`, { body: { id: VM_PRINCIPAL } }), 400, 'Request_BadRequest');
    assert.deepEqual(state.groups, before);
  });

  it('refuses without GroupMember.ReadWrite.All unless the caller owns the group', () => {
    const state = makeState();
    const reader = { roles: ['Group.Read.All'], body: ref(VM_PRINCIPAL) };
    assertGraphError(
      call(state, 'POST', `/v1.0/groups/${G_MONITOR}/members/$ref`, reader),
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
    assert.deepEqual(state.groups.find((g) => g.id === G_MONITOR)!.members, []);
    const asOwner = call(state, 'POST', `/v1.0/groups/${G_OBRIEN}/members/$ref`, { ...reader, oid: OWNER });
    assert.equal(asOwner.status, 204);
    assert.deepEqual(state.groups.find((g) => g.id === G_OBRIEN)!.members, [VM_PRINCIPAL]);
    for (const role of ['Group.ReadWrite.All', 'Directory.ReadWrite.All']) {
      const s = makeState();
      assert.equal(call(s, 'POST', `/v1.0/groups/${G_MONITOR}/members/$ref`, { roles: [role], body: ref(VM_PRINCIPAL) }).status, 204);
    }
  });

  it('removes with DELETE members/{id}/$ref, 404 when not a member', () => {
    const state = makeState();
    assert.equal(call(state, 'DELETE', `/v1.0/groups/${G_SQL}/members/${VM_PRINCIPAL}/$ref`).status, 204);
    assert.deepEqual(state.groups.find((g) => g.id === G_SQL)!.members, []);
    assertGraphError(call(state, 'DELETE', `/v1.0/groups/${G_SQL}/members/${VM_PRINCIPAL}/$ref`), 404, 'Request_ResourceNotFound');
    assertGraphError(call(state, 'DELETE', `/v1.0/groups/${G_APP}/members/${G_SQL}/$ref`, { roles: ['Group.Read.All'] }), 403, 'Authorization_RequestDenied');
    assert.deepEqual(state.groups.find((g) => g.id === G_APP)!.members, [G_SQL]);
  });

  it('lists memberOf (direct) and transitiveMemberOf (through nested groups) as typed groups', () => {
    const state = makeState();
    const direct = call(state, 'GET', `/v1.0/servicePrincipals/${VM_PRINCIPAL}/memberOf`);
    assert.equal(direct.status, 200);
    assert.equal(direct.body['@odata.context'], `${BASE}/graph/v1.0/$metadata#directoryObjects`);
    assert.deepEqual(names(direct.body), ['sg-sql-admins']);
    assert.equal(direct.body.value[0]['@odata.type'], '#microsoft.graph.group');
    const transitive = call(state, 'GET', `/v1.0/servicePrincipals/${VM_PRINCIPAL}/transitiveMemberOf`);
    assert.deepEqual(names(transitive.body).sort(), ['sg-app-readers', 'sg-sql-admins']);
    const paged = call(state, 'GET', `/v1.0/servicePrincipals/${VM_PRINCIPAL}/transitiveMemberOf?$select=displayName`, { pageSize: 1 });
    assert.deepEqual(Object.keys(paged.body.value[0]), ['@odata.type', 'displayName']);
    assert.ok(paged.body['@odata.nextLink'].startsWith(`${BASE}/graph/v1.0/servicePrincipals/${VM_PRINCIPAL}/transitiveMemberOf?`));
    assertGraphError(call(state, 'GET', `/v1.0/servicePrincipals/${MISSING}/memberOf`), 404, 'Request_ResourceNotFound');
  });
});

describe('Graph handler: service principals and routing', () => {
  it('returns a managed identity principal with isExplicit first among alternativeNames', () => {
    const state = makeState();
    const res = call(state, 'GET', `/v1.0/servicePrincipals/${OTHER_PRINCIPAL}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.servicePrincipalType, 'ManagedIdentity');
    assert.equal(res.body.displayName, 'vm-web-04');
    assert.deepEqual(res.body.alternativeNames, [
      'isExplicit=False',
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-04',
    ]);
    assert.equal(res.body['@odata.context'], `${BASE}/graph/v1.0/$metadata#servicePrincipals/$entity`);
    assertGraphError(call(state, 'GET', `/v1.0/servicePrincipals/${MISSING}`), 404, 'Request_ResourceNotFound');
  });

  it('needs Application.Read.All (or Directory.Read.All) to read service principals', () => {
    const res = call(makeState(), 'GET', `/v1.0/servicePrincipals/${VM_PRINCIPAL}`, { roles: ['GroupMember.ReadWrite.All', 'Group.Read.All'] });
    assertGraphError(res, 403, 'Authorization_RequestDenied');
    assert.equal(call(makeState(), 'GET', `/v1.0/servicePrincipals/${VM_PRINCIPAL}`, { roles: ['Directory.Read.All'] }).status, 200);
  });

  it('answers unknown routes and methods in Graph error shape, never by throwing', () => {
    const state = makeState();
    assertGraphError(call(state, 'GET', '/v1.0/applications'), 400, 'BadRequest', "Resource not found for the segment 'applications'.");
    assertGraphError(call(state, 'GET', '/beta/groups'), 400, 'Request_BadRequest', 'Invalid version: beta');
    assertGraphError(call(state, 'GET', '/'), 400, 'Request_BadRequest');
    assertGraphError(call(state, 'DELETE', `/v1.0/groups/${G_SQL}`), 405, 'Request_BadRequest');
    assertGraphError(call(state, 'PATCH', `/v1.0/servicePrincipals/${VM_PRINCIPAL}`), 405, 'Request_BadRequest');
    assertGraphError(call(state, 'GET', `/v1.0/groups/${G_SQL}/owners`), 400, 'BadRequest');
    assertGraphError(call(state, 'DELETE', `/v1.0/groups/${G_SQL}/members/${VM_PRINCIPAL}`), 400, 'BadRequest');
    assertGraphError(call(state, 'GET', '/v1.0/groups/%E0%A4%A'), 400, 'Request_BadRequest');
    assert.deepEqual(state.groups.find((g) => g.id === G_SQL)!.members, [VM_PRINCIPAL]);
  });

  it('echoes client-request-id', () => {
    const res = call(makeState(), 'GET', `/v1.0/groups/${MISSING}`, { headers: { 'client-request-id': 'abc-123' } });
    assert.equal(res.body.error.innerError['client-request-id'], 'abc-123');
    assert.equal(res.headers['client-request-id'], 'abc-123');
  });
});

describe('Graph OData helpers', () => {
  it('tokenizes as Graph documents', () => {
    assert.deepEqual(searchTokens('hello world').words, ['hello', 'world']);
    assert.deepEqual(searchTokens('HelloWorld').words, ['hello', 'world']);
    assert.deepEqual(searchTokens('HELLOworld').words, ['helloworld']);
    assert.deepEqual(searchTokens('hello123world').words, ['hello', '123', 'world']);
    assert.deepEqual(searchTokens('hello.world').all.sort(), ['.', 'hello', 'helloworld', 'world']);
    assert.ok(tokenizedMatch('李四(David Li)', 'Li 李'));
    assert.ok(!tokenizedMatch('sg-keyvault-readers', 'vault'));
  });

  it('parses nested filters with in, not and or', () => {
    const tree = parseFilter("(id in ('a','b') or not startswith(displayName,'x')) and securityEnabled eq true");
    assert.equal(tree.kind, 'and');
    assert.throws(() => parseFilter("displayName eq 'x' and"), /Invalid filter clause/);
    assert.throws(() => parseFilter("displayName eq 'unterminated"), /unterminated string literal/);
  });
});
