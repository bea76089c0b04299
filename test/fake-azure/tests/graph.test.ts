// The fake's Microsoft Graph face driven as the extension drives it: @azure/core-rest-pipeline with the bearer-token
// policy and @azure/identity's ClientSecretCredential against the fake's token service. Each change is checked in
// the fake's state afterwards. graph-handler.test.ts covers the query rules in more detail without a server.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpMethods,
} from '@azure/core-rest-pipeline';
import { loadSeed } from '../state';
import { startFakeAzureForTests } from '../testing';
import type { RunningFakeAzure } from '../server';
import type { Seed, SeedPrincipal } from '../types';
import { clientsFor, credentialFor, demo } from './sdk';

const VM_WEB_02_PRINCIPAL = 'b5a00000-0000-4000-8000-000000000001';
const VM_DATA_01_PRINCIPAL = 'b5a00000-0000-4000-8000-000000000003';
const SG_APP_READERS = 'e6000000-0000-4000-8000-000000000001';
const SG_KEYVAULT_READERS = 'e6000000-0000-4000-8000-000000000002';
const SG_STORAGE_CONTRIBUTORS = 'e6000000-0000-4000-8000-000000000003';
const SG_SQL_ADMINS = 'e6000000-0000-4000-8000-000000000004';
const SG_MONITORING = 'e6000000-0000-4000-8000-000000000006';
const MISSING = 'f0000000-0000-4000-8000-00000000dead';

/**
 * The demo seed, with the Graph permissions these tests rely on pinned: reading a service principal or its
 * memberOf needs Application.Read.All in Graph, which the demo's sp-identity-admin may not carry.
 */
function testSeed(): Seed {
  const seed = structuredClone(loadSeed(undefined));
  const permissions: Record<string, string[]> = {
    'sp-identity-admin': ['GroupMember.ReadWrite.All', 'Group.Read.All', 'Application.Read.All'],
    'sp-reader': ['Group.Read.All'],
  };
  // sp-reader owns one group, to show that ownership alone lets it add members there.
  seed.groups.find((g) => g.id === SG_STORAGE_CONTRIBUTORS)!.owners = [seed.principals.find((p) => p.displayName === 'sp-reader')!.id];
  for (const principal of seed.principals) {
    const pinned = permissions[principal.displayName];
    if (pinned) principal.graphPermissions = pinned;
  }
  return seed;
}

interface GraphResponse {
  status: number;
  body: any;
}

type GraphCall = (method: HttpMethods, pathOrUrl: string, init?: { headers?: Record<string, string>; body?: unknown }) => Promise<GraphResponse>;

let fake: RunningFakeAzure;

