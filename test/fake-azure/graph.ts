// The Microsoft Graph face of the fake Azure (v1.0): service principals, groups, group membership and memberOf.
// Shapes follow Graph's v1.0 resources and error bodies; see README.md ("Microsoft Graph") for what the sources
// left open and which choice was made. The server has validated the token already; req.caller.roles are the
// Graph application permissions of the caller.
import { createHash, randomUUID } from 'node:crypto';
import {
  GraphQueryError,
  evaluateFilter,
  evaluateSearch,
  filterNeedsAdvancedQuery,
  filterProperties,
  parseFilter,
  parseSearch,
  searchProperties,
  type FilterNode,
  type SearchNode,
} from './graph-odata';
import { sameId } from './state';
import type { FakeRequest, FakeResponse, FakeState, StateGroup, StateServicePrincipal } from './types';

interface GraphOptions {
  /** Server-side page size; a smaller $top makes smaller pages. */
  pageSize: number;
}

const VERSION = 'v1.0';

/** Application permissions that allow each kind of access (the Graph permissions reference, least to most). */
const READ_GROUPS = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Directory.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.ReadWrite.All',
];
const WRITE_MEMBERS = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const READ_SERVICE_PRINCIPALS = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Seeds carry no creation dates; every group reports this one. */
const GROUP_CREATED = '2024-01-15T09:00:00Z';
/** Properties $filter accepts on groups (a subset of Graph's filterable group properties). */
const GROUP_FILTERABLE = ['id', 'displayName', 'description', 'mail', 'mailNickname', 'mailEnabled', 'securityEnabled'];
/** Properties $search matches by tokens; other filterable strings match by prefix (search-query-parameter.md). */
const SEARCH_TOKENIZED = ['displayName', 'description'];
const KNOWN_QUERY_OPTIONS = ['$filter', '$search', '$top', '$select', '$orderby', '$count', '$skiptoken'];

const INSUFFICIENT_PRIVILEGES = 'Insufficient privileges to complete the operation.';

type Json = Record<string, unknown>;

