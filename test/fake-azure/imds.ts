// The instance metadata service (IMDS) token endpoint as it answers inside one fake VM: which identity a request
// names, IMDS's documented errors, and a token minted by the fake Entra for that identity's principal
// (azure-wire-facts.md section 11). The fake runs no guest: runCommand.ts finds the request in a script and calls this.
import type { TokenService } from './auth';
import { hasSystemAssigned, hasUserAssigned, sameId, tenantOfSubscription } from './state';
import type { FakeState, SeedPrincipal, StateVirtualMachine } from './types';

/** The one address and path of the token endpoint inside every Azure VM. */
export const imdsTokenUrl = 'http://169.254.169.254/metadata/identity/oauth2/token';

/** api-versions of the identity endpoint the fake accepts (the SDKs send 2018-02-01). */
export const imdsApiVersions = ['2018-02-01', '2019-08-01'];

export interface ImdsRequest {
  /** The query of the token URL: api-version, resource, and at most one of client_id, object_id, msi_res_id. */
  query: URLSearchParams;
  /** The value of the `Metadata` header, undefined when the request has none. */
  metadataHeader: string | undefined;
}

export interface ImdsAnswer {
  status: number;
  body: Record<string, string>;
}

/** IMDS's error body: `{error, error_description}` (how-to-use-vm-token.md "Error handling"). */
function imdsError(status: number, error: string, description: string): ImdsAnswer {
  return { status, body: { error, error_description: description } };
}

const identityNotFound = () => imdsError(400, 'invalid_request', 'Identity not found');

/** Resources (App ID URIs) a managed identity can get a token for, beside the fake's own ARM and Graph audiences. */
const knownResources = [
  /^https:\/\/management\.azure\.com\/?$/i,
  /^https:\/\/management\.core\.windows\.net\/?$/i,
  /^https:\/\/graph\.microsoft\.com\/?$/i,
  /^https:\/\/storage\.azure\.com\/?$/i,
  /^https:\/\/[a-z0-9]{3,24}\.(blob|queue|table|file|dfs)\.core\.windows\.net\/?$/i,
  /^https:\/\/vault\.azure\.net\/?$/i,
  /^https:\/\/database\.windows\.net\/?$/i,
  /^https:\/\/ossrdbms-aad\.database\.windows\.net\/?$/i,
  /^https:\/\/(eventhubs|servicebus)\.azure\.net\/?$/i,
  /^https:\/\/cognitiveservices\.azure\.com\/?$/i,
  /^https:\/\/monitor\.azure\.com\/?$/i,
  /^https:\/\/api\.loganalytics\.io\/?$/i,
];

function isKnownResource(resource: string, tokens: TokenService): boolean {
  const own = [tokens.audiences.arm, tokens.audiences.graph].map((a) => a.replace(/\/+$/, '').toLowerCase());
  return own.includes(resource.replace(/\/+$/, '').toLowerCase()) || knownResources.some((pattern) => pattern.test(resource));
}

/** The managed identity the request names on this VM, or IMDS's answer when there is none to pick. */
interface ChosenIdentity {
  principalId: string;
  clientId: string;
  /** xms_mirid: the VM's id for its system-assigned identity, the identity's id for a user-assigned one. */
  resourceId: string;
}

function chooseIdentity(state: FakeState, vm: StateVirtualMachine, query: URLSearchParams): ChosenIdentity | ImdsAnswer {
  const userAssigned = hasUserAssigned(vm.identity.type)
    ? Object.entries(vm.identity.userAssignedIdentities).map(([resourceId, ids]) => ({ resourceId, principalId: ids.principalId, clientId: ids.clientId }))
    : [];
  const systemPrincipal = hasSystemAssigned(vm.identity.type) ? vm.identity.principalId : undefined;
  const systemAssigned = systemPrincipal
    ? [{ resourceId: vm.id, principalId: systemPrincipal, clientId: state.servicePrincipals.find((sp) => sameId(sp.id, systemPrincipal))?.appId ?? '' }]
    : [];
  const clientId = query.get('client_id');
  const objectId = query.get('object_id');
  const resourceId = query.get('msi_res_id') ?? query.get('mi_res_id');
  const selectors = [clientId, objectId, resourceId].filter((s) => s !== null);
  if (selectors.length > 1) {
    return imdsError(400, 'invalid_request', 'Only one of client_id, object_id and msi_res_id may be specified in the token request');
  }
  const all = [...systemAssigned, ...userAssigned];
  if (clientId !== null) return all.find((i) => sameId(i.clientId, clientId)) ?? identityNotFound();
  if (objectId !== null) return all.find((i) => sameId(i.principalId, objectId)) ?? identityNotFound();
  if (resourceId !== null) return all.find((i) => sameId(i.resourceId, resourceId)) ?? identityNotFound();
  // Without a selector: the system-assigned identity, else the only user-assigned one.
  if (systemAssigned[0]) return systemAssigned[0];
  if (userAssigned.length === 1) return userAssigned[0]!;
  if (userAssigned.length > 1) {
    return imdsError(400, 'invalid_request', 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request');
  }
  return identityNotFound();
}

function isAnswer(x: ChosenIdentity | ImdsAnswer): x is ImdsAnswer {
  return 'status' in x;
}

/** What IMDS on `vm` answers to a token request. A 200 body carries an access_token: callers must never keep it. */
export function answerImdsTokenRequest(state: FakeState, tokens: TokenService, vm: StateVirtualMachine, request: ImdsRequest): ImdsAnswer {
  if (request.metadataHeader !== 'true') return imdsError(400, 'bad_request_102', 'Required metadata header not specified');
  const apiVersion = request.query.get('api-version');
  if (!apiVersion) return imdsError(400, 'invalid_request', "Required query variable 'api-version' is missing");
  if (!imdsApiVersions.includes(apiVersion)) return imdsError(400, 'invalid_request', `Invalid api-version '${apiVersion}'`);
  const resource = request.query.get('resource');
  if (!resource) return imdsError(400, 'invalid_request', "Required query variable 'resource' is missing");
  const identity = chooseIdentity(state, vm, request.query);
  if (isAnswer(identity)) return identity;
  const tenantId = tenantOfSubscription(state, vm.subscriptionId);
  if (!isKnownResource(resource, tokens)) {
    return imdsError(400, 'invalid_resource',
      `AADSTS50001: The application named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
  }
  const principal: SeedPrincipal = { id: identity.principalId, kind: 'ServicePrincipal', tenantId, displayName: identity.resourceId, appId: identity.clientId };
  const v1Issuer = `https://sts.windows.net/${tenantId}/`;
  // Managed identities get v1.0 tokens for these resources: sts.windows.net issuer, appid/appidacr, no azp.
  const token = tokens.mint(principal, resource, { iss: v1Issuer, ver: '1.0', azp: undefined, appidacr: '2', idp: v1Issuer, xms_mirid: identity.resourceId });
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number; nbf: number };
  return {
    status: 200,
    body: {
      access_token: token,
      client_id: identity.clientId,
      expires_in: String(claims.exp - Math.floor(Date.now() / 1000)),
      expires_on: String(claims.exp),
      ext_expires_in: String(claims.exp - Math.floor(Date.now() / 1000)),
      not_before: String(claims.nbf),
      refresh_token: '',
      resource,
      token_type: 'Bearer',
    },
  };
}