/** A Graph caller as the extension builds one: default pipeline plus bearer-token policy, Graph scope. */
function graphAs(who: SeedPrincipal): GraphCall {
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: credentialFor(fake, who), scopes: `${fake.info.graphEndpoint}/.default` }));
  const httpClient = createDefaultHttpClient();
  return async (method, pathOrUrl, init = {}) => {
    const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${fake.info.graphEndpoint}/v1.0${pathOrUrl}`;
    const headers = createHttpHeaders(init.headers);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    const request = createPipelineRequest({ url, method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const response = await pipeline.sendRequest(httpClient, request);
    return { status: response.status, body: response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined };
  };
}

function membersOf(groupId: string): string[] {
  return fake.getState().groups.find((g) => g.id === groupId)!.members;
}

const eventual = { ConsistencyLevel: 'eventual' };
const names = (body: any): string[] => body.value.map((g: { displayName: string }) => g.displayName);

describe('fake Graph through the Azure SDK pipeline', () => {
  let admin: GraphCall;
  let reader: GraphCall;

  before(async () => {
    fake = await startFakeAzureForTests({ seed: testSeed(), pageSize: 2 });
    admin = graphAs(demo.admin);
    reader = graphAs(demo.reader);
  });
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  it('gets a VM identity service principal: ManagedIdentity, named after the VM; 404 once missing', async () => {
    const res = await admin('GET', `/servicePrincipals/${VM_WEB_02_PRINCIPAL}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, VM_WEB_02_PRINCIPAL);
    assert.equal(res.body.servicePrincipalType, 'ManagedIdentity');
    assert.equal(res.body.displayName, 'vm-web-02');
    assert.ok(
      res.body.alternativeNames.some((n: string) => /\/virtualMachines\/vm-web-02$/i.test(n)),
      JSON.stringify(res.body.alternativeNames),
    );
    assert.equal(res.body['@odata.context'], `${fake.info.graphEndpoint}/v1.0/$metadata#servicePrincipals/$entity`);
    const missing = await admin('GET', `/servicePrincipals/${MISSING}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'Request_ResourceNotFound');
    assert.ok(missing.body.error.innerError['request-id']);
  });

  it('needs Application.Read.All to read a service principal', async () => {
    const res = await reader('GET', `/servicePrincipals/${VM_WEB_02_PRINCIPAL}`);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'Authorization_RequestDenied');
  });

  it("filters by display-name prefix with the OData quote doubled (O'Brien Ops)", async () => {
    const filter = encodeURIComponent("startswith(displayName,'o''brien')");
    const res = await admin('GET', `/groups?$filter=${filter}&$select=id,displayName`);
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.body), ["O'Brien Ops"]);
    const undoubled = await admin('GET', `/groups?$filter=${encodeURIComponent("startswith(displayName,'O'Brien')")}`);
    assert.equal(undoubled.status, 400);
  });

  it('searches only with ConsistencyLevel: eventual, word prefixes, case-insensitive', async () => {
    const search = `/groups?$search=${encodeURIComponent('"displayName:READ"')}&$count=true`;
    const refused = await admin('GET', search);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'Request_UnsupportedQuery');
    assert.equal(
      refused.body.error.message,
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
    const found = await admin('GET', search, { headers: eventual });
    assert.equal(found.status, 200);
    assert.deepEqual(names(found.body).sort(), ['sg-app-readers', 'sg-keyvault-readers']);
    assert.equal(found.body['@odata.count'], 2);
  });

  it('pages groups by @odata.nextLink; each $search page needs the header again', async () => {
    const all: string[] = [];
    let url: string | undefined = `${fake.info.graphEndpoint}/v1.0/groups?$select=displayName`;
    let pages = 0;
    while (url) {
      const res = await reader('GET', url);
      assert.equal(res.status, 200);
      assert.ok(res.body.value.length <= 2);
      all.push(...names(res.body));
      url = res.body['@odata.nextLink'];
      if (url) assert.ok(url.startsWith(`${fake.info.graphEndpoint}/v1.0/groups?`), url);
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(all.sort(), fake.getState().groups.map((g) => g.displayName).sort());

    const first = await admin('GET', `/groups?$search=${encodeURIComponent('"displayName:sg"')}`, { headers: eventual });
    assert.equal(first.body.value.length, 2);
    const next: string = first.body['@odata.nextLink'];
    const withoutHeader = await admin('GET', next);
    assert.equal(withoutHeader.status, 400);
    assert.equal(withoutHeader.body.error.code, 'Request_UnsupportedQuery');
    const withHeader = await admin('GET', next, { headers: eventual });
    assert.equal(withHeader.status, 200);
    assert.equal(withHeader.body.value.length, 2);
  });

  it('adds a member (204), refuses it again (400), 404 for a missing group or object; state shows one membership', async () => {
    const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
    const added = await admin('POST', `/groups/${SG_MONITORING}/members/$ref`, { body: ref(VM_WEB_02_PRINCIPAL) });
    assert.equal(added.status, 204);
    assert.deepEqual(membersOf(SG_MONITORING), [VM_WEB_02_PRINCIPAL]);

    const again = await admin('POST', `/groups/${SG_MONITORING}/members/$ref`, { body: ref(VM_WEB_02_PRINCIPAL) });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'Request_BadRequest');
    assert.equal(
      again.body.error.message,
      "One or more added object references already exist for the following modified properties: 'members'.",
    );

    const noGroup = await admin('POST', `/groups/${MISSING}/members/$ref`, { body: ref(VM_WEB_02_PRINCIPAL) });
    assert.equal(noGroup.status, 404);
    assert.equal(noGroup.body.error.code, 'Request_ResourceNotFound');
    const noObject = await admin('POST', `/groups/${SG_MONITORING}/members/$ref`, { body: ref(MISSING) });
    assert.equal(noObject.status, 404);
    assert.equal(noObject.body.error.code, 'Request_ResourceNotFound');
    assert.deepEqual(membersOf(SG_MONITORING), [VM_WEB_02_PRINCIPAL]);
  });

  it('refuses a reader without GroupMember.ReadWrite.All (403) and changes nothing', async () => {
    const before = fake.getState().groups;
    const res = await reader('POST', `/groups/${SG_MONITORING}/members/$ref`, {
      body: { '@odata.id': `${fake.info.graphEndpoint}/v1.0/directoryObjects/${VM_WEB_02_PRINCIPAL}` },
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'Authorization_RequestDenied');
    assert.equal(res.body.error.message, 'Insufficient privileges to complete the operation.');
    assert.deepEqual(fake.getState().groups, before);
  });

  it('lets a group owner without GroupMember.ReadWrite.All add a member to that group (204), and only there', async () => {
    const ref = { '@odata.id': `${fake.info.graphEndpoint}/v1.0/directoryObjects/${VM_WEB_02_PRINCIPAL}` };
    const added = await reader('POST', `/groups/${SG_STORAGE_CONTRIBUTORS}/members/$ref`, { body: ref });
    assert.equal(added.status, 204);
    assert.deepEqual(membersOf(SG_STORAGE_CONTRIBUTORS), [VM_WEB_02_PRINCIPAL]);
    const elsewhere = await reader('POST', `/groups/${SG_MONITORING}/members/$ref`, { body: ref });
    assert.equal(elsewhere.status, 403);
    assert.deepEqual(membersOf(SG_MONITORING), []);
  });

  it('removes a member with DELETE members/{id}/$ref (204), then 404', async () => {
    const removed = await admin('DELETE', `/groups/${SG_KEYVAULT_READERS}/members/${VM_WEB_02_PRINCIPAL}/$ref`);
    assert.equal(removed.status, 204);
    assert.deepEqual(membersOf(SG_KEYVAULT_READERS), []);
    const again = await admin('DELETE', `/groups/${SG_KEYVAULT_READERS}/members/${VM_WEB_02_PRINCIPAL}/$ref`);
    assert.equal(again.status, 404);
    assert.equal(again.body.error.code, 'Request_ResourceNotFound');
  });

  it('lists memberOf (direct) and transitiveMemberOf (nested) as #microsoft.graph.group items, paged', async () => {
    let pages = 0;
    const collect = async (path: string) => {
      const items: any[] = [];
      let url: string | undefined = `${fake.info.graphEndpoint}/v1.0${path}`;
      while (url) {
        const res = await admin('GET', url);
        assert.equal(res.status, 200);
        items.push(...res.body.value);
        url = res.body['@odata.nextLink'];
        pages++;
      }
      return items;
    };
    const direct = await collect(`/servicePrincipals/${VM_DATA_01_PRINCIPAL}/memberOf`);
    assert.deepEqual(direct.map((g) => g.id), [SG_SQL_ADMINS]);
    assert.ok(direct.every((g) => g['@odata.type'] === '#microsoft.graph.group'));
    // A third membership makes the transitive list longer than one page (page size 2).
    const added = await admin('POST', `/groups/${SG_MONITORING}/members/$ref`, {
      body: { '@odata.id': `${fake.info.graphEndpoint}/v1.0/directoryObjects/${VM_DATA_01_PRINCIPAL}` },
    });
    assert.equal(added.status, 204);
    pages = 0;
    const transitive = await collect(`/servicePrincipals/${VM_DATA_01_PRINCIPAL}/transitiveMemberOf`);
    assert.equal(pages, 2);
    assert.deepEqual(transitive.map((g) => g.id).sort(), [SG_APP_READERS, SG_SQL_ADMINS, SG_MONITORING].sort());
    assert.ok(transitive.every((g) => g['@odata.type'] === '#microsoft.graph.group'));
    const directAfter = await collect(`/servicePrincipals/${VM_DATA_01_PRINCIPAL}/memberOf`);
    assert.deepEqual(directAfter.map((g) => g.id).sort(), [SG_SQL_ADMINS, SG_MONITORING].sort());
  });

  it("drops the memberships when the VM's system identity is disabled through ARM", async () => {
    assert.deepEqual(membersOf(SG_KEYVAULT_READERS), [VM_WEB_02_PRINCIPAL]);
    const { compute } = clientsFor(fake);
    const vm = await compute.virtualMachines.beginUpdateAndWait('rg-web', 'vm-web-02', { identity: { type: 'None' } }, { updateIntervalInMs: 10 });
    assert.equal(vm.identity?.principalId, undefined);
    const state = fake.getState();
    assert.ok(!state.groups.some((g) => g.members.includes(VM_WEB_02_PRINCIPAL)), 'no group keeps the deleted principal');
    assert.ok(!state.servicePrincipals.some((sp) => sp.id === VM_WEB_02_PRINCIPAL));
    assert.equal((await admin('GET', `/servicePrincipals/${VM_WEB_02_PRINCIPAL}`)).status, 404);
    assert.equal((await admin('GET', `/servicePrincipals/${VM_WEB_02_PRINCIPAL}/memberOf`)).status, 404);
  });
});