class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (id: string) =>
  new GraphFailure(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
const denied = () => new GraphFailure(403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
const badRequest = (message: string) => new GraphFailure(400, 'Request_BadRequest', message);
const unsupported = (message: string) => new GraphFailure(400, 'Request_UnsupportedQuery', message);
const unsupportedProperty = (property: string, resource: string) =>
  unsupported(`Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`);
const methodNotAllowed = () =>
  new GraphFailure(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');

function responseHeaders(req: FakeRequest, requestId: string): Record<string, string> {
  const clientRequestId = req.headers['client-request-id'];
  // The server sets Content-Type for JSON bodies.
  return {
    'odata-version': '4.0',
    'request-id': requestId,
    'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId,
  };
}

/** Graph's error body, also used for token failures and injected faults on /graph. */
export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId: string) {
  return {
    error: {
      code,
      message,
      // Graph writes the date without fraction or zone, e.g. 2021-05-20T07:32:32.
      innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

function errorResponse(req: FakeRequest, failure: GraphFailure): FakeResponse {
  const requestId = randomUUID();
  const headers = responseHeaders(req, requestId);
  return { status: failure.status, headers, body: graphErrorBody(failure.code, failure.message, requestId, headers['client-request-id']!) };
}

function okResponse(req: FakeRequest, status: number, body?: unknown): FakeResponse {
  return { status, headers: responseHeaders(req, randomUUID()), body };
}

export function handleGraphRequest(req: FakeRequest, state: FakeState, options: GraphOptions): FakeResponse {
  try {
    return route(req, state, options);
  } catch (error) {
    if (error instanceof GraphFailure) return errorResponse(req, error);
    if (error instanceof GraphQueryError) return errorResponse(req, new GraphFailure(400, error.code, error.message));
    throw error;
  }
}

function route(req: FakeRequest, state: FakeState, options: GraphOptions): FakeResponse {
  let segments: string[];
  try {
    segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw badRequest(`Invalid URL: '${req.path}'.`);
  }
  const [version, collection, id, navigation, ...rest] = segments;
  if (version !== VERSION) throw badRequest(`Invalid version: ${version ?? ''}`);
  if (collection === undefined) throw notEmulated(req);
  const entitySet = collection.toLowerCase();
  const method = req.method.toUpperCase();

  if (entitySet === 'groups') {
    if (id === undefined) {
      if (method !== 'GET') throw methodNotAllowed();
      return listGroups(req, state, options);
    }
    if (navigation === undefined) {
      if (method !== 'GET') throw methodNotAllowed();
      return getGroup(req, state, id);
    }
    const nav = navigation.toLowerCase();
    if (nav === 'members') {
      // POST members/$ref adds; DELETE members/{id}/$ref removes; GET members lists.
      if (rest.length === 0 && method === 'GET') return listMembers(req, state, options, id);
      if (rest.length === 1 && rest[0] === '$ref' && method === 'POST') return addMember(req, state, id);
      if (rest.length === 2 && rest[1] === '$ref' && method === 'DELETE') return removeMember(req, state, id, rest[0]);
      // Without /$ref, DELETE members/{id} would delete the member object itself: not emulated.
      throw notEmulated(req);
    }
    if ((nav === 'memberof' || nav === 'transitivememberof') && rest.length === 0) {
      if (method !== 'GET') throw methodNotAllowed();
      return listMemberOf(req, state, options, 'group', id, nav === 'transitivememberof');
    }
    throw resourceSegmentNotFound(navigation);
  }

  if (entitySet === 'serviceprincipals' || entitySet === 'directoryobjects') {
    const kind = entitySet === 'serviceprincipals' ? 'servicePrincipal' : 'directoryObject';
    if (id === undefined) throw notEmulated(req);
    if (method !== 'GET') throw methodNotAllowed();
    if (navigation === undefined) return getDirectoryObject(req, state, kind, id);
    const nav = navigation.toLowerCase();
    if ((nav === 'memberof' || nav === 'transitivememberof') && rest.length === 0) {
      return listMemberOf(req, state, options, kind, id, nav === 'transitivememberof');
    }
    throw resourceSegmentNotFound(navigation);
  }

  throw resourceSegmentNotFound(collection);
}

function notEmulated(req: FakeRequest): GraphFailure {
  return new GraphFailure(400, 'BadRequest', `The fake Microsoft Graph does not emulate ${req.method} /graph${req.path}.`);
}

function resourceSegmentNotFound(segment: string): GraphFailure {
  return new GraphFailure(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

// ---------- permissions ----------

function hasAnyRole(req: FakeRequest, roles: string[]): boolean {
  const held = new Set((req.caller.roles ?? []).map((role) => role.toLowerCase()));
  return roles.some((role) => held.has(role.toLowerCase()));
}

function requireRole(req: FakeRequest, roles: string[]): void {
  if (!hasAnyRole(req, roles)) throw denied();
}

// ---------- directory lookups ----------

function checkObjectId(id: string): void {
  if (!GUID.test(id)) throw badRequest(`Invalid object identifier '${id}'.`);
}

function findGroup(state: FakeState, id: string): StateGroup | undefined {
  return state.groups.find((group) => sameId(group.id, id));
}

function findServicePrincipal(state: FakeState, id: string): StateServicePrincipal | undefined {
  return state.servicePrincipals.find((sp) => sameId(sp.id, id));
}

type DirectoryObject =
  | { type: 'group'; group: StateGroup }
  | { type: 'servicePrincipal'; servicePrincipal: StateServicePrincipal }
  | { type: 'user'; json: Json };

function findDirectoryObject(state: FakeState, id: string): DirectoryObject | undefined {
  const group = findGroup(state, id);
  if (group) return { type: 'group', group };
  const servicePrincipal = findServicePrincipal(state, id);
  if (servicePrincipal) return { type: 'servicePrincipal', servicePrincipal };
  const user = state.principals.find((p) => p.kind === 'User' && sameId(p.id, id));
  if (user) {
    return {
      type: 'user',
      json: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName ?? null },
    };
  }
  return undefined;
}

// ---------- JSON shapes ----------

/** Graph derives a cloud group's securityIdentifier from its object id: S-1-12-1 and the GUID's bytes as 4 uint32. */
function securityIdentifier(id: string): string {
  const hex = id.replace(/-/g, '');
  if (hex.length !== 32) return 'S-1-12-1';
  const bytes = Buffer.alloc(16);
  // .NET Guid byte order: the first three fields little-endian, the last 8 bytes as written.
  Buffer.from(hex.slice(0, 8), 'hex').reverse().copy(bytes, 0);
  Buffer.from(hex.slice(8, 12), 'hex').reverse().copy(bytes, 4);
  Buffer.from(hex.slice(12, 16), 'hex').reverse().copy(bytes, 6);
  Buffer.from(hex.slice(16), 'hex').copy(bytes, 8);
  return ['S-1-12-1', 0, 4, 8, 12].map((part) => (typeof part === 'string' ? part : bytes.readUInt32LE(part))).join('-');
}

function groupJson(group: StateGroup): Json {
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: GROUP_CREATED,
    creationOptions: [],
    description: group.description ?? null,
    displayName: group.displayName,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: false,
    // Security groups made in the portal get a nickname; the fake derives one from the display name.
    mailNickname: group.displayName.replace(/[^A-Za-z0-9._-]/g, '') || group.id.slice(0, 8),
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: [],
    renewedDateTime: GROUP_CREATED,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: true,
    securityIdentifier: securityIdentifier(group.id),
    theme: null,
    visibility: null,
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  };
}

const GROUP_PROPERTIES = Object.keys(groupJson({ id: '', displayName: '', members: [], owners: [] }));

function servicePrincipalJson(sp: StateServicePrincipal): Json {
  const managed = sp.servicePrincipalType === 'ManagedIdentity';
  // Managed identities' principals list "isExplicit=False" (system-assigned) or "isExplicit=True"
  // (user-assigned) before the resource id.
  const alternativeNames = [...sp.alternativeNames];
  if (managed && !alternativeNames.some((name) => name.startsWith('isExplicit='))) {
    const userAssigned = alternativeNames.some((name) => /\/userAssignedIdentities\//i.test(name));
    alternativeNames.unshift(`isExplicit=${userAssigned ? 'True' : 'False'}`);
  }
  const resourceId = alternativeNames.find((name) => name.startsWith('/'));
  const servicePrincipalNames = [sp.appId];
  if (managed && resourceId) {
    servicePrincipalNames.push(`https://identity.azure.net/${createHash('sha256').update(resourceId.toLowerCase()).digest('base64')}`);
  }
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames,
    appDisplayName: managed ? null : sp.displayName,
    appDescription: null,
    appId: sp.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: managed ? null : sp.tenantId,
    appRoleAssignmentRequired: false,
    description: null,
    disabledByMicrosoftStatusReason: null,
    displayName: sp.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: [],
    servicePrincipalNames,
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: managed ? null : 'AzureADMyOrg',
    tags: [],
    tokenEncryptionKeyId: null,
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    samlSingleSignOnSettings: null,
    addIns: [],
    appRoles: [],
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
  };
}

function directoryObjectJson(object: DirectoryObject): Json {
  switch (object.type) {
    case 'group':
      return { '@odata.type': '#microsoft.graph.group', ...groupJson(object.group) };
    case 'servicePrincipal':
      return { '@odata.type': '#microsoft.graph.servicePrincipal', ...servicePrincipalJson(object.servicePrincipal) };
    case 'user':
      return { '@odata.type': '#microsoft.graph.user', ...object.json };
  }
}

function contextUrl(req: FakeRequest, fragment: string): string {
  return `${req.baseUrl}/graph/${VERSION}/$metadata#${fragment}`;
}

// ---------- query options ----------

interface ListQuery {
  filter?: FilterNode;
  search?: SearchNode;
  select?: string[];
  orderBy?: { property: string; descending: boolean };
  count: boolean;
  top?: number;
  offset: number;
}

function isEventual(req: FakeRequest): boolean {
  const value = req.headers['consistencylevel'];
  const text = Array.isArray(value) ? value[0] : value;
  return (text ?? '').trim().toLowerCase() === 'eventual';
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeSkipToken(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw badRequest(`Invalid skip token '${token}'.`);
}

/** Reads and checks the query options of a collection request, with Graph's advanced-query rules. */
function readListQuery(req: FakeRequest, resource: string, properties: string[], filterable: string[]): ListQuery {
  for (const key of req.query.keys()) {
    if (key.startsWith('$') && !KNOWN_QUERY_OPTIONS.includes(key)) {
      throw badRequest(`Unrecognized query argument specified: '${key}'.`);
    }
  }
  const eventual = isEventual(req);
  const query: ListQuery = { count: false, offset: 0 };

  // The $search header check comes first: Graph names it even when $count is also sent without the header.
  const search = req.query.get('$search');
  if (search !== null) {
    if (!eventual) {
      throw unsupported(
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    const text = search.trim();
    query.search = parseSearch(text);
    for (const property of searchProperties(query.search)) {
      if (!filterable.some((p) => p.toLowerCase() === property.toLowerCase())) {
        throw unsupportedProperty(property, resource);
      }
    }
  }

  const count = req.query.get('$count');
  if (count !== null) {
    if (count !== 'true' && count !== 'false') throw badRequest(`Invalid value '${count}' for $count.`);
    query.count = count === 'true';
    if (query.count && !eventual) throw badRequest('$count is not currently supported.');
  }
  const advanced = eventual && query.count;

  const filter = req.query.get('$filter');
  if (filter !== null) {
    query.filter = parseFilter(filter);
    for (const property of filterProperties(query.filter)) {
      if (!filterable.some((p) => p.toLowerCase() === property.toLowerCase())) {
        throw unsupportedProperty(property, resource);
      }
    }
    if (filterNeedsAdvancedQuery(query.filter) && !advanced) {
      const [property] = filterProperties(query.filter);
      throw unsupportedProperty(property, resource);
    }
  }

  const orderBy = req.query.get('$orderby');
  if (orderBy !== null) {
    const match = /^\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
    if (!match || match[1].toLowerCase() !== 'displayname') throw unsupported('Sorting not supported for current query.');
    // Sorting a filtered or searched set is an advanced query (ConsistencyLevel: eventual and $count=true).
    if ((query.filter || query.search) && !advanced) throw unsupported('Sorting not supported for current query.');
    query.orderBy = { property: 'displayName', descending: match[2]?.toLowerCase() === 'desc' };
  }

  const select = req.query.get('$select');
  if (select !== null) {
    query.select = select.split(',').map((p) => p.trim()).filter(Boolean);
    for (const property of query.select) {
      if (!properties.includes(property)) {
        throw badRequest(`Could not find a property named '${property}' on type 'microsoft.graph.${resource.toLowerCase()}'.`);
      }
    }
  }

  const top = req.query.get('$top');
  if (top !== null) {
    const n = Number(top);
    if (!/^\d+$/.test(top.trim()) || n < 1 || n > 999) {
      throw badRequest(`Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`);
    }
    query.top = n;
  }

  const skipToken = req.query.get('$skiptoken');
  if (skipToken !== null) query.offset = decodeSkipToken(skipToken);
  return query;
}

function selectProperties(item: Json, select: string[] | undefined): Json {
  if (!select) return item;
  const picked: Json = {};
  if ('@odata.type' in item) picked['@odata.type'] = item['@odata.type'];
  for (const property of select) picked[property] = item[property];
  return picked;
}

/** Applies filter, search, order, count and server-driven paging; the nextLink repeats every other option. */
function pagedCollection(
  req: FakeRequest,
  options: GraphOptions,
  query: ListQuery,
  items: Json[],
  context: string,
): FakeResponse {
  let matching = items;
  if (query.filter) matching = matching.filter((item) => evaluateFilter(query.filter!, item));
  if (query.search) matching = matching.filter((item) => evaluateSearch(query.search!, item, SEARCH_TOKENIZED));
  if (query.orderBy) {
    const { property, descending } = query.orderBy;
    matching = [...matching].sort((a, b) => {
      const order = String(a[property] ?? '').localeCompare(String(b[property] ?? ''), 'en', { sensitivity: 'base' });
      return descending ? -order : order;
    });
  }
  // $top is the page size, capped by the server's page size (OData lets a server page below $top).
  const size = Math.max(1, Math.min(query.top ?? options.pageSize, options.pageSize));
  const page = matching.slice(query.offset, query.offset + size);
  const body: Json = {
    '@odata.context': contextUrl(req, query.select ? `${context}(${query.select.join(',')})` : context),
  };
  if (query.count) body['@odata.count'] = matching.length;
  const next = query.offset + size;
  if (next < matching.length) {
    const parts: string[] = [];
    for (const [key, value] of req.query) {
      if (key !== '$skiptoken') parts.push(`${key}=${encodeURIComponent(value)}`);
    }
    parts.push(`$skiptoken=${encodeSkipToken(next)}`);
    body['@odata.nextLink'] = `${req.baseUrl}/graph${req.path}?${parts.join('&')}`;
  }
  body.value = page.map((item) => selectProperties(item, query.select));
  return okResponse(req, 200, body);
}

// ---------- handlers ----------

function listGroups(req: FakeRequest, state: FakeState, options: GraphOptions): FakeResponse {
  requireRole(req, READ_GROUPS);
  const query = readListQuery(req, 'Group', GROUP_PROPERTIES, GROUP_FILTERABLE);
  return pagedCollection(req, options, query, state.groups.map(groupJson), 'groups');
}

function singleEntity(req: FakeRequest, json: Json, context: string, properties: string[]): FakeResponse {
  for (const key of req.query.keys()) {
    if (key.startsWith('$') && key !== '$select') throw badRequest(`Unrecognized query argument specified: '${key}'.`);
  }
  const select = req.query.get('$select')?.split(',').map((p) => p.trim()).filter(Boolean);
  for (const property of select ?? []) {
    if (!properties.includes(property)) throw badRequest(`Could not find a property named '${property}'.`);
  }
  const fragment = select ? `${context}(${select.join(',')})/$entity` : `${context}/$entity`;
  return okResponse(req, 200, { '@odata.context': contextUrl(req, fragment), ...selectProperties(json, select) });
}

function getGroup(req: FakeRequest, state: FakeState, id: string): FakeResponse {
  requireRole(req, READ_GROUPS);
  checkObjectId(id);
  const group = findGroup(state, id);
  if (!group) throw notFound(id);
  return singleEntity(req, groupJson(group), 'groups', GROUP_PROPERTIES);
}

function getDirectoryObject(
  req: FakeRequest,
  state: FakeState,
  kind: 'servicePrincipal' | 'directoryObject',
  id: string,
): FakeResponse {
  requireRole(req, kind === 'servicePrincipal' ? READ_SERVICE_PRINCIPALS : ['Directory.Read.All', 'Directory.ReadWrite.All']);
  checkObjectId(id);
  if (kind === 'servicePrincipal') {
    const sp = findServicePrincipal(state, id);
    if (!sp) throw notFound(id);
    const json = servicePrincipalJson(sp);
    return singleEntity(req, json, 'servicePrincipals', Object.keys(json));
  }
  const object = findDirectoryObject(state, id);
  if (!object) throw notFound(id);
  const json = directoryObjectJson(object);
  return singleEntity(req, json, 'directoryObjects', Object.keys(json));
}

/** Groups that hold `memberId` directly, or (transitive) through nested groups. */
export function groupsContaining(state: FakeState, memberId: string, transitive: boolean): StateGroup[] {
  const found: StateGroup[] = [];
  const queue = [memberId];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const group of state.groups) {
      if (found.includes(group) || !group.members.some((m) => sameId(m, current))) continue;
      found.push(group);
      if (transitive) queue.push(group.id);
    }
  }
  return found;
}

function listMemberOf(
  req: FakeRequest,
  state: FakeState,
  options: GraphOptions,
  kind: 'group' | 'servicePrincipal' | 'directoryObject',
  id: string,
  transitive: boolean,
): FakeResponse {
  const readRoles = { group: READ_GROUPS, servicePrincipal: READ_SERVICE_PRINCIPALS, directoryObject: ['Directory.Read.All', 'Directory.ReadWrite.All'] };
  requireRole(req, readRoles[kind]);
  checkObjectId(id);
  const exists =
    kind === 'group' ? findGroup(state, id) : kind === 'servicePrincipal' ? findServicePrincipal(state, id) : findDirectoryObject(state, id);
  if (!exists) throw notFound(id);
  const query = readListQuery(req, 'Group', GROUP_PROPERTIES, GROUP_FILTERABLE);
  const groups = groupsContaining(state, id, transitive).map((group) => directoryObjectJson({ type: 'group', group }));
  return pagedCollection(req, options, query, groups, 'directoryObjects');
}

function listMembers(req: FakeRequest, state: FakeState, options: GraphOptions, groupId: string): FakeResponse {
  requireRole(req, READ_GROUPS);
  checkObjectId(groupId);
  const group = findGroup(state, groupId);
  if (!group) throw notFound(groupId);
  const query = readListQuery(req, 'DirectoryObject', ['@odata.type', 'id', 'displayName'], ['id', 'displayName']);
  const members = group.members
    .map((memberId) => findDirectoryObject(state, memberId))
    .filter((object): object is DirectoryObject => object !== undefined)
    .map(directoryObjectJson);
  return pagedCollection(req, options, query, members, 'directoryObjects');
}

/** The group whose membership the caller wants to change, if the caller may change it. */
function groupForMembershipChange(req: FakeRequest, state: FakeState, groupId: string): StateGroup {
  checkObjectId(groupId);
  const group = findGroup(state, groupId);
  if (!group) {
    // A caller who may not read groups learns nothing about which exist.
    if (!hasAnyRole(req, READ_GROUPS)) throw denied();
    throw notFound(groupId);
  }
  const owner = group.owners.some((ownerId) => sameId(ownerId, req.caller.oid));
  if (!owner && !hasAnyRole(req, WRITE_MEMBERS)) throw denied();
  return group;
}

/** Object id from an @odata.id such as https://graph.microsoft.com/v1.0/directoryObjects/{id}. */
function referencedObjectId(body: unknown): string {
  const reference = body && typeof body === 'object' ? (body as Json)['@odata.id'] : undefined;
  if (typeof reference !== 'string') throw badRequest('Invalid URL format specified in @odata.id.');
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    throw badRequest('Invalid URL format specified in @odata.id.');
  }
  const match = /\/(directoryObjects|servicePrincipals|users|groups)\/([^/]+)\/?$/i.exec(url.pathname);
  if (!match || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw badRequest('Invalid URL format specified in @odata.id.');
  }
  return decodeURIComponent(match[2]);
}

function addMember(req: FakeRequest, state: FakeState, groupId: string): FakeResponse {
  const group = groupForMembershipChange(req, state, groupId);
  const memberId = referencedObjectId(req.body);
  checkObjectId(memberId);
  const member = findDirectoryObject(state, memberId);
  if (!member) throw notFound(memberId);
  if (group.members.some((m) => sameId(m, memberId))) {
    throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
  }
  if (member.type === 'group' && sameId(member.group.id, group.id)) {
    throw badRequest('A group cannot be added as a member of itself.');
  }
  // Store the id as the directory holds it, not as the caller cased it.
  const canonicalId =
    member.type === 'group' ? member.group.id : member.type === 'servicePrincipal' ? member.servicePrincipal.id : memberId;
  group.members.push(canonicalId);
  return okResponse(req, 204);
}

function removeMember(req: FakeRequest, state: FakeState, groupId: string, memberId: string): FakeResponse {
  const group = groupForMembershipChange(req, state, groupId);
  checkObjectId(memberId);
  const index = group.members.findIndex((m) => sameId(m, memberId));
  if (index < 0) throw notFound(memberId);
  group.members.splice(index, 1);
  return okResponse(req, 204);
}
